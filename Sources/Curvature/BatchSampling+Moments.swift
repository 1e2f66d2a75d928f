import DataIO
import Tensor

/// A batch-moment estimator was given a sampling scheme whose batches have no random law.
///
/// `fixed-order` walks 0..<N in fixed slices, so E_B[·] over "a random batch" (γ_{N,b}, ρ_b, IAS,
/// batch sharpness) is undefined for it; every estimator that needs that law rejects it with this
/// error instead of silently substituting another scheme.
public struct UnsupportedSamplingError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The scheme received.
    public let sampling: BatchSampling
    /// What needed random batches (`rho_b`, `the interaction probe`, …).
    public let consumer: String

    public init(sampling: BatchSampling, consumer: String) {
        self.sampling = sampling
        self.consumer = consumer
    }

    public var description: String {
        "\(consumer) needs randomly drawn batches, but sampling \(sampling.rawValue) has no random batch law "
            + "(expected \(BatchSampling.randomSchemes.map(\.rawValue).joined(separator: ", ")))"
    }
}

/// The moments of a random mini-batch under each scheme (digest 003 §2.2, paper 003 eq. (1)).
///
/// Cov(g_B) = (γ_{N,b}/b) Σ, where Σ is the per-sample gradient covariance with 1/N normalization:
/// γ_{N,b} = 1 with replacement; (N − b)/(N − 1) for a uniform b-subset and for shuffled epochs (whose
/// per-step marginal is the uniform b-subset when b | N).
extension BatchSampling {
    /// The schemes whose batches are random, which every batch-moment estimator supports.
    public static let randomSchemes: [BatchSampling] = allCases.filter { $0 != .fixedOrder }

    /// Throws ``UnsupportedSamplingError`` naming `consumer` unless batches are drawn at random
    /// (every scheme except `fixed-order`). Call at the edge, before ``gamma(populationSize:batchSize:)``.
    public func requireRandomBatches(for consumer: String) throws(UnsupportedSamplingError) {
        if self == .fixedOrder { throw UnsupportedSamplingError(sampling: self, consumer: consumer) }
    }

    /// γ_{N,b} (paper 003 eq. (1)): 1 with replacement; (N − b)/(N − 1) without replacement and for a
    /// uniform subset, so γ_{N,1} = 1 and γ_{N,N} = 0. Without replacement b must be in 1...N; with
    /// replacement any b ≥ 1 is allowed. Precondition: a random scheme (``requireRandomBatches(for:)``).
    public func gamma(populationSize n: Int, batchSize b: Int) -> Double {
        validate(populationSize: n, batchSize: b)
        switch self {
        case .withReplacement: return 1
        case .withoutReplacement, .uniformSubset: return b == 1 ? 1 : Double(n - b) / Double(n - 1)
        case .fixedOrder: preconditionFailure("BatchSampling: fixed-order has no γ_{N,b} (call requireRandomBatches first)")
        }
    }

    /// Draws one batch of `batchSize` indices in 0..<`populationSize` with the scheme's per-step law:
    /// sorted for a b-subset (without replacement and uniform subset), in draw order with replacement.
    public func drawBatch(populationSize n: Int, batchSize b: Int, using generator: inout RandomGenerator) -> [Int] {
        validate(populationSize: n, batchSize: b)
        switch self {
        case .withReplacement:
            return (0..<b).map { _ in generator.integer(below: n) }
        case .withoutReplacement, .uniformSubset:
            // The first b entries of a partial Fisher–Yates shuffle.
            var indices = Array(0..<n)
            for i in 0..<b { indices.swapAt(i, i + generator.integer(below: n - i)) }
            return indices[0..<b].sorted()
        case .fixedOrder:
            preconditionFailure("BatchSampling: fixed-order batches are not drawn at random (call requireRandomBatches first)")
        }
    }

    private func validate(populationSize n: Int, batchSize b: Int) {
        precondition(n >= 1, "BatchSampling: populationSize must be at least 1, got \(n)")
        switch self {
        case .withReplacement:
            precondition(b >= 1, "BatchSampling: batchSize must be at least 1, got \(b)")
        case .withoutReplacement, .uniformSubset, .fixedOrder:
            precondition(b >= 1 && b <= n, "BatchSampling: batchSize must be in 1...\(n) without replacement, got \(b)")
        }
    }
}
