import NN
import Tensor

/// The correction term M^{(n)}(θ) of the memoryless approximation of any update rule with memory, computed
/// exactly from the rule (paper 001, eq. (9), Theorem 3.2; digest 001 §2.2–2.3):
///
/// ```
/// M_r^{(n)}(θ) = h Σ_{k=1}^{n} ∂F_r^{(n)}/∂θ^{(n−k)}(θ,…,θ)ᵀ v_k,    v_k = Σ_{s=n−k}^{n−1} F^{(s)}(θ,…,θ)
///             = h d/dδ|₀ F^{(n)}(θ, θ + δv₁, …, θ + δv_n)
/// ```
///
/// The rule is element-wise in past gradients and parameters, so by the chain rule the directional
/// derivative is, per coordinate r, one forward-mode (dual-number) evaluation of F_r^{(n)} with tangents
/// (∇²L_{B_{n−k}}(θ) v_k)_r on g^{(n−k)} and v_{k,r} on θ^{(n−k)}: K Hessian–vector products (batched per
/// mini-batch) and no finite differences. Lags beyond `lagLimit` K are dropped (error O(β_max^K) for
/// momentum methods, Lemma J.1).
///
/// With a batch schedule (mini-batch training, paper 001 §6.2 / App. G, paper 000 eq. (3)), step s uses the
/// gradient of L_{B_s}: the constant-history F^{(s)} is built from ∇L_{B_{s−k}}(θ) and the lag-k
/// derivative uses ∇²L_{B_{n−k}}(θ).
public enum MemoryCorrection {
    /// v_k = Σ_{s=n−k}^{n−1} F^{(s)}(θ,…,θ) for k = 1…K, the first-order reconstructed history directions.
    /// `drifts[s]` is F^{(s)}(θ,…,θ) for s = n−K…n−1 (index s − (n − K)).
    static func historyDirections(drifts: [[Double]]) -> [[Double]] {
        var running = [Double](repeating: 0, count: drifts.first?.count ?? 0)
        var out: [[Double]] = []
        for drift in drifts.reversed() {
            VectorOps.axpy(1, drift, &running)
            out.append(running)
        }
        return out
    }

    /// F^{(s)}(θ,…,θ) for every s in `steps`, with step j's gradient `gradients[j]` (newest first inside).
    static func constantHistoryDrift(rule: some MemoryUpdateRule, step s: Int, gradients: [[Double]],
                                     parameters theta: [Double]) -> [Double] {
        theta.indices.map { r in
            rule.direction(step: s, gradients: (0...s).map { gradients[s - $0][r] },
                           parameters: [Double](repeating: theta[r], count: s + 1))
        }
    }

    /// M^{(n)}(θ) for `rule` at step n with step size h.
    ///
    /// - Parameters:
    ///   - batches: the batch of each step 0…n (nil: full batch at every step).
    ///   - lagLimit: K, the number of past lags kept (default: all n).
    /// - Returns: the vector M^{(n)}(θ) ∈ ℝ^d (its size is O(h)).
    public static func generic(rule: some MemoryUpdateRule, objective: some Objective, at theta: [Double],
                               step n: Int, learningRate h: Double, batches: [[Int]]? = nil,
                               lagLimit: Int? = nil) -> [Double] {
        precondition(n >= 0, "step must be ≥ 0, got \(n)")
        precondition(batches == nil || batches!.count >= n + 1, "a batch schedule needs n + 1 = \(n + 1) batches")
        let d = theta.count
        let lags = min(n, lagLimit ?? n)
        if lags == 0 { return [Double](repeating: 0, count: d) }
        let batch: (Int) -> [Int]? = { s in batches?[s] }
        // ∇L_{B_s}(θ) for every step s = 0…n (one gradient in full batch).
        let gradients: [[Double]]
        if batches == nil {
            gradients = [[Double]](repeating: objective.gradient(at: theta), count: n + 1)
        } else {
            gradients = (0...n).map { objective.gradient(at: theta, batch: batch($0)) }
        }
        let drifts = ((n - lags)..<n).map { constantHistoryDrift(rule: rule, step: $0, gradients: gradients, parameters: theta) }
        let v = historyDirections(drifts: drifts)          // v[k − 1] = v_k
        // H_{B_{n−k}} v_k, batched over lags that share a batch.
        var hv = [[Double]](repeating: [], count: lags)
        var lagsByBatch: [[Int]?: [Int]] = [:]
        for k in 1...lags { lagsByBatch[batch(n - k), default: []].append(k) }
        for (b, ks) in lagsByBatch {
            let products = objective.hessianVectorProducts(at: theta, along: ks.map { v[$0 - 1] }, batch: b)
            for (k, product) in zip(ks, products) { hv[k - 1] = product }
        }
        return (0..<d).map { r in
            let g = (0...n).map { k in Dual(gradients[n - k][r], derivative: k >= 1 && k <= lags ? hv[k - 1][r] : 0) }
            let p = (0...n).map { k in Dual(theta[r], derivative: k >= 1 && k <= lags ? v[k - 1][r] : 0) }
            return h * rule.direction(step: n, gradients: g, parameters: p).derivative
        }
    }
}
