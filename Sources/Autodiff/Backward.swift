import Tensor

/// The reverse-mode driver: walks the graph from an output back to the requested inputs in reverse
/// topological order, calls each primitive's rule once, sums the contributions of a node used several
/// times, and reduces broadcast gradients back to each input's shape (the one place that happens).
public enum Backward {
    /// ∂(⟨seed, output⟩)/∂input for each input. `seed` defaults to 1 and is required when the output is
    /// not a scalar. An input the output does not depend on gets zeros. With `createGraph: true` the
    /// returned gradients are recorded (they require grad wherever they depend on a differentiation
    /// variable) and can be differentiated again.
    public static func gradients(of output: Variable, wrt inputs: [Variable], seed: Variable? = nil,
                                 createGraph: Bool = false) -> [Variable] {
        let seedVariable: Variable
        if let seed {
            precondition(seed.shape == output.shape,
                         "gradients: seed shape \(seed.shape) differs from output shape \(output.shape)")
            seedVariable = seed
        } else {
            precondition(output.value.count == 1,
                         "gradients: output has shape \(output.shape); a non-scalar output needs an explicit seed")
            seedVariable = Variable(Tensor(repeating: 1, shape: output.shape))
        }
        var grads: [ObjectIdentifier: Variable] = [:]
        if output.requiresGrad {
            grads[ObjectIdentifier(output)] = seedVariable
            if createGraph {
                GradientMode.with(recording: true) { recordedPass(from: output, grads: &grads) }
            } else {
                GradientMode.with(recording: false) {
                    valuePass(from: output, keeping: Set(inputs.map(ObjectIdentifier.init)), grads: &grads)
                }
            }
        }
        return inputs.map { input in
            if input === output { return seedVariable }
            return grads[ObjectIdentifier(input)] ?? Variable(Tensor.zeros(input.shape))
        }
    }

    /// The backward pass that records the gradient graph (for higher order): contributions are summed
    /// with the differentiable `+`. The gradients of the slices of a rank-1 input (a model's layers cut
    /// out of θ) are held back and summed into the input's gradient by one ``Variable/assembled(_:at:length:)``
    /// node when the input is reached (after all its consumers, by the order).
    private static func recordedPass(from output: Variable, grads: inout [ObjectIdentifier: Variable]) {
        var slices: [ObjectIdentifier: (pieces: [Variable], offsets: [Int])] = [:]
        func accumulate(_ grad: Variable, into input: Variable) {
            let shaped = grad.shape == input.shape ? grad : grad.summed(toShape: input.shape)
            let key = ObjectIdentifier(input)
            grads[key] = grads[key].map { $0 + shaped } ?? shaped
        }
        for node in reverseTopologicalOrder(from: output) {
            if let held = slices.removeValue(forKey: ObjectIdentifier(node)) {
                accumulate(Variable.assembled(held.pieces, at: held.offsets, length: node.value.count), into: node)
            }
            guard let rule = node.rule, let upstream = grads[ObjectIdentifier(node)] else { continue }
            if let range = node.sliceRange, let input = node.inputs.first, input.requiresGrad {
                slices[ObjectIdentifier(input), default: ([], [])].pieces.append(upstream)
                slices[ObjectIdentifier(input)]!.offsets.append(range.lowerBound)
                continue
            }
            for (input, grad) in zip(node.inputs, rule(upstream, node)) {
                guard input.requiresGrad, let grad else { continue }
                accumulate(grad, into: input)
            }
        }
    }

    /// The first-order backward pass: contributions are summed in place into tensors that the pass owns,
    /// and slices of a rank-1 input (a model's layers cut out of θ) add their gradient into its range
    /// directly. Tangents travel with the gradients (a nil tangent is zero): the rules' operations
    /// propagate them, and the sums here add them, so forward-over-reverse needs no recorded graph. Only
    /// the gradients of `keeping` (the requested inputs) are kept; every other sum is released as soon as
    /// its node has passed it on.
    private static func valuePass(from output: Variable, keeping wanted: Set<ObjectIdentifier>,
                                  grads: inout [ObjectIdentifier: Variable]) {
        var sums: [ObjectIdentifier: GradientSum] = [:]
        sums[ObjectIdentifier(output)] = GradientSum(grads[ObjectIdentifier(output)]!)
        for node in reverseTopologicalOrder(from: output) {
            let key = ObjectIdentifier(node)
            guard let upstream = sums.removeValue(forKey: key) else { continue }
            if wanted.contains(key) { grads[key] = upstream.variable }
            guard let rule = node.rule else { continue }
            if let range = node.sliceRange, let input = node.inputs.first, input.requiresGrad {
                let inputKey = ObjectIdentifier(input)
                var total = sums.removeValue(forKey: inputKey) ?? GradientSum(zerosLike: input.value)
                total.add(upstream, at: range)
                sums[inputKey] = total
                continue
            }
            for (input, grad) in zip(node.inputs, rule(upstream.variable, node)) {
                guard input.requiresGrad, let grad else { continue }
                let contribution = GradientSum(grad, summedTo: input.shape)
                let inputKey = ObjectIdentifier(input)
                if var existing = sums.removeValue(forKey: inputKey) {
                    existing.add(contribution)
                    sums[inputKey] = existing
                } else {
                    sums[inputKey] = contribution
                }
            }
        }
        for (key, sum) in sums where wanted.contains(key) { grads[key] = sum.variable }
    }

    /// Nodes that require grad, each after every node that consumes it (outputs first).
    static func reverseTopologicalOrder(from root: Variable) -> [Variable] {
        var order: [Variable] = []
        var visited = Set<ObjectIdentifier>()
        var stack: [(Variable, Int)] = [(root, 0)]
        visited.insert(ObjectIdentifier(root))
        while let (node, next) = stack.popLast() {
            if next < node.inputs.count {
                stack.append((node, next + 1))
                let child = node.inputs[next]
                if child.requiresGrad && visited.insert(ObjectIdentifier(child)).inserted {
                    stack.append((child, 0))
                }
            } else {
                order.append(node)
            }
        }
        return order.reversed()
    }
}

/// A gradient being accumulated in a first-order pass: its value and (nil = zero) tangent, owned by the
/// pass so that sums happen in place.
private struct GradientSum {
    var value: Tensor
    var tangent: Tensor?

    init(_ variable: Variable) {
        value = variable.value
        tangent = variable.tangent
    }

    init(zerosLike tensor: Tensor) {
        value = Tensor.zeros(tensor.shape)
        tangent = nil
    }

    /// A rule's contribution, summed back from the broadcast shape to the input's shape.
    init(_ grad: Variable, summedTo shape: [Int]) {
        value = grad.shape == shape ? grad.value : grad.value.sum(toShape: shape)
        tangent = grad.tangent.map { $0.shape == shape ? $0 : $0.sum(toShape: shape) }
    }

    var variable: Variable { Variable(value, tangent: tangent) }

    mutating func add(_ other: GradientSum) {
        value.addInPlace(other.value)
        if let t = other.tangent {
            if tangent == nil { tangent = t } else { tangent!.addInPlace(t) }
        }
    }

    /// Adds a rank-1 `other` into elements `range` (the adjoint of slicing).
    mutating func add(_ other: GradientSum, at range: Range<Int>) {
        GradientSum.scatterAdd(other.value, into: &value, at: range)
        if let t = other.tangent {
            if tangent == nil { tangent = Tensor.zeros(value.shape) }
            GradientSum.scatterAdd(t, into: &tangent!, at: range)
        }
    }

    private static func scatterAdd(_ source: Tensor, into target: inout Tensor, at range: Range<Int>) {
        target.scalars.withUnsafeMutableBufferPointer { dst in
            source.scalars.withUnsafeBufferPointer { src in
                for i in 0..<src.count { dst[range.lowerBound + i] += src[i] }
            }
        }
    }
}
