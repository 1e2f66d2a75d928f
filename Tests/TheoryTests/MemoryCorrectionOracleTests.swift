import BiasLabTestSupport
import Foundation
import NN
import Testing
@testable import Theory

/// The memory correction at paper 001 Fig. 1's settings (ε = 1e−6 inside √, λh = 1e−3 so λ = 10 at
/// h = 1e−4, AdamW β = (0.9, 0.999), Lion-ε bias-corrected ρ = (0.9, 0.99)) on a GELU MLP with
/// cross-entropy, against an oracle that shares no code with the closed forms or the dual-number engine:
/// eq. (9) as the derivative of digest 001 §2.3,
///
/// ```
/// M^{(n)}(θ) = h d/dδ|₀ F^{(n)}(θ, θ + δv₁, …, θ + δv_n),   v_k = Σ_{s=n−k}^{n−1} F^{(s)}(θ,…,θ),
/// ```
///
/// by a central difference in δ, with every past gradient the true ∇L(θ + δv_k) (no Hessian–vector
/// products, no linearization). Also the memoryless drift F^{(n)}(θ,…,θ) against the rule at a constant
/// history, and the trajectory walk against the stored-iterate trajectories.
struct MemoryCorrectionOracleTests {
    static let problem = TinyProblems.tanhMLP(seed: 5, activation: .gelu, loss: .crossEntropy, widths: [4, 6, 3], samples: 9)

    static let rules: [(String, MemoryOptimizer)] = [
        ("adamw fig1", .adam(beta1: 0.9, beta2: 0.999, epsilon: 1e-6, weightDecay: 10)),
        ("lion fig1", .lion(rho1: 0.9, rho2: 0.99, kernel: .smoothedL1(epsilon: 1e-6), weightDecay: 10, biasCorrection: .on)),
    ]

    /// h · (F(δ) − F(−δ))/(2δ) with F(δ) = F^{(n)}(θ, θ + δv₁, …, θ + δv_n), evaluated on true gradients.
    static func finiteDifferenceCorrection(_ rule: MemoryOptimizer, at theta: [Double], step n: Int, h: Double, delta: Double) -> [Double] {
        let objective = problem.objective
        let g = objective.gradient(at: theta)
        let constant = (0..<n).map { s in
            theta.indices.map { r in rule.direction(step: s, gradients: Array(repeating: g[r], count: s + 1), parameters: Array(repeating: theta[r], count: s + 1)) }
        }
        // v[k] = Σ_{s=n−k}^{n−1} F^{(s)}, k = 1…n (v[0] = 0: the current iterate is not moved).
        var v = [[Double](repeating: 0, count: theta.count)]
        for k in stride(from: 1, through: n, by: 1) { v.append(zip(v[k - 1], constant[n - k]).map { $0 + $1 }) }
        func f(_ d: Double) -> [Double] {
            let past = (0...n).map { k in zip(theta, v[k]).map { $0 + d * $1 } }
            let gradients = past.map { objective.gradient(at: $0) }
            return theta.indices.map { r in rule.direction(step: n, gradients: gradients.map { $0[r] }, parameters: past.map { $0[r] }) }
        }
        let (plus, minus) = (f(delta), f(-delta))
        return zip(plus, minus).map { h * ($0 - $1) / (2 * delta) }
    }

    @Test(arguments: [1, 5, 40])
    func closedFormCorrectionMatchesTheFiniteDifferenceOracle(step n: Int) {
        let (objective, theta) = (Self.problem.objective, Self.problem.theta)
        let h = 1e-4
        for (name, rule) in Self.rules {
            let oracle = Self.finiteDifferenceCorrection(rule, at: theta, step: n, h: h, delta: 1e-7)
            let closed = MemoryClosedForm.correction(for: rule, objective: objective, at: theta, learningRate: h, step: n)
            let generic = MemoryCorrection.generic(rule: rule, objective: objective, at: theta, step: n, learningRate: h)
            let scale = oracle.map(abs).max()!
            #expect(scale > 0, "\(name) n=\(n): the oracle correction vanishes")
            let closedError = zip(closed, oracle).map { abs($0 - $1) }.max()! / scale
            let genericError = zip(generic, oracle).map { abs($0 - $1) }.max()! / scale
            // Central differences at δ = 1e−7: truncation O(δ²) and round-off O(1e−16/δ) relative.
            #expect(closedError < 1e-5, "\(name) n=\(n): closed form vs oracle \(closedError)")
            #expect(genericError < 1e-5, "\(name) n=\(n): generic vs oracle \(genericError)")
        }
    }

    /// The streaming walk visits exactly the stored trajectories' iterates and residuals.
    @Test func walkMatchesTheStoredTrajectories() throws {
        let (objective, theta) = (Self.problem.objective, Self.problem.theta)
        for (name, rule) in Self.rules {
            let stored = try MemoryTrajectories(optimizer: rule, objective: objective, learningRate: 1e-4, from: theta, steps: 12)
            var visited = 0
            try MemoryTrajectories.walk(optimizer: rule, objective: objective, learningRate: 1e-4, from: theta, steps: 12) { step in
                #expect(step.memoryful == stored.memoryful[step.n + 1] && step.firstOrder == stored.firstOrder[step.n + 1]
                        && step.secondOrder == stored.secondOrder[step.n + 1] && step.residual == stored.residuals[step.n], "\(name) n=\(step.n)")
                #expect(step.secondOrderDistance == stored.secondOrderDistances[step.n + 1], "\(name) n=\(step.n)")
                visited += 1
            }
            #expect(visited == 12)
        }
    }
}
