import Curvature
import Foundation
import NN
import Tensor

/// The vector terms of Adam's permutation-averaged correction at θ (paper 000, Prop. 3.3, eq. (6); digest 000
/// §4.2 in the implementable forms of §4.4):
///
/// ```
/// |g_j| E_π Corr_{n,j} ≈ FB + MBN₁ + … + MBN₅
/// FB_j   = (β₁/(1−β₁) − β₂/(1−β₂)) (Hs)_j
/// MBN₁_j = C₁ (Hs)_j c Σ_jj/g_j²
/// MBN₂_j = C₂ c [H(s ⊙ diag Σ / g²)]_j
/// MBN₃_j = C₃ (s_j/|g_j|) c (1/N) Σ_p e_{p,j} [(H_p − H) s]_j
/// MBN₄_j = C₄ c (1/N) Σ_p [H_p (e_p/|g|)]_j                      (Σ_p e_p = 0 removes −H)
/// MBN₅_j = C₅ (s_j/|g_j|) c (1/N) Σ_p e_{p,j} [H (e_p/|g|)]_j
/// ```
/// with s = sign g, e_p = ∇ℓ_p − g, H_p = ∇²ℓ_p, Σ = (1/N) Σ_p e_p e_pᵀ and c = (m−1)/(mb−1) (Lemma A.7).
/// Cost: the N × d per-sample gradients, 2 + N full-batch HVPs, one per-sample HVP pass along s and N
/// single-sample HVPs (for MBN₄).
public struct AdamNoiseTerms: Codable, Sendable {
    public let coefficients: AdamNoiseCoefficients
    /// B_simple = tr Σ/‖g‖² measured at θ.
    public let simpleNoiseScale: Double
    /// c = (m−1)/(mb−1) = (N/b − 1)/(N − 1).
    public let sameBatchFactor: Double
    /// λ = c·B_simple (eq. (8)).
    public let noiseRatio: Double
    /// FB.
    public let fullBatch: [Double]
    /// [MBN₁, …, MBN₅].
    public let miniBatchNoise: [[Double]]

    public init(objective: some Objective, at theta: [Double], batchSize b: Int, beta1: Double, beta2: Double) throws {
        let coefficients = try AdamNoiseCoefficients(beta1: beta1, beta2: beta2)
        let n = objective.sampleCount
        let perSample = objective.perSampleGradients(at: theta, batch: nil)
        let noise = GradientNoiseStatistics(perSampleGradients: perSample)
        let c = try AdamNoiseScale.sameBatchFactor(datasetSize: Double(n), batchSize: Double(b))
        if let zero = noise.meanGradient.firstIndex(of: 0) {
            throw TheoryInputError(name: "gradient[\(zero)]", value: 0, expected: "nonzero in every coordinate (Prop. 3.3)")
        }
        self.init(coefficients: coefficients, noise: noise, c: c, objective: objective, theta: theta, perSample: perSample)
    }

    private init(coefficients k: AdamNoiseCoefficients, noise: GradientNoiseStatistics, c: Double,
                 objective: some Objective, theta: [Double], perSample: Tensor) {
        let n = objective.sampleCount, d = theta.count
        let g = noise.meanGradient
        let s = g.map { $0 > 0 ? 1.0 : -1.0 }
        let diagonal = noise.covarianceDiagonal!
        let errors = (0..<n).map { p in (0..<d).map { perSample.scalars[p * d + $0] - g[$0] } }
        let scaledErrors = errors.map { e in (0..<d).map { e[$0] / abs(g[$0]) } }
        let weighted = (0..<d).map { s[$0] * diagonal[$0] / (g[$0] * g[$0]) }
        let full = objective.hessianVectorProducts(at: theta, along: [s, weighted] + scaledErrors, batch: nil)
        let hs = full[0], hWeighted = full[1]
        let perSampleHs = objective.perSampleHessianVectorProducts(at: theta, along: s, batch: nil)
        var mbn3 = [Double](repeating: 0, count: d), mbn4 = mbn3, mbn5 = mbn3
        for p in 0..<n {
            let hpErrors = objective.hessianVectorProduct(at: theta, along: scaledErrors[p], batch: [p])
            for j in 0..<d {
                mbn3[j] += errors[p][j] * (perSampleHs.scalars[p * d + j] - hs[j]) / Double(n)
                mbn4[j] += hpErrors[j] / Double(n)
                mbn5[j] += errors[p][j] * full[2 + p][j] / Double(n)
            }
        }
        coefficients = k
        simpleNoiseScale = noise.simpleNoiseScale
        sameBatchFactor = c
        noiseRatio = c * noise.simpleNoiseScale
        fullBatch = hs.map { k.fullBatch * $0 }
        miniBatchNoise = [
            (0..<d).map { k.c1 * hs[$0] * c * diagonal[$0] / (g[$0] * g[$0]) },
            (0..<d).map { k.c2 * c * hWeighted[$0] },
            (0..<d).map { k.c3 * s[$0] / abs(g[$0]) * c * mbn3[$0] },
            (0..<d).map { k.c4 * c * mbn4[$0] },
            (0..<d).map { k.c5 * s[$0] / abs(g[$0]) * c * mbn5[$0] },
        ]
    }

    /// FB + Σ_k MBN_k, the predicted |g_j| E_π Corr_{n,j}.
    public var total: [Double] {
        var sum = fullBatch
        for term in miniBatchNoise { VectorOps.axpy(1, term, &sum) }
        return sum
    }
}
