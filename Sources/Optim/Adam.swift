import Foundation

/// Adam (Kingma & Ba 2015) and AdamW (Loshchilov & Hutter 2019), with every convention explicit.
///
/// | Symbol | Parameter | Key |
/// |---|---|---|
/// | η | `learningRate` | `lr` |
/// | β₁, β₂ | `beta1`, `beta2` | `beta1`, `beta2` |
/// | ε | `epsilon` | `eps` |
/// | λ | `weightDecay` | `weight_decay` |
///
/// Initial state: t = 0, m₀ = 0, v₀ = 0 (both in ℝ^d).
///
/// Step t = 1, 2, … (η_t, λ_t from `schedules`):
/// ```
/// θ ← (1 − η_t λ_t) θ                       ◀ weightDecayMode = decoupled (AdamW)
/// g ← g + λ_t θ                             ◀ weightDecayMode = coupled (PyTorch Adam weight_decay)
/// m ← β₁ m + (1 − β₁) g
/// v_old ← v
/// v ← β₂ v + (1 − β₂) g²
/// m̂ ← m / (1 − β₁ᵗ)                          ◀ biasCorrection = off: m̂ ← m
/// v̂ ← v / (1 − β₂ᵗ)                          ◀ biasCorrection = off: v̂ ← v
/// v̂ ← v_old / (1 − β₂^{t−1})                 ◀ secondMomentTiming = lagged (paper 004; factor 1 at t = 1)
/// θ ← θ − η_t m̂ / (√v̂ + ε)                   ◀ epsilonPlacement = insideSqrt: θ ← θ − η_t m̂ / √(v̂ + ε)
/// ```
///
/// Unrolled form (paper 000 §3.3, bias-corrected, current timing): m̂_t = Σ_{k<t} μ_{t,k} g_k and
/// v̂_t = Σ_{k<t} ν_{t,k} g_k² with μ_{t,k} = β₁^{t−1−k}(1 − β₁)/(1 − β₁ᵗ), ν likewise; see
/// `Adam.unrolledDirection(history:)`.
///
/// - Parameters:
///   - learningRate: η ≥ 0.
///   - beta1, beta2: in [0, 1).
///   - epsilon: ε ≥ 0 (ε = 0 divides by zero at g = 0).
///   - weightDecay: λ ≥ 0, used according to `weightDecayMode`.
///
/// References:
/// - D. P. Kingma, J. Ba, "Adam: A Method for Stochastic Optimization", ICLR 2015, arXiv 1412.6980, Alg. 1.
/// - I. Loshchilov, F. Hutter, "Decoupled Weight Decay Regularization", ICLR 2019, arXiv 1711.05101, Alg. 2.
/// - Cattaneo & Shigida, "The Effect of Mini-Batch Noise on the Implicit Bias of Adam", arXiv 2602.01642,
///   Def. 3.1 (ε inside, bias-corrected; digest 000 §3.3).
/// - Malladi, Lyu, Panigrahi, Arora, "On the SDEs and Scaling Rules for Adaptive Gradient Algorithms",
///   NeurIPS 2022, arXiv 2205.10287, Def. 2.2 and App. D (lagged v; digest 004 §2.1).
///
/// Differs from: PyTorch `Adam` = (outsideSqrt, on, coupled); PyTorch `AdamW` = (outsideSqrt, on,
/// decoupled), default λ = 0.01; optax `adam` = (outsideSqrt via `eps`, on, none) and `eps_root` is an
/// extra ε inside; optax `adamw` = decoupled with λ multiplied by η; MLX `Adam` = bias correction off;
/// TF1's ε̂ equals ε = ε̂/√(1 − β₂ᵗ) here; Cattaneo & Shigida = insideSqrt.
public typealias Adam = Configured<AdamRule>

/// Adam's own settings: β₁ and RMSprop's (β₂, ε and the conventions), listed and coded flat in that
/// order; RMSprop's read as members (`rule.beta2`).
@dynamicMemberLookup
public struct AdamRule: AdaptiveRuleSettings {
    public let beta1: Double
    /// β₂, ε, the ε placement, bias correction and second-moment timing.
    public let secondMoment: RMSpropRule

    public subscript<T>(dynamicMember keyPath: KeyPath<RMSpropRule, T>) -> T { secondMoment[keyPath: keyPath] }

    public func validate() throws {
        try Validate.unitInterval(beta1, "beta1")
        try secondMoment.validate()
    }

    public var firstMomentDecay: Double? { beta1 }

    enum CodingKeys: String, CodingKey { case beta1 }

    init(beta1: Double, secondMoment: RMSpropRule) {
        self.beta1 = beta1
        self.secondMoment = secondMoment
    }

    public init(from decoder: any Decoder) throws {
        beta1 = try decoder.container(keyedBy: CodingKeys.self).decode(Double.self, forKey: .beta1)
        secondMoment = try RMSpropRule(from: decoder)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(beta1, forKey: .beta1)
        try secondMoment.encode(to: encoder)
    }

    static func rule(_ optimizer: Adam) -> AdaptiveRule {
        let h = optimizer.hyperparameters
        return AdaptiveRule(h, beta1: h.beta1, secondMoment: h.secondMoment, numerator: .momentum, schedules: optimizer.schedules)
    }
}

extension RuleHyperparameters<AdamRule> {
    /// Defaults are Kingma & Ba's (η = 10⁻³, β = (0.9, 0.999), ε = 10⁻⁸ outside, bias-corrected).
    public init(learningRate: Double = 1e-3, beta1: Double = 0.9, beta2: Double = 0.999,
                epsilon: Double = 1e-8, epsilonPlacement: EpsilonPlacement = .outsideSqrt,
                biasCorrection: BiasCorrection = .on, secondMomentTiming: SecondMomentTiming = .current,
                weightDecayMode: WeightDecayMode = .none, weightDecay: Double = 0) throws {
        let secondMoment = RMSpropRule(beta2: beta2, epsilon: epsilon, epsilonPlacement: epsilonPlacement,
                                       biasCorrection: biasCorrection, secondMomentTiming: secondMomentTiming)
        try self.init(learningRate: learningRate, AdamRule(beta1: beta1, secondMoment: secondMoment),
                      weightDecayMode: weightDecayMode, weightDecay: weightDecay)
    }
}

extension Adam {
    /// The unrolled weighted-sum form of paper 000 §3.3: the update direction u_t (θ_t = θ_{t−1} − η u_t)
    /// of step t = `history.count`, from the gradients g_0 … g_{t−1} at the iterates where they were taken:
    ///
    /// ```
    /// u_t = Σ_k μ_{t,k} g_k / D(Σ_k ν_{t,k} g_k²),   μ_{t,k} = β₁^{t−1−k}(1 − β₁)/(1 − β₁ᵗ),
    ///                                               ν_{t,k} = β₂^{t−1−k}(1 − β₂)/(1 − β₂ᵗ)
    /// ```
    ///
    /// (bias correction off drops the 1/(1 − βᵗ) factors). Valid for current timing and no weight decay.
    public func unrolledDirection(history: [[Double]]) -> [Double] {
        let h = hyperparameters
        let t = history.count
        precondition(t > 0, "unrolledDirection: empty history")
        let bc1 = h.biasCorrection.factor(beta: h.beta1, step: t)
        let bc2 = h.biasCorrection.factor(beta: h.beta2, step: t)
        let denominator = Denominator.root(h.epsilonPlacement)
        return history[0].indices.map { j in
            var first = 0.0
            var second = 0.0
            for (k, g) in history.enumerated() {
                first += pow(h.beta1, Double(t - 1 - k)) * (1 - h.beta1) / bc1 * g[j]
                second += pow(h.beta2, Double(t - 1 - k)) * (1 - h.beta2) / bc2 * g[j] * g[j]
            }
            return first / denominator.value(second, epsilon: h.epsilon)
        }
    }
}
