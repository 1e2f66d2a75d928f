import Tensor

/// How a mini-batch of b indices is drawn from N samples (digest 003 §2.2, paper 003 eq. (1)).
///
/// The two schemes give different mini-batch moments through the sampling coefficient γ_{N,b}
/// (``gamma(populationSize:batchSize:)``): Cov(g_B) = (γ_{N,b}/b) Σ, where Σ is the per-sample
/// gradient covariance with 1/N normalization.
public enum BatchSampling: String, CaseIterable, Codable, Sendable {
    /// b i.i.d. uniform indices; duplicates allowed. γ_{N,b} = 1.
    case withReplacement = "with-replacement"
    /// A uniformly random b-subset, drawn afresh each step. γ_{N,b} = (N − b)/(N − 1). Epoch-wise
    /// reshuffling has the same per-step marginal when b divides N (consecutive batches are then
    /// dependent, which these per-step moments do not see).
    case withoutReplacement = "without-replacement"

    /// γ_{N,b} (paper 003 eq. (1)): 1 with replacement; (N − b)/(N − 1) without, so γ_{N,1} = 1 and
    /// γ_{N,N} = 0. Without replacement b must be in 1...N; with replacement any b ≥ 1 is allowed.
    public func gamma(populationSize n: Int, batchSize b: Int) -> Double {
        validate(populationSize: n, batchSize: b)
        switch self {
        case .withReplacement: return 1
        case .withoutReplacement: return b == 1 ? 1 : Double(n - b) / Double(n - 1)
        }
    }

    /// Draws one batch of `batchSize` indices in 0..<`populationSize` (sorted without replacement;
    /// in draw order with replacement).
    public func drawBatch(populationSize n: Int, batchSize b: Int, using generator: inout RandomGenerator) -> [Int] {
        validate(populationSize: n, batchSize: b)
        switch self {
        case .withReplacement:
            return (0..<b).map { _ in generator.integer(below: n) }
        case .withoutReplacement:
            // The first b entries of a partial Fisher–Yates shuffle.
            var indices = Array(0..<n)
            for i in 0..<b { indices.swapAt(i, i + generator.integer(below: n - i)) }
            return indices[0..<b].sorted()
        }
    }

    private func validate(populationSize n: Int, batchSize b: Int) {
        precondition(n >= 1, "BatchSampling: populationSize must be at least 1, got \(n)")
        switch self {
        case .withReplacement:
            precondition(b >= 1, "BatchSampling: batchSize must be at least 1, got \(b)")
        case .withoutReplacement:
            precondition(b >= 1 && b <= n, "BatchSampling: batchSize must be in 1...\(n) without replacement, got \(b)")
        }
    }
}
