import DataIO
import Tensor

/// Gradient-noise statistics at one θ from the per-sample gradients gᵢ = ∇ℓᵢ(θ), i = 1…N.
///
/// Notation (digests 000 §2 and 003 §2):
/// ```
/// g      = (1/N) Σᵢ gᵢ                             mean (full-batch) gradient
/// Σ      = (1/N) Σᵢ (gᵢ − g)(gᵢ − g)ᵀ              per-sample covariance, 1/N normalization (paper 000)
/// S₁     = (1/N) Σᵢ gᵢ gᵢᵀ,   S_N = g gᵀ           second moments (paper 003), Σ = S₁ − S_N
/// S_b    = E_B[g_B g_Bᵀ] = (γ/b) S₁ + (1 − γ/b) S_N    mini-batch second moment, γ = γ_{N,b} (003 §5)
/// ```
/// and the scalar summaries
/// ```
/// tr Σ                 = (1/N) Σᵢ ‖gᵢ − g‖²
/// B_simple             = tr Σ / ‖g‖²                    simple noise scale (McCandlish et al. 2018; paper 000)
/// ρ = ρ₁               = ‖g‖² / ((1/N) Σᵢ ‖gᵢ‖²) = tr S_N / tr S₁      concentration (003 eq. (15))
/// ρ_b                  = tr S_N / tr S_b = 1 / ((γ/b)/ρ + 1 − γ/b)       (003 eq. (17))
/// gradient diversity   = Σᵢ ‖gᵢ‖² / ‖Σᵢ gᵢ‖² = 1/(N ρ)                  (Yin et al. 2018)
/// ```
/// 0 < ρ ≤ ρ_b ≤ 1, ρ_b is nondecreasing in b, and ρ_N = 1 without replacement.
///
/// Three constructors: from the materialized N × d matrix G (``init(perSampleGradients:)``, which also
/// gives diag Σ and computes tr Σ from centred gradients), from G in blocks of rows with the same results in
/// O(block · d) memory (``init(sampleCount:blockSize:perSampleGradients:)``), or from the per-sample squared norms and the
/// mean gradient alone (``init(perSampleSquaredNorms:meanGradient:)``, the fast path where ‖gᵢ‖² is
/// computed layer by layer without forming gᵢ), where tr Σ = tr S₁ − ‖g‖² loses relative accuracy when
/// ‖g‖² dominates (cancellation).
public struct GradientNoiseStatistics: Sendable, Codable, Equatable {
    /// N, the number of per-sample gradients.
    public let sampleCount: Int
    /// d, the parameter dimension.
    public let dimension: Int
    /// g, the mean gradient.
    public let meanGradient: [Double]
    /// ‖g‖² = tr S_N.
    public let meanGradientSquaredNorm: Double
    /// (1/N) Σᵢ ‖gᵢ‖² = tr S₁.
    public let meanSquaredNorm: Double
    /// tr Σ (1/N normalization).
    public let covarianceTrace: Double
    /// diag Σ (1/N normalization); `nil` when built from norms only.
    public let covarianceDiagonal: [Double]?

    /// From the N × d matrix G whose row i is gᵢ (one block of ``GradientMoments``: diag Σ from the centred
    /// gradients).
    public init(perSampleGradients gradients: Tensor) {
        precondition(gradients.rank == 2 && gradients.shape[0] >= 1,
                     "GradientNoiseStatistics: expected an N × d matrix with N ≥ 1, got shape \(gradients.shape)")
        var moments = GradientMoments(dimension: gradients.shape[1])
        moments.add(gradients)
        self = moments.statistics
    }

    /// From the N per-sample gradients in blocks of at most `blockSize` rows, one block in memory at a
    /// time: `rows(r)` returns the |r| × d matrix of gᵢ, i ∈ r. Equal to ``init(perSampleGradients:)`` up to
    /// rounding (``GradientMoments`` merges the blocks), in O(blockSize · d) memory instead of O(N · d).
    public init(sampleCount n: Int, blockSize: Int = 64, perSampleGradients rows: (Range<Int>) -> Tensor) {
        precondition(n >= 1, "GradientNoiseStatistics: at least one sample is needed, got \(n)")
        var moments: GradientMoments? = nil
        for range in blockRanges(count: n, blockSize: blockSize) {
            let block = rows(range)
            if moments == nil { moments = GradientMoments(dimension: block.shape[1]) }
            moments!.add(block)
        }
        self = moments!.statistics
    }

    /// From ‖gᵢ‖² for i = 1…N and the mean gradient g, without the gradients themselves; tr Σ is
    /// (1/N) Σᵢ ‖gᵢ‖² − ‖g‖² (clamped at 0 against rounding), and diag Σ is unavailable.
    public init(perSampleSquaredNorms squaredNorms: [Double], meanGradient: [Double]) {
        precondition(!squaredNorms.isEmpty, "GradientNoiseStatistics: at least one per-sample norm is needed")
        let meanSquaredNorm = squaredNorms.reduce(0, +) / Double(squaredNorms.count)
        let meanNorm = VectorOps.dot(meanGradient, meanGradient)
        self.init(sampleCount: squaredNorms.count, meanGradient: meanGradient, meanSquaredNorm: meanSquaredNorm,
                  covarianceTrace: max(meanSquaredNorm - meanNorm, 0), covarianceDiagonal: nil)
    }

    init(sampleCount: Int, meanGradient: [Double], meanSquaredNorm: Double, covarianceTrace: Double,
                 covarianceDiagonal: [Double]?) {
        self.sampleCount = sampleCount
        self.dimension = meanGradient.count
        self.meanGradient = meanGradient
        self.meanGradientSquaredNorm = VectorOps.dot(meanGradient, meanGradient)
        self.meanSquaredNorm = meanSquaredNorm
        self.covarianceTrace = covarianceTrace
        self.covarianceDiagonal = covarianceDiagonal
    }

    /// B_simple = tr Σ / ‖g‖² (infinite when g = 0).
    public var simpleNoiseScale: Double { covarianceTrace / meanGradientSquaredNorm }

    /// ρ = ρ₁ = ‖g‖² / tr S₁ (paper 003 eq. (15)).
    public var concentration: Double { meanGradientSquaredNorm / meanSquaredNorm }

    /// Σᵢ ‖gᵢ‖² / ‖Σᵢ gᵢ‖² = 1/(N ρ) (Yin et al. 2018, "Gradient diversity").
    public var gradientDiversity: Double {
        meanSquaredNorm / (Double(sampleCount) * meanGradientSquaredNorm)
    }

    /// Every `sampling:` method below takes a random scheme (``BatchSampling/randomSchemes``); `fixed-order`
    /// has no γ_{N,b} and fails a precondition here, so callers reject it first with
    /// ``BatchSampling/requireRandomBatches(for:)`` (``UnsupportedSamplingError``).
    ///
    /// tr S_b = E_B‖g_B‖² = (γ/b) tr S₁ + (1 − γ/b) tr S_N, exact for the given sampling scheme.
    public func secondMomentTrace(batchSize b: Int, sampling: BatchSampling) -> Double {
        let c = sampling.gamma(populationSize: sampleCount, batchSize: b) / Double(b)
        return c * meanSquaredNorm + (1 - c) * meanGradientSquaredNorm
    }

    /// tr C_b = tr Cov(g_B) = (γ/b) tr Σ (paper 003 eq. (1)).
    public func batchCovarianceTrace(batchSize b: Int, sampling: BatchSampling) -> Double {
        sampling.gamma(populationSize: sampleCount, batchSize: b) / Double(b) * covarianceTrace
    }

    /// ρ_b = tr S_N / tr S_b = ‖g‖² / E_B‖g_B‖² (paper 003 eqs. (15) and (17)).
    public func concentration(batchSize b: Int, sampling: BatchSampling) -> Double {
        meanGradientSquaredNorm / secondMomentTrace(batchSize: b, sampling: sampling)
    }
}

/// (1/N) Σᵢ (row i) for an N × d matrix.
func columnMeans(_ matrix: Tensor) -> [Double] {
    let (n, d) = (matrix.shape[0], matrix.shape[1])
    var mean = [Double](repeating: 0, count: d)
    matrix.scalars.withUnsafeBufferPointer { p in
        for i in 0..<n {
            for j in 0..<d { mean[j] += p[i * d + j] }
        }
    }
    let scale = 1 / Double(n)
    return mean.map { $0 * scale }
}

/// The mini-batch second moment S_b = (γ/b) S₁ + (1 − γ/b) g gᵀ as a dense d × d matrix (paper 003
/// §5), from the N × d per-sample gradient matrix G. For small d (tests, toy models); the traces
/// need only ``GradientNoiseStatistics``.
public func batchSecondMoment(perSampleGradients gradients: Tensor, batchSize b: Int,
                              sampling: BatchSampling) -> Tensor {
    precondition(gradients.rank == 2 && gradients.shape[0] >= 1,
                 "batchSecondMoment: expected an N × d matrix with N ≥ 1, got shape \(gradients.shape)")
    let n = gradients.shape[0]
    let c = sampling.gamma(populationSize: n, batchSize: b) / Double(b)
    let mean = Tensor(shape: [1, gradients.shape[1]], scalars: columnMeans(gradients))
    // (γ/b)(1/N) GᵀG + (1 − γ/b) g gᵀ
    var moment = Tensor.matmul(mean, mean, transposeA: true)
    Tensor.gemm(gradients, gradients, into: &moment, transposeA: true, alpha: c / Double(n), beta: 1 - c)
    return moment
}
