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
        case .cnn, .toyQuadratic, .ellipse: return nil
        }
    }
}
