import Foundation
import Optim

/// An optimizer written as an update rule with memory (paper 001, eq. (1); digest 001 §2.1):
///
/// ```
/// θ^{(n+1)} = θ^{(n)} − h F^{(n)}(θ^{(n)}, θ^{(n−1)}, …, θ^{(0)})
/// ```
///
/// where each coordinate F_r^{(n)} is an element-wise function of the same coordinate of the past gradients
/// g^{(n−k)} = ∇L(θ^{(n−k)}) and of the past parameters θ^{(n−k)} (k = 0 is the current iterate). Every
/// optimizer of paper 001 has this form (its 𝒦 separable); writing the formula generically over
/// `AlgebraicArithmetic` lets `MemoryCorrection` differentiate it along the past iterates with dual numbers.
public protocol MemoryUpdateRule: Sendable {
    /// F_r^{(n)} for one coordinate, with `gradients[k]` = g_r^{(n−k)} and `parameters[k]` = θ_r^{(n−k)},
    /// k = 0…n (both arrays have n + 1 entries, newest first).
    func direction<T: AlgebraicArithmetic>(step n: Int, gradients: [T], parameters: [T]) -> T
}

/// The optimizers of paper 001 §3 in the paper's conventions (digest 001 §3), as update rules with memory.
///
/// | case | F^{(n)} (coordinate-wise; g_k = ∇L(θ^{(k)}), n ≥ 0) | digest |
/// |---|---|---|
/// | `heavyBall(β)` | Σ_{k=0}^n β^{n−k} g_k  (m ← βm + g, no (1−β) factor) | §3.1 |
/// | `nesterov(β)` | β Σ_{k=0}^n β^{n−k} g_k + g_n  (PyTorch `nesterov=True`) | §3.2 |
/// | `adam(β₁, β₂, ε, λ)` | m₁/√(m₂ + ε) + λθ^{(n)}, m₁ = (1−β₁)/(1−β₁^{n+1}) Σ β₁^{n−k} g_k, m₂ likewise with g_k² | §3.3 |
/// | `nadam(β₁, β₂, ε, λ)` | (β₁m₁ + (1−β₁)g_n)/√(m₂ + ε) + λθ^{(n)} | §3.5 |
/// | `rmsprop(β₂, ε, λ)` | `adam` with β₁ = 0 | §3.4 |
/// | `lion(ρ₁, ρ₂, 𝒦, λ, bc)` | −∇𝒦(−c) + λθ^{(n)}, c = (1−ρ₂)ρ₁ Σ_{k<n} ρ₂^{n−1−k} g_k + (1−ρ₁) g_n; with bias correction c = (ρ₁/ρ₂)(1−ρ₂)/(1−ρ₂^{n+1}) Σ_k ρ₂^{n−k} g_k + (1 − ρ₁/ρ₂) g_n | §3.6–3.8 |
/// | `signum(β, ε, λ)` | `lion` with ρ₁ = ρ₂ = β and 𝒦 = ‖·‖_{1,ε} (ε = 0: sign) | §3.9 |
///
/// ε sits inside the square root and Adam-type rules are bias-corrected, as in the paper's theory and Fig. 1.
/// Weight decay λ is decoupled (θ ← θ − hλθ), so AdamW is `adam` with λ > 0 and Adam is λ = 0.
public enum MemoryOptimizer: Equatable, Sendable {
    case heavyBall(beta: Double)
    case nesterov(beta: Double)
    case adam(beta1: Double, beta2: Double, epsilon: Double, weightDecay: Double)
    case nadam(beta1: Double, beta2: Double, epsilon: Double, weightDecay: Double)
    case rmsprop(beta2: Double, epsilon: Double, weightDecay: Double)
    case lion(rho1: Double, rho2: Double, kernel: ConvexKernel, weightDecay: Double, biasCorrection: BiasCorrection)
    case signum(beta: Double, epsilon: Double, weightDecay: Double)

    /// Checks every hyperparameter's range; the error names it (`beta2 must be in [0, 1), got 1.0`).
    public func validate() throws {
        switch self {
        case .heavyBall(let b), .nesterov(let b):
            try Check.beta(b, "beta")
        case .adam(let b1, let b2, let eps, let wd), .nadam(let b1, let b2, let eps, let wd):
            try Check.beta(b1, "beta1"); try Check.beta(b2, "beta2")
            try Check.nonNegative(eps, "epsilon"); try Check.nonNegative(wd, "weightDecay")
        case .rmsprop(let b2, let eps, let wd):
            try Check.beta(b2, "beta2"); try Check.nonNegative(eps, "epsilon"); try Check.nonNegative(wd, "weightDecay")
        case .lion(let r1, let r2, let kernel, let wd, let bc):
            try Check.beta(r1, "rho1"); try Check.beta(r2, "rho2"); try Check.nonNegative(wd, "weightDecay")
            if bc == .on, r2 == 0 { throw TheoryInputError(name: "rho2", value: r2, expected: "in (0, 1) with bias correction") }
            if kernel.kind == .custom { throw TheoryInputError(name: "kernel", value: nil, expected: "l1, smoothedL1 or halfSquaredL2 (a custom 𝒦 has no Hessian)") }
        case .signum(let b, let eps, let wd):
            try Check.beta(b, "beta"); try Check.nonNegative(eps, "epsilon"); try Check.nonNegative(wd, "weightDecay")
        }
    }

    /// Signum as the Lion rule it equals (ρ₁ = ρ₂ = β, 𝒦 = ‖·‖_{1,ε}); other cases unchanged.
    var canonical: MemoryOptimizer {
        guard case .signum(let b, let eps, let wd) = self else { return self }
        return .lion(rho1: b, rho2: b, kernel: eps == 0 ? .l1 : .smoothedL1(epsilon: eps), weightDecay: wd, biasCorrection: .off)
    }

    /// The decoupled weight decay λ (0 for the momentum methods).
    public var weightDecay: Double {
        switch self {
        case .heavyBall, .nesterov: 0
        case .adam(_, _, _, let wd), .nadam(_, _, _, let wd), .rmsprop(_, _, let wd), .lion(_, _, _, let wd, _),
             .signum(_, _, let wd): wd
        }
    }

    /// The largest memory coefficient β_max (sets the lag truncation K ≈ 20/(1 − β_max), digest 001 §2.3).
    public var largestBeta: Double {
        switch self {
        case .heavyBall(let b), .nesterov(let b), .signum(let b, _, _): b
        case .adam(let b1, let b2, _, _), .nadam(let b1, let b2, _, _): max(b1, b2)
        case .rmsprop(let b2, _, _): b2
        case .lion(_, let r2, _, _, _): r2
        }
    }
}

// MARK: - The update rule with memory

extension MemoryOptimizer: MemoryUpdateRule {
    public func direction<T: AlgebraicArithmetic>(step n: Int, gradients g: [T], parameters theta: [T]) -> T {
        precondition(g.count == n + 1 && theta.count == n + 1, "direction: step \(n) needs n + 1 = \(n + 1) history entries")
        switch canonical {
        case .heavyBall(let beta):
            return MemoryOptimizer.discountedSum(g, decay: beta)
        case .nesterov(let beta):
            return T(constant: beta) * MemoryOptimizer.discountedSum(g, decay: beta) + g[0]
        case .adam(let b1, let b2, let eps, let wd):
            let m1 = MemoryOptimizer.biasCorrectedAverage(g, decay: b1)
            let m2 = MemoryOptimizer.biasCorrectedAverage(g.map { $0 * $0 }, decay: b2)
            return m1 / (m2 + T(constant: eps)).squareRoot() + T(constant: wd) * theta[0]
        case .nadam(let b1, let b2, let eps, let wd):
            let m1 = MemoryOptimizer.biasCorrectedAverage(g, decay: b1)
            let m2 = MemoryOptimizer.biasCorrectedAverage(g.map { $0 * $0 }, decay: b2)
            let numerator = T(constant: b1) * m1 + T(constant: 1 - b1) * g[0]
            return numerator / (m2 + T(constant: eps)).squareRoot() + T(constant: wd) * theta[0]
        case .rmsprop(let b2, let eps, let wd):
            let m2 = MemoryOptimizer.biasCorrectedAverage(g.map { $0 * $0 }, decay: b2)
            return g[0] / (m2 + T(constant: eps)).squareRoot() + T(constant: wd) * theta[0]
        case .lion(let r1, let r2, let kernel, let wd, let bc):
            let c: T
            if bc == .on {
                let scale = (r1 / r2) * (1 - r2) / (1 - pow(r2, Double(n + 1)))
                c = T(constant: scale) * MemoryOptimizer.discountedSum(g, decay: r2) + T(constant: 1 - r1 / r2) * g[0]
            } else {
                let past = n == 0 ? T(constant: 0) : MemoryOptimizer.discountedSum(Array(g.dropFirst()), decay: r2)
                c = T(constant: (1 - r2) * r1) * past + T(constant: 1 - r1) * g[0]
            }
            return -MemoryOptimizer.kernelGradient(kernel, -c) + T(constant: wd) * theta[0]
        case .signum:
            preconditionFailure("unreachable: signum is canonicalized to lion")
        }
    }

    /// Σ_k β^k x[k] (x newest first).
    static func discountedSum<T: AlgebraicArithmetic>(_ x: [T], decay beta: Double) -> T {
        var sum = T(constant: 0)
        var weight = 1.0
        for value in x {
            sum = sum + T(constant: weight) * value
            weight *= beta
        }
        return sum
    }

    /// (1−β)/(1−β^{n+1}) Σ_k β^k x[k], the bias-corrected EMA (β = 0 gives x[0]).
    static func biasCorrectedAverage<T: AlgebraicArithmetic>(_ x: [T], decay beta: Double) -> T {
        let scale = beta == 0 ? 1 : (1 - beta) / (1 - pow(beta, Double(x.count)))
        return T(constant: scale) * discountedSum(x, decay: beta)
    }

    /// ∇𝒦(x) coordinate-wise: sign(x) for ‖·‖₁, softsign_ε(x) for ‖·‖_{1,ε}, x for ½‖·‖².
    static func kernelGradient<T: AlgebraicArithmetic>(_ kernel: ConvexKernel, _ x: T) -> T {
        switch kernel.kind {
        case .l1: x.signConstant()
        case .smoothedL1: x.softsign(epsilon: kernel.epsilon)
        case .halfSquaredL2: x
        case .custom: preconditionFailure("a custom 𝒦 is not separable-differentiable here; validate() rejects it")
        }
    }

    /// ∂²𝒦/∂x² coordinate-wise: 0 for ‖·‖₁ (away from 0), ε/(x² + ε)^{3/2} for ‖·‖_{1,ε}, 1 for ½‖·‖².
    static func kernelCurvature(_ kernel: ConvexKernel, _ x: Double) -> Double {
        switch kernel.kind {
        case .l1, .custom: 0
        case .smoothedL1: kernel.epsilon / pow(x * x + kernel.epsilon, 1.5)
        case .halfSquaredL2: 1
        }
    }
}
