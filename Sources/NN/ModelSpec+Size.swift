import Tensor

extension ModelSpec {
    /// nil when the spec's parameter vector (and a noisy quadratic's noise matrix) fit ``InputSizeLimit``;
    /// otherwise the problem in one line. Computed from the widths with overflow checks, before anything
    /// is built, so `mlp:4-3000000000-2` is an error and not an abort in `malloc`.
    public var sizeProblem: String? {
        func layers(_ widths: [Int], bias: Bool) -> String? {
            var total = 0
            for (fanIn, fanOut) in zip(widths, widths.dropFirst()) {
                guard let weights = InputSizeLimit.product([fanIn, fanOut]) else {
                    return InputSizeLimit.problem("a \(fanIn) → \(fanOut) layer", [fanIn, fanOut])
                }
                let (sum, overflow) = total.addingReportingOverflow(weights + (bias ? fanOut : 0))
                guard !overflow, sum <= InputSizeLimit.maxValues else {
                    return "the parameter vector has more than \(InputSizeLimit.maxValues) values, the limit for one allocation from input"
                }
                total = sum
            }
            return nil
        }
        switch self {
        case .mlp(let m): return layers(m.widths, bias: m.hasBias)
        case .linear(let m): return layers([m.inputCount, m.outputCount], bias: m.hasBias)
        case .deepLinear(let m): return layers(m.widths, bias: false)
        case .diagonalNetwork(let m): return InputSizeLimit.problem("θ = (u; v)", [2, m.dimension])
        case .quadratic(let diagonal, let noise): return noise.flatMap { InputSizeLimit.problem("the noise vectors ξ_i", [$0.samples, diagonal.count]) }
        case .transformer(let m):
            // Each factor and term bounded first, so the closed form cannot overflow.
            for (what, shape) in [("the token embedding", [m.vocabulary, m.width]), ("the positional embedding", [m.context, m.width]),
                                  ("an MLP weight", [m.mlpWidth, m.width]), ("an attention weight", [3 * m.width, m.width]),
                                  ("the logits of one sequence", [m.context, m.vocabulary])] {
                if let problem = InputSizeLimit.problem(what, shape) { return problem }
            }
            let perLayer = 4 * m.width * m.width + 2 * m.width * m.mlpWidth + 9 * m.width + m.mlpWidth
            guard m.layers <= InputSizeLimit.maxValues / max(perLayer, 1),
                  Transformer.parameterCount(vocabulary: m.vocabulary, context: m.context, width: m.width, layers: m.layers,
                                             mlpWidth: m.mlpWidth, unembedding: m.unembedding) <= InputSizeLimit.maxValues else {
                return "the parameter vector has more than \(InputSizeLimit.maxValues) values, the limit for one allocation from input"
            }
            return nil
        case .cnn, .toyQuadratic, .ellipse: return nil
        }
    }
}
