import DataIO
import Tensor

/// Batch sharpness with the **mini-batch** Hessian H_B, in both placements of the expectation.
public struct BatchSharpness: Sendable, Codable, Equatable {
    /// E_B[g_Bᵀ H_B g_B / ‖g_B‖²]: the mean of per-batch Rayleigh quotients (Andreyev & Beneventano's
    /// `--batch-sharpness`).
    public let expectationOfRatio: Estimate
    /// E_B[g_Bᵀ H_B g_B] / E_B[‖g_B‖²] (their `--batch-sharpness-exp-inside`), a ratio of means with
    /// a delta-method standard error.
    public let ratioOfExpectations: Estimate
}

/// Batch sharpness E_B[g_Bᵀ H_B g_B / ‖g_B‖²] (Andreyev & Beneventano 2024, "Edge of Stochastic
/// Stability", arXiv 2412.20553; peers-and-conventions §3), where H_B and g_B are the Hessian and
/// gradient **of the mini-batch loss** L_B = (1/b) Σ_{i∈B} ℓᵢ.
///
/// This is **not** paper 003's IAS: IAS uses the full-batch H and puts the expectation inside the
/// ratio, E_B[g_Bᵀ H g_B]/E_B‖g_B‖² (``GradientInteraction``, ``sampledInteraction(hessian:populationSize:batchSize:sampling:batchCount:seed:blockSize:batchGradient:)``).
/// The two coincide only for b = N without replacement.
///
/// K batches are drawn by `sampling` from stream "curvature/batch-sharpness" of `seed`; for each,
/// `batchGradient(B)` gives g_B and `batchHessian(B)` an operator for H_B, applied once to g_B.
/// Andreyev & Beneventano draw up to 1000 batches, stopping at 0.5 % relative standard error; here
/// K is fixed and the standard errors are returned so a caller can apply such a rule. Batches with
/// g_B = 0 contribute NaN. `sampleCount` is K. Throws ``UnsupportedSamplingError`` for `fixed-order`.
public func batchSharpness(populationSize: Int,
                           batchSize: Int,
                           sampling: BatchSampling,
                           batchCount: Int,
                           seed: UInt64 = 0,
                           batchGradient: ([Int]) -> [Double],
                           batchHessian: ([Int]) -> any LinearOperator) throws(UnsupportedSamplingError) -> BatchSharpness {
    try sampling.requireRandomBatches(for: "batch sharpness")
    precondition(batchCount >= 1, "batchSharpness: batchCount must be at least 1, got \(batchCount)")
    var generator = estimatorGenerator(seed: seed, name: "batch-sharpness")
    var curvatures = [Double](), squaredNorms = [Double]()
    for _ in 0..<batchCount {
        let batch = sampling.drawBatch(populationSize: populationSize, batchSize: batchSize, using: &generator)
        let gradient = batchGradient(batch)
        curvatures.append(batchHessian(batch).quadraticForm(gradient))
        squaredNorms.append(VectorOps.dot(gradient, gradient))
    }
    let quotients = zip(curvatures, squaredNorms).map { $0 / $1 }
    return BatchSharpness(expectationOfRatio: Estimate(samples: quotients, seed: seed),
                          ratioOfExpectations: Estimate.ratioOfMeans(numerators: curvatures, denominators: squaredNorms,
                                                                     seed: seed))
}
