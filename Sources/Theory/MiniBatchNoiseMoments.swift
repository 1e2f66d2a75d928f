import Foundation
import NN
import Tensor

/// The exact mini-batch noise moments of paper 000, Lemma A.7 (digest 000 §4.3), for batches that are
/// consecutive blocks of a uniformly random permutation of the N = mb samples, at a fixed θ:
///
/// ```
/// E_π d_{k,i} d_{k,j}   = (m−1)/(mb−1) Σ_ij                 same batch k
/// E_π d_{p,i} d_{q,j}   = −Σ_ij/(mb−1)                      different batches p ≠ q
/// E_π d_{k,ij} d_{k,j}  = (m−1)/(2(mb−1)) ∇_i Σ_jj           ∇_i Σ_jj = (2/N) Σ_p (H_p)_ij e_{p,j}
/// ```
/// with d_k = ∇(L_k − L), d_{k,ij} = ∇_ij(L_k − L), e_p = ∇ℓ_p − g and Σ = (1/N) Σ_p e_p e_pᵀ. The third
/// needs the per-sample Hessians densely (d per-sample HVP passes): for small d.
public struct MiniBatchNoiseMoments: Sendable {
    /// Σ (d × d, 1/N normalization).
    public let covariance: Tensor
    /// [i][j] = ∇_i Σ_jj.
    public let covarianceDiagonalGradient: Tensor
    /// (m−1)/(mb−1).
    public let sameBatchFactor: Double
    /// N.
    public let sampleCount: Int

    public init(objective: some Objective, at theta: [Double], batchSize b: Int) throws {
        let n = objective.sampleCount, d = theta.count
        guard b >= 1, n % b == 0 else {
            throw TheoryInputError(name: "batchSize", value: Double(b), expected: "a divisor of the dataset size \(n)")
        }
        sameBatchFactor = try AdamNoiseScale.sameBatchFactor(datasetSize: Double(n), batchSize: Double(b))
        sampleCount = n
        let perSample = objective.perSampleGradients(at: theta, batch: nil)
        let g = (0..<d).map { j in (0..<n).reduce(0.0) { $0 + perSample.scalars[$1 * d + j] } / Double(n) }
        let e = (0..<n).map { p in (0..<d).map { perSample.scalars[p * d + $0] - g[$0] } }
        var sigma = Tensor.zeros([d, d]), gradient = Tensor.zeros([d, d])
        for p in 0..<n { for i in 0..<d { for j in 0..<d { sigma.scalars[i * d + j] += e[p][i] * e[p][j] / Double(n) } } }
        for i in 0..<d {
            var unit = [Double](repeating: 0, count: d)
            unit[i] = 1
            let columns = objective.perSampleHessianVectorProducts(at: theta, along: unit, batch: nil)   // row p = H_p e_i
            for p in 0..<n { for j in 0..<d {
                gradient.scalars[i * d + j] += 2 / Double(n) * columns.scalars[p * d + j] * e[p][j]
            } }
        }
        covariance = sigma
        covarianceDiagonalGradient = gradient
    }

    /// E_π d_{k,i} d_{k,j} = (m−1)/(mb−1) Σ_ij.
    public func sameBatch(_ i: Int, _ j: Int) -> Double { sameBatchFactor * covariance.scalars[i * covariance.shape[1] + j] }

    /// E_π d_{p,i} d_{q,j} = −Σ_ij/(mb−1), p ≠ q.
    public func crossBatch(_ i: Int, _ j: Int) -> Double {
        -covariance.scalars[i * covariance.shape[1] + j] / Double(sampleCount - 1)
    }

    /// E_π d_{k,ij} d_{k,j} = (m−1)/(2(mb−1)) ∇_i Σ_jj.
    public func sameBatchHessianGradient(_ i: Int, _ j: Int) -> Double {
        sameBatchFactor / 2 * covarianceDiagonalGradient.scalars[i * covarianceDiagonalGradient.shape[1] + j]
    }
}
