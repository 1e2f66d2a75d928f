import Curvature
import Foundation
import NN
import Tensor

/// Adam's correction over one epoch of mini-batches, computed from the rule (paper 000, eqs. (3), (9),
/// Def. 3.1; digest 000 §3.4, §9.3): batches are consecutive blocks of b samples of a uniformly random
/// permutation π of the N = mb samples, step t uses block t, and at the last step n = m − 1
///
/// ```
/// Corr_n(θ) = M^{(n)}(θ)/h        (MemoryCorrection.generic with .adam(β₁, β₂, ε, 0) and that schedule)
/// |g_j| E_π Corr_{n,j} ≈ FB_j + Σ_k MBN_{k,j}        (Prop. 3.3; AdamNoiseTerms)
/// ```
/// ε sits inside the root and Adam is bias-corrected, as in Def. 3.1.
public enum AdamMiniBatchCorrection {
    /// |g_j| Corr_{n,j}(θ) for one order of the samples (`order` a permutation of 0..<N, cut into blocks of
    /// b), g the full-batch gradient.
    public static func scaledCorrection(objective: some Objective, at theta: [Double], order: [Int], batchSize b: Int,
                                        beta1: Double, beta2: Double, epsilon: Double) -> [Double] {
        precondition(b >= 1 && order.count % b == 0 && order.count >= 2 * b,
                     "scaledCorrection: \(order.count) samples do not split into two or more batches of \(b)")
        let batches = stride(from: 0, to: order.count, by: b).map { Array(order[$0..<($0 + b)]) }
        let m = MemoryCorrection.generic(rule: MemoryOptimizer.adam(beta1: beta1, beta2: beta2, epsilon: epsilon, weightDecay: 0),
                                         objective: objective, at: theta, step: batches.count - 1, learningRate: 1,
                                         batches: batches)
        let g = objective.gradient(at: theta)
        return theta.indices.map { abs(g[$0]) * m[$0] }
    }

    /// Monte-Carlo estimate of |g_j| E_π Corr_{n,j} over `permutations` seeded uniform orders. Each order is
    /// applied to every objective in `objectives` and their values are averaged into one sample: pass a
    /// pair with opposite noise (±σ) for the antithetic estimator of digest 000 §9.3, which cancels the odd
    /// orders in the noise exactly.
    public static func monteCarlo(objectives: [any Objective], at theta: [Double], batchSize b: Int, beta1: Double,
                                  beta2: Double, epsilon: Double, permutations: Int, seed: UInt64) throws -> VectorEstimate {
        guard let n = objectives.first?.sampleCount, objectives.allSatisfy({ $0.sampleCount == n }) else {
            throw TheoryInputError(name: "objectives", value: nil, expected: "one or more objectives with the same sample count")
        }
        guard b >= 1, n % b == 0, n / b >= 2 else {
            throw TheoryInputError(name: "batchSize", value: Double(b), expected: "a divisor of the dataset size \(n) giving ≥ 2 batches")
        }
        guard permutations >= 2 else { throw TheoryInputError(name: "permutations", value: Double(permutations), expected: "≥ 2") }
        try Check.beta(beta1, "beta1")
        try Check.beta(beta2, "beta2")
        try Check.nonNegative(epsilon, "epsilon")
        var generator = RandomGenerator(seed: seed, stream: "adam-mini-batch-correction")
        let samples = (0..<permutations).map { _ in
            let order = generator.permutation(n)
            var mean = [Double](repeating: 0, count: theta.count)
            for objective in objectives {
                let value = scaledCorrection(objective: objective, at: theta, order: order, batchSize: b, beta1: beta1,
                                             beta2: beta2, epsilon: epsilon)
                VectorOps.axpy(1 / Double(objectives.count), value, &mean)
            }
            return mean
        }
        return VectorEstimate(samples: samples, seed: seed)
    }
}
