/// The mini-batch noise ratio λ of paper 000 and the batch sizes where it crosses ½ and 1
/// (Cattaneo & Shigida, §3.3, Eqs. (7)–(8); digest 000 §4.5).
///
/// ```
/// λ = (m−1)/(mb−1) · B_simple = (N/b − 1)/(N − 1) · B_simple,   B_simple = tr Σ / ‖g‖²
/// λ(b) = ℓ  ⇔  b = N·B_simple / (B_simple + ℓ(N − 1))
/// b_{1/2} = 2N·B_simple / (N + 2B_simple − 1)     (λ = ½: the β₂-monotonicity switch, Lemma 3.4)
/// b₁      =  N·B_simple / (N +  B_simple − 1)     (λ = 1: the β₁ rule, Lemma 3.6)
/// ```
///
/// N = mb is the number of samples, b the batch size (batches drawn without replacement by a random
/// permutation per epoch), Σ the per-sample gradient covariance with 1/N normalization, and B_simple the
/// simple noise scale of McCandlish et al. (2018). λ = 0 in full batch (b = N); (m−1)/(mb−1) ≈ 1/b when m ≫ 1.
public enum AdamNoiseScale {
    /// The exact same-batch noise factor (m−1)/(mb−1) = (N/b − 1)/(N − 1) of Lemma A.7: E_π d_{k,i}d_{k,j}
    /// = (m−1)/(mb−1) Σ_ij.
    /// - Parameters:
    ///   - datasetSize: N ≥ 2.
    ///   - batchSize: b ∈ [1, N].
    public static func sameBatchFactor(datasetSize: Double, batchSize: Double) throws -> Double {
        guard datasetSize >= 2, datasetSize.isFinite else {
            throw TheoryInputError(name: "datasetSize", value: datasetSize, expected: "≥ 2")
        }
        try Check.batchSize(batchSize, "batchSize", datasetSize: datasetSize)
        return (datasetSize / batchSize - 1) / (datasetSize - 1)
    }

    /// λ = (N/b − 1)/(N − 1) · B_simple (Eq. (8)).
    /// - Parameters:
    ///   - datasetSize: N ≥ 2.
    ///   - batchSize: b ∈ [1, N].
    ///   - simpleNoiseScale: B_simple = tr Σ/‖g‖² ≥ 0.
    public static func noiseRatio(datasetSize: Double, batchSize: Double, simpleNoiseScale: Double) throws -> Double {
        try Check.nonNegative(simpleNoiseScale, "simpleNoiseScale")
        return try sameBatchFactor(datasetSize: datasetSize, batchSize: batchSize) * simpleNoiseScale
    }

    /// λ at b of the N samples a training run or a measurement actually has: at full batch (b ≥ N, N = 1
    /// included) λ = 0, there is no mini-batch noise, whatever B_simple is (0/0 when ∇L = 0); otherwise
    /// ``noiseRatio(datasetSize:batchSize:simpleNoiseScale:)``. The convention of `biaslab advise` and the
    /// `theory` probe.
    public static func noiseRatio(sampleCount: Int, batchSize: Int, simpleNoiseScale: Double) throws -> Double {
        guard batchSize < sampleCount else { return 0 }
        return try noiseRatio(datasetSize: Double(sampleCount), batchSize: Double(batchSize), simpleNoiseScale: simpleNoiseScale)
    }

    /// The (real-valued) batch size b at which λ(b) equals `noiseRatio`: b = N·B/(B + λ(N − 1)).
    /// It decreases in λ, equals N at λ = 0, and may fall below 1 when B_simple is small.
    /// - Parameters:
    ///   - noiseRatio: the target λ ≥ 0.
    ///   - datasetSize: N ≥ 2.
    ///   - simpleNoiseScale: B_simple > 0.
    public static func batchSize(forNoiseRatio noiseRatio: Double, datasetSize: Double,
                                 simpleNoiseScale: Double) throws -> Double {
        try Check.nonNegative(noiseRatio, "noiseRatio")
        guard datasetSize >= 2, datasetSize.isFinite else {
            throw TheoryInputError(name: "datasetSize", value: datasetSize, expected: "≥ 2")
        }
        try Check.positive(simpleNoiseScale, "simpleNoiseScale")
        return datasetSize * simpleNoiseScale / (simpleNoiseScale + noiseRatio * (datasetSize - 1))
    }

    /// The two transition batch sizes of §3.3: `half` = b_{1/2} (λ = ½) and `one` = b₁ (λ = 1).
    public static func transitionBatchSizes(datasetSize: Double, simpleNoiseScale: Double) throws -> TransitionBatchSizes {
        TransitionBatchSizes(
            half: try batchSize(forNoiseRatio: 0.5, datasetSize: datasetSize, simpleNoiseScale: simpleNoiseScale),
            one: try batchSize(forNoiseRatio: 1, datasetSize: datasetSize, simpleNoiseScale: simpleNoiseScale))
    }
}

/// b_{1/2} = 2N·B/(N + 2B − 1) and b₁ = N·B/(N + B − 1) (paper 000, §3.3). b₁ < b_{1/2}.
public struct TransitionBatchSizes: Codable, Equatable, Sendable {
    /// b_{1/2}: above it λ < ½, where C_total(0.9, β₂, λ) decreases in β₂ (Lemma 3.4).
    public let half: Double
    /// b₁: below it λ > 1, where C_total(β₁, 0.999, λ) decreases in β₁ (Lemma 3.6).
    public let one: Double
}
