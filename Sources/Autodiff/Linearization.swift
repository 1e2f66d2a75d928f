import Tensor

/// The derivative of a recorded function at a fixed point, as a reusable linear map u ↦ J u.
///
/// Built from a recorded graph from a leaf x to an output y = F(x): applying it pushes a tangent u
/// through the graph's tangent (JVP) rules in topological order, using the values recorded once, so
/// nothing of F itself is recomputed (JAX's `linearize`). With F = ∇f recorded by a double-backward
/// pass (``Autodiff/linearizedGradient(of:at:)``) the map is v ↦ ∇²f(x)·v, and k Hessian–vector
/// products cost one gradient plus k tangent sweeps instead of k full forward-over-reverse passes
/// ("linearize once", DERIVATIVES.md). Each product is exact and equals the forward-over-reverse one
/// up to round-off (the same rules in the same order).
///
/// Tangents of intermediate nodes are released as soon as their last consumer has used them.
public final class Linearization: @unchecked Sendable {
    /// The nodes on a path from the leaf to the output, inputs before consumers.
    private let nodes: [Variable]
    /// For node k, the slot (index in `nodes`) of each of its inputs, or nil for a constant.
    private let inputSlots: [[Int?]]
    /// For node k, the slots whose tangents are not needed after node k.
    private let releasedAfter: [[Int]]
    private let leafSlot: Int?
    private let outputSlot: Int?
    /// The leaf's shape (of every tangent applied) and the output's shape.
    public let inputShape: [Int]
    public let outputShape: [Int]

    /// The linearization of `output` as a function of the leaf `input` (which must require grad).
    public init(output: Variable, input: Variable) {
        precondition(input.rule == nil && input.requiresGrad, "Linearization: the input must be a leaf that requires grad")
        // Nodes that require grad are those depending on a differentiation leaf; keep those depending on
        // `input` (others have zero tangent).
        let order = Array(Backward.reverseTopologicalOrder(from: output).reversed())
        var depends = Set<ObjectIdentifier>([ObjectIdentifier(input)])
        var kept: [Variable] = []
        for node in order where node === input || node.inputs.contains(where: { depends.contains(ObjectIdentifier($0)) }) {
            depends.insert(ObjectIdentifier(node))
            kept.append(node)
        }
        var slot: [ObjectIdentifier: Int] = [:]
        for (k, node) in kept.enumerated() { slot[ObjectIdentifier(node)] = k }
        let inputSlots = kept.map { node in node.inputs.map { slot[ObjectIdentifier($0)] } }
        var lastUse = Array(kept.indices)
        for (k, slots) in inputSlots.enumerated() { for case let s? in slots { lastUse[s] = max(lastUse[s], k) } }
        let outputSlot = slot[ObjectIdentifier(output)]
        var released = [[Int]](repeating: [], count: kept.count)
        for (s, k) in lastUse.enumerated() where s != outputSlot { released[k].append(s) }
        nodes = kept
        self.inputSlots = inputSlots
        releasedAfter = released
        leafSlot = slot[ObjectIdentifier(input)]
        self.outputSlot = outputSlot
        inputShape = input.shape
        outputShape = output.shape
    }

    /// J u, exact. Zeros when the output does not depend on the input.
    public func apply(_ tangent: Tensor) -> Tensor {
        precondition(tangent.shape == inputShape, "Linearization.apply: tangent shape \(tangent.shape) differs from input shape \(inputShape)")
        guard let leafSlot, let outputSlot else { return Tensor.zeros(outputShape) }
        var tangents = [Tensor?](repeating: nil, count: nodes.count)
        tangents[leafSlot] = tangent
        for k in nodes.indices where k != leafSlot {
            let incoming = inputSlots[k].map { $0.flatMap { tangents[$0] } }
            if let jvp = nodes[k].jvp, incoming.contains(where: { $0 != nil }) { tangents[k] = jvp(incoming) }
            for s in releasedAfter[k] { tangents[s] = nil }
        }
        return tangents[outputSlot] ?? Tensor.zeros(outputShape)
    }
}
