import DataIO
import Curvature
import Foundation
import NN
import Tensor

/// Heavy ball over one epoch of mini-batches (paper 001 §6.2 / App. G; paper 000 §2.1, eq. (4); digest 001
/// §2.6, digest 000 §4.1). With F^{(n)} = Σ_{k=0}^n β^k ∇L_{π(n−k)}(θ^{(n−k)}) and π a uniformly random order
/// of the m = n + 1 batches, the correction averaged over π is exactly
///
/// ```
/// E_π[M^{(n)}]/h = C₃ E_i[H_i g_i] + C₄ E_{i≠j}[H_i g_j]
/// C₃ = β Σ_{k=0}^{n−1} β^k Σ_{l=1}^{k+1} β^{k+1−l}                    → β/((1−β)²(1+β))
/// C₄ = β Σ_{k=0}^{n−1} β^k Σ_{l=1}^{k+1} Σ_{b=0}^{n−l} β^b − C₃      → 2β²/((1−β)³(1+β))
/// ```
/// (g_i, H_i the gradient and Hessian of batch i at θ), and for large n
/// E[M]/h ≈ β/(1−β)³ H g + β/(2(1−β)²(1+β)) ∇ E_B‖∇L_B − ∇L‖², the gradient of the modified loss's terms.
public enum MiniBatchMomentumCorrection {
    /// (C₃, C₄) at step n (nil: the limits).
    public static func coefficients(beta b: Double, step n: Int?) -> (sameBatch: Double, crossBatch: Double) {
        guard let n else { return (b / ((1 - b) * (1 - b) * (1 + b)), 2 * b * b / (pow(1 - b, 3) * (1 + b))) }
        var same = 0.0, total = 0.0
        for k in stride(from: 0, to: n, by: 1) {
            for l in 1...(k + 1) {
                same += b * pow(b, Double(k)) * pow(b, Double(k + 1 - l))
                total += b * pow(b, Double(k)) * (1 - pow(b, Double(n - l + 1))) / (1 - b)
            }
        }
        return (same, total - same)
    }

    /// C₃ E_i[H_i g_i] + C₄ E_{i≠j}[H_i g_j] (times h): E_π[M^{(n)}(θ)] exactly, for the batches in `batches`
    /// (m ≥ 2 of them, n = m − 1).
    public static func expectedCorrection(objective: some Objective, at theta: [Double], batches: [[Int]], beta: Double,
                                          learningRate h: Double) -> [Double] {
        let m = batches.count
        precondition(m >= 2, "expectedCorrection needs at least two batches, got \(m)")
        let (c3, c4) = coefficients(beta: beta, step: m - 1)
        let gradients = batches.map { objective.gradient(at: theta, batch: $0) }
        var sum = [Double](repeating: 0, count: theta.count)
        for g in gradients { VectorOps.axpy(1, g, &sum) }
        var same = [Double](repeating: 0, count: theta.count), cross = same
        for (i, batch) in batches.enumerated() {
            var others = sum
            VectorOps.axpy(-1, gradients[i], &others)
            let products = objective.hessianVectorProducts(at: theta, along: [gradients[i], others], batch: batch)
            VectorOps.axpy(1 / Double(m), products[0], &same)
            VectorOps.axpy(1 / Double(m * (m - 1)), products[1], &cross)
        }
        return theta.indices.map { h * (c3 * same[$0] + c4 * cross[$0]) }
    }

    /// The correction for one batch order, by the generic engine (`MemoryCorrection.generic` with heavy ball).
    public static func correction(objective: some Objective, at theta: [Double], orderedBatches: [[Int]], beta: Double,
                                  learningRate h: Double) -> [Double] {
        MemoryCorrection.generic(rule: MemoryOptimizer.heavyBall(beta: beta), objective: objective, at: theta,
                                 step: orderedBatches.count - 1, learningRate: h, batches: orderedBatches)
    }

    /// Monte-Carlo average of M^{(n)}(θ) over `permutations` uniformly random orders of `batches`
    /// (seeded; one estimate with its standard error per coordinate).
    public static func monteCarloCorrection(objective: some Objective, at theta: [Double], batches: [[Int]], beta: Double,
                                            learningRate h: Double, permutations: Int, seed: UInt64) -> VectorEstimate {
        var generator = RandomGenerator(seed: seed, stream: "mini-batch-momentum-correction")
        let samples = (0..<permutations).map { _ in
            correction(objective: objective, at: theta, orderedBatches: generator.permutation(batches.count).map { batches[$0] },
                       beta: beta, learningRate: h)
        }
        return VectorEstimate(samples: samples, seed: seed)
    }

    /// The large-n form h[β/(1−β)³ H g + β/(2(1−β)²(1+β)) ∇E_B‖∇L_B − ∇L‖²] (paper 000 §2.1 with the exact
    /// factor (γ/b) = (m−1)/(mb−1)), where ∇ tr Σ = (2/N) Σ_p H_p (∇ℓ_p − g) (N single-sample HVPs).
    public static func largeStepApproximation(objective: some Objective, at theta: [Double], beta: Double,
                                              learningRate h: Double, batchSize b: Int) throws -> [Double] {
        try Check.beta(beta, "beta")
        let n = objective.sampleCount
        try Check.batchSize(Double(b), "batchSize", datasetSize: Double(n))
        let perSample = objective.perSampleGradients(at: theta, batch: nil)
        let noise = GradientNoiseStatistics(perSampleGradients: perSample)
        let g = noise.meanGradient
        let d = theta.count
        var traceGradient = [Double](repeating: 0, count: d)
        for p in 0..<n {
            let e = (0..<d).map { perSample.scalars[p * d + $0] - g[$0] }
            VectorOps.axpy(2 / Double(n), objective.hessianVectorProduct(at: theta, along: e, batch: [p]), &traceGradient)
        }
        let factor = BatchSampling.withoutReplacement.gamma(populationSize: n, batchSize: b) / Double(b)
        let hg = objective.hessianVectorProduct(at: theta, along: g)
        return (0..<d).map { r in
            h * (beta / pow(1 - beta, 3) * hg[r] + beta / (2 * (1 - beta) * (1 - beta) * (1 + beta)) * factor * traceGradient[r])
        }
    }
}
