import Tensor

/// A node of the dynamic computation graph: a tensor value, the inputs it was computed from, and the
/// backward rule of the primitive that produced it.
///
/// Backward rules are written with `Variable` operations, never raw buffers, so when a backward pass is
/// run with `createGraph: true` the gradient is itself recorded and can be differentiated again
/// (double backward). That is how BiasLab gets exact Hessian-vector products: the gradient of ⟨∇f, v⟩.
public final class Variable: @unchecked Sendable, CustomStringConvertible {
    /// The value computed in the forward pass.
    public let value: Tensor
    /// Whether gradients flow into this node (a leaf marked for differentiation, or a node computed
    /// from one while recording).
    public let requiresGrad: Bool
    let inputs: [Variable]
    let rule: BackwardRule?
    /// The primitive's tangent (JVP) rule, kept on recorded nodes so that a ``Linearization`` can push
    /// new tangents through the recorded graph without recomputing any value.
    let jvp: TangentRule?
    /// Set when this node is `input.slice(range)` of a rank-1 input: a backward pass then holds the
    /// upstream gradient back and writes all the slices' gradients into one vector of the input's length
    /// when it reaches the input, instead of running the rule (which would build a zero-padded vector of
    /// the input's full length per slice).
    var sliceRange: Range<Int>? = nil
    /// Set on nodes of ``linear(_:_:backward:)`` primitives, whose backward rule maps the upstream
    /// gradient's value to the input's and its tangent to the input's, independently (a tangent-only
    /// backward pass feeds them the tangent alone).
    var isLinearInInput = false
    /// False for a gradient whose value a tangent-only backward pass did not compute
    /// (``Backward/gradients(of:wrt:seed:createGraph:tangentsOnly:)``): only `tangent` is meaningful,
    /// and `value` holds a placeholder of the right shape.
    let hasValue: Bool

    /// The backward rule of a primitive: given the upstream gradient ∂L/∂output (same shape as the
    /// output) and the output node itself (so rules can reuse it: exp′ = exp), returns ∂L/∂input for each
    /// input, or nil where an input gets no gradient. Returned gradients may have the broadcast (output)
    /// shape; the engine sums them back to each input's shape.
    typealias BackwardRule = (_ upstream: Variable, _ output: Variable) -> [Variable?]

    /// The tangent (JVP) rule of a primitive: the output's tangent from the inputs' tangents (nil
    /// meaning zero; at least one is non-nil), using the values recorded in the forward pass.
    typealias TangentRule = ([Tensor?]) -> Tensor

    /// The forward-mode tangent ẋ = ∂x/∂ε carried along with the value, when some leaf was given one:
    /// every primitive propagates it by its tangent (JVP) rule, through the forward pass and through the
    /// backward rules of a first-order backward pass alike. So the gradient of a pass started from a leaf
    /// θ with tangent v carries the tangent ∇²L(θ)·v — a Hessian–vector product by forward over reverse.
    public let tangent: Tensor?

    /// A leaf. `requiresGrad: true` marks it as a differentiation variable; `tangent` (same shape) seeds
    /// forward mode.
    public init(_ value: Tensor, requiresGrad: Bool = false, tangent: Tensor? = nil) {
        if let tangent { precondition(tangent.shape == value.shape, "Variable: tangent shape \(tangent.shape) differs from value shape \(value.shape)") }
        self.value = value
        self.requiresGrad = requiresGrad
        self.inputs = []
        self.rule = nil
        self.jvp = nil
        self.tangent = tangent
        self.hasValue = true
    }

    /// A gradient of which only the tangent was computed (nil when that tangent is zero too).
    static func valueless(tangent: Tensor?) -> Variable? {
        tangent.map { Variable(valuelessTangent: $0) }
    }

    private init(valuelessTangent tangent: Tensor) {
        value = tangent
        requiresGrad = false
        inputs = []
        rule = nil
        jvp = nil
        self.tangent = tangent
        hasValue = false
    }

    /// A constant scalar leaf.
    public convenience init(_ scalar: Double) { self.init(Tensor(scalar)) }

    init(value: Tensor, inputs: [Variable], rule: @escaping BackwardRule, jvp: @escaping TangentRule, tangent: Tensor?) {
        self.value = value
        self.requiresGrad = true
        self.inputs = inputs
        self.rule = rule
        self.jvp = jvp
        self.tangent = tangent
        self.hasValue = true
    }

    /// Records a primitive: `value` computed from `inputs`, its tangent by `tangent` (the JVP rule: the
    /// output's tangent from the inputs' tangents, nil meaning zero; called only when some input has
    /// one), differentiated by `backward`. The node joins the graph only while recording is on and some
    /// input requires a gradient; otherwise it is a constant leaf (still carrying its tangent).
    static func primitive(_ value: Tensor, _ inputs: [Variable], tangent jvp: @escaping TangentRule,
                          backward: @escaping BackwardRule) -> Variable {
        let tangent = inputs.contains(where: { $0.tangent != nil }) ? jvp(inputs.map(\.tangent)) : nil
        if GradientMode.isRecording && inputs.contains(where: { $0.requiresGrad }) {
            return Variable(value: value, inputs: inputs, rule: backward, jvp: jvp, tangent: tangent)
        }
        return Variable(value, tangent: tangent)
    }

    /// A primitive that is linear in its one input, x ↦ f(x): its tangent is f applied to the input's tangent.
    static func linear(_ input: Variable, _ f: @escaping (Tensor) -> Tensor, backward: @escaping BackwardRule) -> Variable {
        let node = primitive(f(input.value), [input], tangent: { f($0[0]!) }, backward: backward)
        if node.requiresGrad { node.isLinearInInput = true }
        return node
    }

    /// An element-wise primitive y = φ(x): tangent ẏ = φ′(x) ⊙ ẋ with `derivative` giving φ′(x) from (x, y).
    static func elementwise(_ input: Variable, _ phi: (Double) -> Double, derivative: @escaping (Tensor, Tensor) -> Tensor,
                            backward: @escaping BackwardRule) -> Variable {
        let out = input.value.map(phi)
        return primitive(out, [input], tangent: { $0[0]! * derivative(input.value, out) }, backward: backward)
    }

    public var shape: [Int] { value.shape }
    /// The single scalar of a one-element value.
    public var scalar: Double { value.scalar }

    /// The same value cut from the graph (a constant, without tangent).
    public func detached() -> Variable { Variable(value) }

    public var description: String { "Variable(\(value), requiresGrad: \(requiresGrad))" }
}

/// Whether operations are being recorded into the graph. Off inside a first-order backward pass (so
/// the rules run as plain arithmetic) and inside ``GradientMode/withoutRecording(_:)``.
public enum GradientMode {
    @TaskLocal static var recording = true

    public static var isRecording: Bool { recording }

    /// Runs `body` with recording off: no graph is built, every result is a constant.
    public static func withoutRecording<T>(_ body: () throws -> T) rethrows -> T {
        try $recording.withValue(false, operation: body)
    }

    static func with<T>(recording: Bool, _ body: () throws -> T) rethrows -> T {
        try $recording.withValue(recording, operation: body)
    }
}
