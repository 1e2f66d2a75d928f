import Tensor

/// The reverse-mode driver: walks the graph from an output back to the requested inputs in reverse
/// topological order, calls each primitive's rule once, sums the contributions of a node used several
/// times, and reduces broadcast gradients back to each input's shape (the one place that happens).
public enum Backward {
    /// ∂(⟨seed, output⟩)/∂input for each input. `seed` defaults to 1 and is required when the output is
    /// not a scalar. An input the output does not depend on gets zeros. With `createGraph: true` the
    /// returned gradients are recorded (they require grad wherever they depend on a differentiation
    /// variable) and can be differentiated again.
    ///
    /// With `tangentsOnly: true` (a first-order pass of forward over reverse, whose Hessian–vector
    /// products are the gradients' tangents), the gradient values that only the requested leaves'
    /// values depend on are not computed — for a network, the weight and bias gradients, about a fifth
    /// of an HVP's flops (JAX's dead-code elimination of `jvp(grad f)` gets the same) — and the returned
    /// gradients' values are zeros; their tangents are exact.
    public static func gradients(of output: Variable, wrt inputs: [Variable], seed: Variable? = nil,
                                 createGraph: Bool = false, tangentsOnly: Bool = false) -> [Variable] {
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
                    valuePass(from: output, keeping: Set(inputs.map(ObjectIdentifier.init)), tangentsOnly: tangentsOnly, grads: &grads)
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
    /// and the gradients of the slices of a rank-1 input (a model's layers cut out of θ) are written into
    /// one vector when the input is reached (``Tensor/assembling(_:at:length:)``, no zero fill when they
    /// tile it). Tangents travel with the gradients (a nil tangent is zero): the rules' operations
    /// propagate them, and the sums here add them, so forward-over-reverse needs no recorded graph. Only
    /// the gradients of `keeping` (the requested inputs) are kept; every other sum is released as soon as
    /// its node has passed it on.
    ///
    /// `tangentsOnly`: the requested leaves' gradients, and those of the slices, reshapes and other
    /// linear nodes between them and the rest of the graph, are carried as tangents alone; a rule whose
    /// inputs include such a node is told so (``valuelessInputs``) and computes only those inputs'
    /// tangents.
    private static func valuePass(from output: Variable, keeping wanted: Set<ObjectIdentifier>, tangentsOnly: Bool,
                                  grads: inout [ObjectIdentifier: Variable]) {
        let order = reverseTopologicalOrder(from: output)
        let valueless = tangentsOnly ? valuelessNodes(order, wanted: wanted) : []
        var sums: [ObjectIdentifier: GradientSum] = [:]
        var slices: [ObjectIdentifier: [(GradientSum, Range<Int>)]] = [:]
        sums[ObjectIdentifier(output)] = GradientSum(grads[ObjectIdentifier(output)]!)
        for node in order {
            let key = ObjectIdentifier(node)
            if let held = slices.removeValue(forKey: key) {
                // All consumers are done: the slices' gradients, placed into one vector of the input's length.
                let assembled = GradientSum(assembling: held, length: node.value.count)
                if var existing = sums.removeValue(forKey: key) { existing.add(assembled); sums[key] = existing }
                else { sums[key] = assembled }
            }
            guard let upstream = sums.removeValue(forKey: key) else { continue }
            if wanted.contains(key) { grads[key] = upstream.variable }
            guard let rule = node.rule else { continue }
            if let range = node.sliceRange, let input = node.inputs.first, input.requiresGrad {
                slices[ObjectIdentifier(input), default: []].append((upstream, range))
                continue
            }
            let results: [Variable?]
            if upstream.value == nil {
                // A linear node's rule maps the upstream tangent as it would a value.
                guard node.isLinearInInput, let tangent = upstream.tangent else { continue }
                results = rule(Variable(tangent), node).map { Variable.valueless(tangent: $0?.value) }
            } else {
                let flagged = Set(node.inputs.indices.filter { valueless.contains(ObjectIdentifier(node.inputs[$0])) })
                results = flagged.isEmpty ? rule(upstream.variable, node)
                    : $valuelessInputs.withValue(flagged) { rule(upstream.variable, node) }
            }
            for (input, grad) in zip(node.inputs, results) {
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

    /// The nodes whose gradient values a tangent-only pass need not compute: the requested leaves, and
    /// linear single-input nodes (slices, reshapes, …) all of whose inputs are such nodes.
    private static func valuelessNodes(_ order: [Variable], wanted: Set<ObjectIdentifier>) -> Set<ObjectIdentifier> {
        var valueless = Set<ObjectIdentifier>()
        for node in order.reversed() {
            let key = ObjectIdentifier(node)
            if node.rule == nil {
                if wanted.contains(key) { valueless.insert(key) }
            } else if node.isLinearInInput || node.sliceRange != nil {
                let differentiable = node.inputs.filter(\.requiresGrad)
                if !differentiable.isEmpty && differentiable.allSatisfy({ valueless.contains(ObjectIdentifier($0)) }) {
                    valueless.insert(key)
                }
            }
        }
        return valueless
    }

    /// Inside a rule called by a tangent-only pass: the indices of the inputs whose gradient is needed
    /// as a tangent only (a rule may return ``Variable/valueless(tangent:)`` for them; returning the full
    /// gradient is also correct, only slower).
    @TaskLocal static var valuelessInputs: Set<Int> = []

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
    /// nil for a gradient of which only the tangent is carried (a tangent-only pass).
    var value: Tensor?
    var tangent: Tensor?
    let shape: [Int]

    init(_ variable: Variable) {
        value = variable.hasValue ? variable.value : nil
        tangent = variable.tangent
        shape = variable.shape
    }

    /// The gradient of a rank-1 input of `length` from the gradients of its slices at their ranges.
    init(assembling pieces: [(GradientSum, Range<Int>)], length: Int) {
        let ranges = pieces.map(\.1)
        value = pieces.allSatisfy({ $0.0.value != nil }) ? Tensor.assembling(pieces.map(\.0.value), at: ranges, length: length) : nil
        tangent = pieces.contains(where: { $0.0.tangent != nil }) ? Tensor.assembling(pieces.map(\.0.tangent), at: ranges, length: length) : nil
        shape = [length]
    }

    /// A rule's contribution, summed back from the broadcast shape to the input's shape.
    init(_ grad: Variable, summedTo shape: [Int]) {
        value = grad.hasValue ? (grad.shape == shape ? grad.value : grad.value.sum(toShape: shape)) : nil
        tangent = grad.tangent.map { $0.shape == shape ? $0 : $0.sum(toShape: shape) }
        self.shape = shape
    }

    /// The sum as a variable; an uncomputed value reads as zeros.
    var variable: Variable { Variable(value ?? Tensor.zeros(shape), tangent: tangent) }

    mutating func add(_ other: GradientSum) {
        if let v = other.value, value != nil { value!.addInPlace(v) } else { value = nil }
        if let t = other.tangent {
            if tangent == nil { tangent = t } else { tangent!.addInPlace(t) }
        }
    }
}
