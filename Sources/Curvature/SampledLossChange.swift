import DataIO
import NN
import Tensor

/// The expected one-step change of the training loss under an SGD step, by Monte Carlo (paper 003,
/// Lee & Jang, ICLR 2023: the y-axis of Fig. 1 before normalization; digest 003 §3, "observed
/// E_ξ[L_{t+1}] − L_t"):
///
/// ```
/// E_ξ[L(θ − η g_ξ)] − L(θ) ≈ (1/K) Σₖ [L(θ − η g_{Bₖ}) − L(θ)],   g_B = (1/b) Σ_{i∈B} ∇ℓᵢ(θ)
/// ```
///
/// L is the full training loss (mean over all N samples), g_{Bₖ} the gradient of the k-th of K batches
/// drawn by `sampling` from stream "curvature/sampled-loss-change" of `seed` (with replacement b i.i.d.
/// indices, duplicates counted; otherwise a uniform b-subset). The standard error is s/√K over the K
/// differences. Its quadratic prediction −η‖∇L‖² + (η²/2) tr(H S_b) (eq. (7), ``LossChangePrediction``
/// in Theory, with tr(H S_b) from ``GradientInteraction/interaction(batchSize:sampling:)``) is exact in
/// expectation on a quadratic L. Cost: K batch gradients and K + 1 full losses. Throws
/// ``UnsupportedSamplingError`` for `fixed-order`.
public func sampledLossChange(objective: any Objective, at parameters: [Double], learningRate: Double,
                              batchSize: Int, sampling: BatchSampling, batchCount: Int,
                              seed: UInt64 = 0) throws(UnsupportedSamplingError) -> Estimate {
    try sampling.requireRandomBatches(for: "the sampled loss change")
    precondition(batchCount >= 1, "sampledLossChange: batchCount must be at least 1, got \(batchCount)")
    var generator = estimatorGenerator(seed: seed, name: "sampled-loss-change")
    let start = objective.loss(at: parameters)
    let changes = (0..<batchCount).map { _ in
        let batch = sampling.drawBatch(populationSize: objective.sampleCount, batchSize: batchSize, using: &generator)
        var moved = parameters
        VectorOps.axpy(-learningRate, objective.gradient(at: parameters, batch: batch), &moved)
        return objective.loss(at: moved) - start
    }
    return Estimate(samples: changes, seed: seed)
}
