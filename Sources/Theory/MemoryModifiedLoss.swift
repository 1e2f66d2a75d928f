import Curvature
import Foundation
import NN

/// The modified losses of paper 001 (digest 001 §3.1–3.3, §2.6) and paper 000 §2.1 (digest 000 §4.1),
/// evaluated at θ.
///
/// ```
/// heavy ball    L̃ = L + hβ/(2(1−β)²) ‖∇L‖²                          (eq. (6); step h/(1−β))
/// Nesterov      L̃ = L + hβ²/(2(1−β)²) ‖∇L‖²
/// AdamW (ε→0)   L̃ = [1 + λ(*)h] L − h(*) (‖∇L‖₁ + λ∇Lᵀθ),   (*) = β₂/(1−β₂) − β₁/(1−β₁)     (§4)
/// mini-batch HB noise term   hβ/(2(1−β)(1+β)) E_B‖∇L_B − ∇L‖²,  E_B‖∇L_B − ∇L‖² = (γ/b) tr Σ = (m−1)/(mb−1) tr Σ
/// ```
/// (batches drawn without replacement; γ = (N − b)/(N − 1), Lemma A.7.)
public enum MemoryModifiedLoss {
    /// A modified loss L̃ = Σ coefficient · Q over named functionals Q ∈ {loss = L, grad_norm_sq = ‖∇L‖²,
    /// grad_l1 = ‖∇L‖₁, grad_dot_theta = ∇Lᵀθ}, descended with step `stepScale` (h/(1−β) for heavy ball and
    /// Nesterov; h for AdamW's sign-like step as ε → 0).
    public struct Terms: Codable, Equatable, Sendable {
        public struct Term: Codable, Equatable, Sendable {
            public let name: String
            public let coefficient: Double
        }
        public let stepScale: Double
        public let terms: [Term]
        public let validity: String
    }

    /// Each term's value coefficient · Q at θ, in order, from L(θ), ∇L(θ) and θ
    /// (Q: loss = L, grad_norm_sq = ‖∇L‖², grad_l1 = ‖∇L‖₁, grad_dot_theta = ∇Lᵀθ).
    public static func termValues(_ terms: Terms, loss: Double, gradient g: [Double], parameters theta: [Double]) -> [Double] {
        terms.terms.map { term in
            let q: Double = switch term.name {
            case "loss": loss
            case "grad_norm_sq": squaredNorm(g)
            case "grad_l1": g.reduce(0) { $0 + abs($1) }
            case "grad_dot_theta": zip(g, theta).reduce(0) { $0 + $1.0 * $1.1 }
            default: .nan
            }
            return term.coefficient * q
        }
    }

    /// L̃(θ) by parts for `rule` at step h and batch size b: the closed-form terms (``terms(for:learningRate:)``),
    /// each term's value at θ (``termValues(_:loss:gradient:parameters:)``) and, for heavy ball, the mini-batch
    /// noise term hβ/(2(1−β)(1+β))·E_B‖∇L_B − ∇L‖² (0 in full batch). Nil where paper 001 gives no closed form.
    public struct Evaluated: Sendable {
        public let terms: Terms
        public let values: [Double]
        public let noisePenalty: Double?
        /// L̃(θ): every term plus the noise term.
        public var total: Double { values.reduce(0, +) + (noisePenalty ?? 0) }
    }

    public static func evaluate(_ rule: MemoryOptimizer, learningRate h: Double, loss: Double, noise: GradientNoiseStatistics,
                                parameters theta: [Double], batchSize b: Int) -> Evaluated? {
        guard let terms = terms(for: rule, learningRate: h) else { return nil }
        var noisePenalty: Double? = nil
        if case .heavyBall(let beta) = rule {
            noisePenalty = try? heavyBallNoisePenalty(beta: beta, learningRate: h, noise: noise, batchSize: b)
        }
        return Evaluated(terms: terms, values: termValues(terms, loss: loss, gradient: noise.meanGradient, parameters: theta),
                         noisePenalty: noisePenalty)
    }

    /// The modified loss of `rule` as named terms, where paper 001 gives one in closed form (heavy ball,
    /// Nesterov, Adam/AdamW as ε → 0); nil for the others.
    public static func terms(for rule: MemoryOptimizer, learningRate h: Double) -> Terms? {
        switch rule {
        case .heavyBall(let beta):
            return Terms(stepScale: h / (1 - beta),
                         terms: [.init(name: "loss", coefficient: 1),
                                 .init(name: "grad_norm_sq", coefficient: h * beta / (2 * (1 - beta) * (1 - beta)))],
                         validity: "n → ∞ (eq. (6))")
        case .nesterov(let beta):
            return Terms(stepScale: h / (1 - beta),
                         terms: [.init(name: "loss", coefficient: 1),
                                 .init(name: "grad_norm_sq", coefficient: h * beta * beta / (2 * (1 - beta) * (1 - beta)))],
                         validity: "n → ∞")
        case .adam(let beta1, let beta2, _, let lambda):
            let gap = adamMemoryGap(beta1: beta1, beta2: beta2)
            return Terms(stepScale: h,
                         terms: [.init(name: "loss", coefficient: 1 + lambda * gap * h),
                                 .init(name: "grad_l1", coefficient: -h * gap),
                                 .init(name: "grad_dot_theta", coefficient: -h * gap * lambda)],
                         validity: "ε → 0, n → ∞ (§4)")
        default:
            return nil
        }
    }

    /// hβ/(2(1−β)²)‖∇L‖², heavy ball's implicit penalty (45h‖∇L‖² at β = 0.9).
    public static func heavyBallPenalty(beta: Double, learningRate h: Double, gradient g: [Double]) -> Double {
        h * beta / (2 * (1 - beta) * (1 - beta)) * squaredNorm(g)
    }

    /// hβ²/(2(1−β)²)‖∇L‖², Nesterov's implicit penalty (40.5h‖∇L‖² at β = 0.9).
    public static func nesterovPenalty(beta: Double, learningRate h: Double, gradient g: [Double]) -> Double {
        h * beta * beta / (2 * (1 - beta) * (1 - beta)) * squaredNorm(g)
    }

    /// (*) = β₂/(1−β₂) − β₁/(1−β₁) (990 at (0.9, 0.999)).
    public static func adamMemoryGap(beta1: Double, beta2: Double) -> Double {
        beta2 / (1 - beta2) - beta1 / (1 - beta1)
    }

    /// h(*)(‖∇L‖₁ + λ∇Lᵀθ), the term AdamW anti-penalizes when β₂ > β₁ (ε → 0).
    public static func adamAntiPenalty(beta1: Double, beta2: Double, weightDecay lambda: Double, learningRate h: Double,
                                       gradient g: [Double], parameters theta: [Double]) -> Double {
        let l1 = g.reduce(0) { $0 + abs($1) }
        let dot = zip(g, theta).reduce(0) { $0 + $1.0 * $1.1 }
        return h * adamMemoryGap(beta1: beta1, beta2: beta2) * (l1 + lambda * dot)
    }

    /// L̃ = [1 + λ(*)h] L − h(*)(‖∇L‖₁ + λ∇Lᵀθ), AdamW's modified loss as ε → 0 (paper 001 §4).
    public static func adamModifiedLoss(beta1: Double, beta2: Double, weightDecay lambda: Double, learningRate h: Double,
                                        objective: some Objective, at theta: [Double]) -> Double {
        let (value, g) = objective.valueAndGradient(at: theta, batch: nil)
        return (1 + lambda * adamMemoryGap(beta1: beta1, beta2: beta2) * h) * value
            - adamAntiPenalty(beta1: beta1, beta2: beta2, weightDecay: lambda, learningRate: h, gradient: g, parameters: theta)
    }

    /// hβ/(2(1−β)(1+β)) E_B‖∇L_B − ∇L‖², the regularization by mini-batch noise of heavy ball (paper 001
    /// App. G; paper 000 §2.1 with its exact finite-N factor), from the per-sample gradient statistics.
    public static func heavyBallNoisePenalty(beta: Double, learningRate h: Double, noise: GradientNoiseStatistics,
                                             batchSize b: Int) throws -> Double {
        try Check.batchSize(Double(b), "batchSize", datasetSize: Double(noise.sampleCount))
        return h * beta / (2 * (1 - beta) * (1 + beta)) * noise.batchCovarianceTrace(batchSize: b, sampling: .withoutReplacement)
    }

    /// Heavy ball's mini-batch modified loss at θ, by parts.
    public struct HeavyBall: Codable, Equatable, Sendable {
        public let loss: Double
        public let memoryPenalty: Double
        public let noisePenalty: Double
        public var total: Double { loss + memoryPenalty + noisePenalty }
    }

    /// L + hβ/(2(1−β)²)‖∇L‖² + hβ/(2(1−β)(1+β)) E_B‖∇L_B − ∇L‖² at θ (noise term 0 in full batch, b = N).
    public static func heavyBall(objective: some Objective, at theta: [Double], beta: Double, learningRate h: Double,
                                 batchSize b: Int) throws -> HeavyBall {
        try Check.beta(beta, "beta")
        let noise = GradientNoiseStatistics(perSampleGradients: objective.perSampleGradients(at: theta, batch: nil))
        let value = objective.loss(at: theta)
        return HeavyBall(loss: value, memoryPenalty: heavyBallPenalty(beta: beta, learningRate: h, gradient: noise.meanGradient),
                         noisePenalty: try heavyBallNoisePenalty(beta: beta, learningRate: h, noise: noise, batchSize: b))
    }

    static func squaredNorm(_ x: [Double]) -> Double { x.reduce(0) { $0 + $1 * $1 } }
}
