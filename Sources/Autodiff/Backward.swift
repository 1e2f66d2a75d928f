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
                GradientMode.with(recording: false) { valuePass(from: output, grads: &grads) }
            }
        }
        return inputs.map { input in
            if input === output { return seedVariable }
            return grads[ObjectIdentifier(input)] ?? Variable(Tensor.zeros(input.shape))
        }
    }

    /// The backward pass that records the gradient graph (for higher order): contributions are summed
    /// with the differentiable `+`.
    private static func recordedPass(from output: Variable, grads: inout [ObjectIdentifier: Variable]) {
        for node in reverseTopologicalOrder(from: output) {
            guard let rule = node.rule, let upstream = grads[ObjectIdentifier(node)] else { continue }
            for (input, grad) in zip(node.inputs, rule(upstream, node)) {
                guard input.requiresGrad, let grad else { continue }
                let shaped = grad.shape == input.shape ? grad : grad.summed(toShape: input.shape)
                let key = ObjectIdentifier(input)
                grads[key] = grads[key].map { $0 + shaped } ?? shaped
            }
        }
    }

    /// The first-order backward pass: contributions are summed in place into tensors that the pass owns,
    /// and slices of a rank-1 input (a model's layers cut out of θ) add their gradient into its range
    /// directly.
    private static func valuePass(from output: Variable, grads: inout [ObjectIdentifier: Variable]) {
        var sums: [ObjectIdentifier: Tensor] = [:]
        sums[ObjectIdentifier(output)] = grads[ObjectIdentifier(output)]!.value
        func accumulate(_ key: ObjectIdentifier, _ gradient: Tensor) {
            if var existing = sums.removeValue(forKey: key) {
                existing.addInPlace(gradient)
                sums[key] = existing
            } else {
                sums[key] = gradient
            }
        }
        for node in reverseTopologicalOrder(from: output) {
            let key = ObjectIdentifier(node)
            guard let rule = node.rule, let upstream = sums.removeValue(forKey: key) else {
                if let sum = sums.removeValue(forKey: key) { grads[key] = Variable(sum) }
                continue
            }
            grads[key] = Variable(upstream)
            if let range = node.sliceRange, let input = node.inputs.first, input.requiresGrad {
                let inputKey = ObjectIdentifier(input)
                var total = sums.removeValue(forKey: inputKey) ?? Tensor.zeros(input.shape)
                total.scalars.withUnsafeMutableBufferPointer { dst in
                    upstream.scalars.withUnsafeBufferPointer { src in
                        for i in 0..<src.count { dst[range.lowerBound + i] += src[i] }
                    }
                }
                sums[inputKey] = total
                continue
            }
            for (input, grad) in zip(node.inputs, rule(Variable(upstream), node)) {
                guard input.requiresGrad, let grad else { continue }
                accumulate(ObjectIdentifier(input), grad.shape == input.shape ? grad.value : grad.value.sum(toShape: input.shape))
            }
        }
        for (key, sum) in sums { grads[key] = Variable(sum) }
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
