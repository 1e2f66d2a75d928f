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
            GradientMode.with(recording: createGraph) {
                for node in reverseTopologicalOrder(from: output) {
                    guard let rule = node.rule, let upstream = grads[ObjectIdentifier(node)] else { continue }
                    let inputGrads = rule(upstream, node)
                    for (input, grad) in zip(node.inputs, inputGrads) {
                        guard input.requiresGrad, let grad else { continue }
                        let shaped = grad.shape == input.shape ? grad : grad.summed(toShape: input.shape)
                        let key = ObjectIdentifier(input)
                        grads[key] = grads[key].map { $0 + shaped } ?? shaped
                    }
                }
            }
        }
        return inputs.map { input in
            if input === output { return seedVariable }
            return grads[ObjectIdentifier(input)] ?? Variable(Tensor.zeros(input.shape))
        }
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
