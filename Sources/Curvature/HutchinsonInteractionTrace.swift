import Tensor

/// tr(H S₁) = (1/N) Σᵢ gᵢᵀ H gᵢ by a Hutchinson estimator over the samples (digest 003 §3), for when N
/// Hessian products (the exact ``GradientInteraction``) cost too much but the N × d per-sample
/// gradient matrix G is at hand.
///
/// ```
/// uₖ = Gᵀ zₖ / √N,   zₖ ∈ ℝᴺ i.i.d. with E[z zᵀ] = I,   so E[uₖ uₖᵀ] = GᵀG/N = S₁
/// T̂ = (1/K) Σₖ uₖᵀ H uₖ
/// ```
/// **Unbiased.** With M = G H Gᵀ/N (N × N, symmetric), uₖᵀHuₖ = zₖᵀ M zₖ, so the variance is
/// Hutchinson's on M: 2(‖M‖_F² − Σᵢ Mᵢᵢ²)/K for Rademacher zₖ, 2‖M‖_F²/K for Gaussian. Cost: K
/// Hessian products (through the block product) and one K × N by N × d matrix product per block.
/// Combine with gᵀHg (one product) through tr(H S_b) = (γ/b) tr(H S₁) + (1 − γ/b) gᵀHg.
///
/// - Parameters:
///   - probeCount: K ≥ 1 (`sampleCount` of the result).
///   - distribution: of the zₖ (default Rademacher).
///   - seed: probes come from stream "curvature/hutchinson-interaction" of this seed.
///   - blockSize: probes per block product (default 32).
public func hutchinsonSingleSampleInteraction(perSampleGradients gradients: Tensor,
                                              hessian: some LinearOperator,
                                              probeCount: Int,
                                              distribution: ProbeDistribution = .rademacher,
                                              seed: UInt64 = 0,
                                              blockSize: Int = 32) -> Estimate {
    precondition(probeCount >= 1, "hutchinsonSingleSampleInteraction: probeCount must be at least 1, got \(probeCount)")
    precondition(gradients.rank == 2 && gradients.shape[0] >= 1 && gradients.shape[1] == hessian.dimension,
                 "hutchinsonSingleSampleInteraction: expected an N × \(hessian.dimension) matrix, got shape \(gradients.shape)")
    let n = gradients.shape[0]
    var generator = estimatorGenerator(seed: seed, name: "hutchinson-interaction")
    var samples = [Double]()
    for range in blockRanges(count: probeCount, blockSize: blockSize) {
        var sketch = Tensor.matmul(distribution.drawBlock(count: range.count, dimension: n, using: &generator), gradients)
        sketch.scale(by: 1 / Double(n).squareRoot())
        samples.append(contentsOf: rowwiseDots(sketch, hessian.apply(rowsOf: sketch)))
    }
    return Estimate(samples: samples, seed: seed)
}
