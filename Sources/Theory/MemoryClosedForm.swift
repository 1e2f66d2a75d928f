import Foundation
import NN
import Optim
import Tensor

/// One term of a closed-form memory correction: M ∋ coefficient · p(g) ⊙ ∇Q(θ) (digest 001 §3).
///
/// | functional Q (`name`) | ∇Q |
/// |---|---|
/// | `grad_norm_sq`: ‖∇L‖² | 2 H g |
/// | `grad_l1`: ‖∇L‖_{1,ε} = Σ √(g_i² + ε) | H softsign_ε(g) |
/// | `grad_dot_theta`: ∇Lᵀθ − L | H θ |
///
/// | preconditioner p | p_r(g) |
/// |---|---|
/// | `identity` | 1 |
/// | `inv_sqrt` | (g_r² + ε)^{−1/2} |
/// | `inv_sqrt_cubed` | (g_r² + ε)^{−3/2} |
public struct MemoryCorrectionTerm: Codable, Equatable, Sendable {
    public enum Functional: String, Codable, CaseIterable, Sendable {
        case gradientNormSquared = "grad_norm_sq"
        case smoothedGradientL1 = "grad_l1"
        case gradientDotParameters = "grad_dot_theta"
    }

    public enum Preconditioner: String, Codable, CaseIterable, Sendable {
        case identity
        case inverseRoot = "inv_sqrt"
        case inverseRootCubed = "inv_sqrt_cubed"
    }

    public let functional: Functional
    public let preconditioner: Preconditioner
    /// The scalar in front, O(h).
    public let coefficient: Double
    /// The ε of softsign_ε and of the preconditioner.
    public let epsilon: Double

    public init(_ functional: Functional, _ preconditioner: Preconditioner, coefficient: Double, epsilon: Double = 0) {
        self.functional = functional
        self.preconditioner = preconditioner
        self.coefficient = coefficient
        self.epsilon = epsilon
    }

    /// `grad_norm_sq`, or `grad_l1/inv_sqrt` when a preconditioner applies.
    public var name: String { preconditioner == .identity ? functional.rawValue : "\(functional.rawValue)/\(preconditioner.rawValue)" }

    /// p_r(g).
    public func preconditionerValue(_ g: Double) -> Double {
        switch preconditioner {
        case .identity: 1
        case .inverseRoot: 1 / (g * g + epsilon).squareRoot()
        case .inverseRootCubed: 1 / pow(g * g + epsilon, 1.5)
        }
    }
}

/// Closed-form memoryless approximations of paper 001 §3 and App. E/K/L (digest 001 §3): the drift
/// F^{(n)}(θ) = F^{(n)}(θ,…,θ) and the correction M^{(n)}(θ), exact at finite n (`step: n`) or in the limit
/// n → ∞ (`step: nil`).
///
/// ```
/// HB         F = (1−β^{n+1})/(1−β) g      M = h κ_n ∇‖∇L‖²,  κ_n = β[1 − (2n+1)βⁿ(1−β) − β^{2n+1}]/(2(1−β)³) → β/(2(1−β)³)   (Lemma K.1)
/// Nesterov   F = (β(1−β^{n+1})/(1−β) + 1) g   M = h (c_n/2) ∇‖∇L‖²,  c_n = Σ_{k=1}^n β^{k+1} Σ_{s=n−k}^{n−1} F_s/g → β²/(1−β)³
/// AdamW      F = softsign_ε(g) + λθ       M_r = h[(c(β₁,n) − c(β₂,n))/(g_r²+ε)^{1/2} + ε c(β₂,n)/(g_r²+ε)^{3/2}] [H(softsign_ε(g) + λθ)]_r   (Lemma K.2)
/// NAdamW     as AdamW with c(β₁,n) → β₁ c(β₁,n);   RMSprop: c(β₁,n) → 0
/// Lion-𝒦     F = −∇𝒦(−(1−ρ₁ρ₂ⁿ)g) + λθ    M = h ρ₁(1−ρ₂) ∇²𝒦(−(1−ρ₁ρ₂ⁿ)g) H Σ_{s<n} (ρ₂^{n−s−1} − ρ₂ⁿ)/(1−ρ₂) F^{(s)}   (Lemma K.3)
///            limit / bias-corrected: M = h B ∇²𝒦(−g) H(−∇𝒦(−g) + λθ),  B = ρ₁/(1−ρ₂) [− (n+1)ρ₂ⁿρ₁/(1−ρ₂^{n+1}) with bc]   (§4, App. L)
/// ```
/// with c(β, n) = β/(1−β) − (n+1)β^{n+1}/(1−β^{n+1}) → β/(1−β) (App. K.2). Signum is Lion with ρ₁ = ρ₂.
public enum MemoryClosedForm {
    /// c(β, n) = b^{(n+1)} Σ_{k=1}^n kβ^k with b = (1−β)/(1−β^{n+1}); the limit β/(1−β) when n is nil.
    public static func biasCorrectedMemory(beta: Double, step n: Int?) -> Double {
        guard beta > 0 else { return 0 }
        guard let n else { return beta / (1 - beta) }
        return beta / (1 - beta) - Double(n + 1) * pow(beta, Double(n + 1)) / (1 - pow(beta, Double(n + 1)))
    }

    /// κ_n of heavy ball (Lemma K.1 closed form), M = h κ_n ∇‖∇L‖²; β/(2(1−β)³) when n is nil.
    public static func heavyBallCoefficient(beta b: Double, step n: Int?) -> Double {
        guard let n else { return b / (2 * pow(1 - b, 3)) }
        return b * (1 - Double(2 * n + 1) * pow(b, Double(n)) * (1 - b) - pow(b, Double(2 * n + 1))) / (2 * pow(1 - b, 3))
    }

    /// c_n/2 of Nesterov (digest 001 §3.2), M = h (c_n/2) ∇‖∇L‖²; β²/(2(1−β)³) when n is nil.
    public static func nesterovCoefficient(beta b: Double, step n: Int?) -> Double {
        guard let n else { return b * b / (2 * pow(1 - b, 3)) }
        var total = 0.0
        var window = 0.0                                  // Σ_{s=n−k}^{n−1} F_s/g
        for k in stride(from: 1, through: n, by: 1) {
            let s = n - k
            window += b * (1 - pow(b, Double(s + 1))) / (1 - b) + 1
            total += pow(b, Double(k + 1)) * window
        }
        return total / 2
    }

    /// B of Lion-𝒦 (limit, or exact with bias correction): ρ₁/(1−ρ₂) − (n+1)ρ₂ⁿρ₁/(1−ρ₂^{n+1}).
    static func lionCoefficient(rho1: Double, rho2: Double, step n: Int?) -> Double {
        guard let n else { return rho1 / (1 - rho2) }
        return rho1 / (1 - rho2) - Double(n + 1) * pow(rho2, Double(n)) * rho1 / (1 - pow(rho2, Double(n + 1)))
    }

    /// The drift F^{(n)}(θ,…,θ), coordinate-wise from (g_r, θ_r); generic so duals give its Jacobian.
    public static func drift<T: AlgebraicArithmetic>(for optimizer: MemoryOptimizer, gradient g: T, parameter theta: T,
                                                    step n: Int?) -> T {
        let power: (Double) -> Double = { beta in n.map { pow(beta, Double($0 + 1)) } ?? 0 }
        switch optimizer.canonical {
        case .heavyBall(let b):
            return T(constant: (1 - power(b)) / (1 - b)) * g
        case .nesterov(let b):
            return T(constant: b * (1 - power(b)) / (1 - b) + 1) * g
        case .adam(_, _, let eps, let wd), .nadam(_, _, let eps, let wd), .rmsprop(_, let eps, let wd):
            return g.softsign(epsilon: eps) + T(constant: wd) * theta
        case .lion(let r1, let r2, let kernel, let wd, let bc):
            let shrink = bc == .on || n == nil ? 1 : 1 - r1 * pow(r2, Double(n!))
            return -MemoryOptimizer.kernelGradient(kernel, T(constant: -shrink) * g) + T(constant: wd) * theta
        case .signum:
            preconditionFailure("unreachable: signum is canonicalized to lion")
        }
    }

    /// The drift vector F^{(n)}(θ) from the gradient g = ∇L(θ).
    public static func drift(for optimizer: MemoryOptimizer, gradient g: [Double], parameters theta: [Double],
                             step n: Int?) -> [Double] {
        zip(g, theta).map { drift(for: optimizer, gradient: $0, parameter: $1, step: n) }
    }

    /// M as a list of terms, or nil where it is not one (Lion-𝒦 without bias correction at finite n, whose
    /// correction mixes the drifts of all past steps; use `correction`).
    public static func terms(for optimizer: MemoryOptimizer, learningRate h: Double, step n: Int?) -> [MemoryCorrectionTerm]? {
        switch optimizer.canonical {
        case .heavyBall(let b):
            return [MemoryCorrectionTerm(.gradientNormSquared, .identity, coefficient: h * heavyBallCoefficient(beta: b, step: n))]
        case .nesterov(let b):
            return [MemoryCorrectionTerm(.gradientNormSquared, .identity, coefficient: h * nesterovCoefficient(beta: b, step: n))]
        case .adam(let b1, let b2, let eps, let wd), .nadam(let b1, let b2, let eps, let wd):
            var first = biasCorrectedMemory(beta: b1, step: n)
            if case .nadam = optimizer { first *= b1 }
            return adamTerms(first: first, second: biasCorrectedMemory(beta: b2, step: n), epsilon: eps, weightDecay: wd, h: h)
        case .rmsprop(let b2, let eps, let wd):
            return adamTerms(first: 0, second: biasCorrectedMemory(beta: b2, step: n), epsilon: eps, weightDecay: wd, h: h)
        case .lion(let r1, let r2, let kernel, let wd, let bc):
            if bc == .off, n != nil { return nil }
            let coefficient = h * lionCoefficient(rho1: r1, rho2: r2, step: bc == .on ? n : nil)
            switch kernel.kind {
            case .smoothedL1:
                let e = kernel.epsilon
                return [MemoryCorrectionTerm(.smoothedGradientL1, .inverseRootCubed, coefficient: coefficient * e, epsilon: e),
                        MemoryCorrectionTerm(.gradientDotParameters, .inverseRootCubed, coefficient: coefficient * e * wd, epsilon: e)]
            case .halfSquaredL2:
                return [MemoryCorrectionTerm(.gradientNormSquared, .identity, coefficient: coefficient / 2),
                        MemoryCorrectionTerm(.gradientDotParameters, .identity, coefficient: coefficient * wd)]
            case .l1, .custom:
                return []
            }
        case .signum:
            preconditionFailure("unreachable: signum is canonicalized to lion")
        }
    }

    private static func adamTerms(first c1: Double, second c2: Double, epsilon e: Double, weightDecay wd: Double,
                                  h: Double) -> [MemoryCorrectionTerm] {
        [MemoryCorrectionTerm(.smoothedGradientL1, .inverseRoot, coefficient: h * (c1 - c2), epsilon: e),
         MemoryCorrectionTerm(.gradientDotParameters, .inverseRoot, coefficient: h * (c1 - c2) * wd, epsilon: e),
         MemoryCorrectionTerm(.smoothedGradientL1, .inverseRootCubed, coefficient: h * e * c2, epsilon: e),
         MemoryCorrectionTerm(.gradientDotParameters, .inverseRootCubed, coefficient: h * e * c2 * wd, epsilon: e)]
    }

    /// Each term's vector coefficient · p(g) ⊙ ∇Q(θ) at θ: one gradient and one batched call for the HVPs
    /// along g, softsign_ε(g) and θ (only those the terms need).
    public static func evaluate(terms: [MemoryCorrectionTerm], objective: some Objective, at theta: [Double],
                                batch: [Int]? = nil) -> [[Double]] {
        let g = objective.gradient(at: theta, batch: batch)
        var directions: [[Double]] = []
        var slot: [String: Int] = [:]
        func key(_ term: MemoryCorrectionTerm) -> String {
            term.functional == .smoothedGradientL1 ? "l1:\(term.epsilon)" : term.functional.rawValue
        }
        for term in terms where slot[key(term)] == nil {
            slot[key(term)] = directions.count
            switch term.functional {
            case .gradientNormSquared: directions.append(g)
            case .smoothedGradientL1: directions.append(g.map { $0.softsign(epsilon: term.epsilon) })
            case .gradientDotParameters: directions.append(theta)
            }
        }
        let products = directions.isEmpty ? [] : objective.hessianVectorProducts(at: theta, along: directions, batch: batch)
        return terms.map { term in
            let hv = products[slot[key(term)]!]
            let scale = term.functional == .gradientNormSquared ? 2.0 : 1.0
            return g.indices.map { r in term.coefficient * scale * term.preconditionerValue(g[r]) * hv[r] }
        }
    }

    /// M^{(n)}(θ) in closed form (n nil: the limit n → ∞), full batch.
    public static func correction(for optimizer: MemoryOptimizer, objective: some Objective, at theta: [Double],
                                  learningRate h: Double, step n: Int?) -> [Double] {
        if let terms = terms(for: optimizer, learningRate: h, step: n) {
            var total = [Double](repeating: 0, count: theta.count)
            for vector in evaluate(terms: terms, objective: objective, at: theta) { VectorOps.axpy(1, vector, &total) }
            return total
        }
        // Lion-𝒦 without bias correction at finite n (Lemma K.3).
        guard case .lion(let r1, let r2, let kernel, _, _) = optimizer.canonical, let n else {
            preconditionFailure("unreachable: only finite-n Lion-𝒦 without bias correction lacks a term list")
        }
        let g = objective.gradient(at: theta)
        guard n > 0 else { return [Double](repeating: 0, count: theta.count) }
        var w = [Double](repeating: 0, count: theta.count)
        for s in 0..<n {
            let weight = (pow(r2, Double(n - s - 1)) - pow(r2, Double(n))) / (1 - r2)
            VectorOps.axpy(weight, drift(for: optimizer, gradient: g, parameters: theta, step: s), &w)
        }
        let hw = objective.hessianVectorProduct(at: theta, along: w)
        let shrink = 1 - r1 * pow(r2, Double(n))
        return theta.indices.map { r in
            h * r1 * (1 - r2) * MemoryOptimizer.kernelCurvature(kernel, -shrink * g[r]) * hw[r]
        }
    }
}
