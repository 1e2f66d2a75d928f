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
    /// Set when this node is `input.slice(range)` of a rank-1 input: a first-order backward pass then
    /// adds the upstream gradient straight into the input's gradient at `range` instead of running the
    /// rule (which would build a zero-padded vector of the input's full length).
    var sliceRange: Range<Int>? = nil

    /// The backward rule of a primitive: given the upstream gradient ∂L/∂output (same shape as the
    /// output) and the output node itself (so rules can reuse it: exp′ = exp), returns ∂L/∂input for each
    /// input, or nil where an input gets no gradient. Returned gradients may have the broadcast (output)
    /// shape; the engine sums them back to each input's shape.
    typealias BackwardRule = (_ upstream: Variable, _ output: Variable) -> [Variable?]

    /// A leaf. `requiresGrad: true` marks it as a differentiation variable.
    public init(_ value: Tensor, requiresGrad: Bool = false) {
        self.value = value
        self.requiresGrad = requiresGrad
        self.inputs = []
        self.rule = nil
    }

    /// A constant scalar leaf.
    public convenience init(_ scalar: Double) { self.init(Tensor(scalar)) }

    init(value: Tensor, inputs: [Variable], rule: @escaping BackwardRule) {
        self.value = value
        self.requiresGrad = true
        self.inputs = inputs
        self.rule = rule
    }

    /// Records a primitive: `value` computed from `inputs`, differentiated by `backward`. The node joins
    /// the graph only while recording is on and some input requires a gradient; otherwise it is a
    /// constant leaf and `backward` is dropped.
    static func primitive(_ value: Tensor, _ inputs: [Variable], backward: @escaping BackwardRule) -> Variable {
        if GradientMode.isRecording && inputs.contains(where: { $0.requiresGrad }) {
            return Variable(value: value, inputs: inputs, rule: backward)
        }
        return Variable(value)
    }

    public var shape: [Int] { value.shape }
    /// The single scalar of a one-element value.
    public var scalar: Double { value.scalar }

    /// The same value cut from the graph (a constant).
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
