/// RMSprop (Tieleman & Hinton 2012): a per-coordinate EMA of g² divides the gradient. It is Adam with
/// β₁ = 0 (tested: `RMSprop ≡ Adam(β₁ = 0)` bit-for-bit, with the same ε placement and bias correction).
///
/// | Symbol | Parameter | Key |
/// |---|---|---|
/// | η | `learningRate` | `lr` |
/// | β (PyTorch α, optax `decay`) | `beta2` | `beta2` |
/// | ε | `epsilon` | `eps` |
/// | λ | `weightDecay` | `weight_decay` |
///
/// Initial state: t = 0, v₀ = 0 (no first moment: `firstMoment` stays empty).
///
/// Step t:
/// ```
/// θ ← (1 − η_t λ_t) θ              ◀ weightDecayMode = decoupled
/// g ← g + λ_t θ                    ◀ weightDecayMode = coupled (PyTorch weight_decay)
/// v_old ← v
/// v ← β v + (1 − β) g²
/// v̂ ← v                            ◀ biasCorrection = on: v̂ ← v/(1 − βᵗ)
/// v̂ ← v_old                        ◀ secondMomentTiming = lagged (paper 004 Def. 2.1)
/// θ ← θ − η_t g / (√v̂ + ε)         ◀ epsilonPlacement = insideSqrt: θ ← θ − η_t g / √(v̂ + ε)
/// ```
///
/// - Parameters: η ≥ 0, β ∈ [0, 1), ε ≥ 0, λ ≥ 0.
///
/// References:
/// - T. Tieleman, G. Hinton, Lecture 6.5, COURSERA: Neural Networks for Machine Learning, 2012.
/// - Malladi et al., arXiv 2205.10287, Def. 2.1 (lagged v, ε outside; digest 004 §2.1).
/// - Li, Wen, Lyu, "Adam Reduces a Unique Form of Sharpness", arXiv 2511.02773, Table 1 (digest 002 §3.4).
///
/// Differs from: PyTorch `RMSprop` (α = 0.99, ε = 10⁻⁸ outside, no bias correction; its `centered` and
/// `momentum` options are not implemented); optax `rmsprop` puts ε inside the root (`eps_in_sqrt=True`) with
/// no bias correction; optax `scale_by_rms(eps_in_sqrt=False, bias_correction=True)` equals Adam with β₁ = 0.
public typealias RMSprop = Configured<RMSpropRule>

/// RMSprop's own settings: β, ε and the conventions; Adam's are these and β₁ (`AdamRule.secondMoment`).
public struct RMSpropRule: AdaptiveRuleSettings {
    public let beta2: Double
    public let epsilon: Double
    public let epsilonPlacement: EpsilonPlacement
    public let biasCorrection: BiasCorrection
    public let secondMomentTiming: SecondMomentTiming

    public func validate() throws {
        try Validate.unitInterval(beta2, "beta2")
        try Validate.nonNegative(epsilon, "eps")
    }

    enum CodingKeys: String, CodingKey {
        case beta2, epsilon = "eps", epsilonPlacement = "eps_placement"
        case biasCorrection = "bias_correction", secondMomentTiming = "v_timing"
    }

    static func rule(_ optimizer: RMSprop) -> AdaptiveRule {
        AdaptiveRule(optimizer.hyperparameters, beta1: 0, secondMoment: optimizer.hyperparameters.ruleSettings,
                     numerator: .gradient, schedules: optimizer.schedules)
    }
}

extension RuleHyperparameters<RMSpropRule> {
    /// Defaults are PyTorch's (η = 10⁻², β = 0.99, ε = 10⁻⁸ outside, no bias correction).
    public init(learningRate: Double = 1e-2, beta2: Double = 0.99, epsilon: Double = 1e-8,
                epsilonPlacement: EpsilonPlacement = .outsideSqrt, biasCorrection: BiasCorrection = .off,
                secondMomentTiming: SecondMomentTiming = .current,
                weightDecayMode: WeightDecayMode = .none, weightDecay: Double = 0) throws {
        try self.init(learningRate: learningRate,
                      RMSpropRule(beta2: beta2, epsilon: epsilon, epsilonPlacement: epsilonPlacement,
                                  biasCorrection: biasCorrection, secondMomentTiming: secondMomentTiming),
                      weightDecayMode: weightDecayMode, weightDecay: weightDecay)
    }
}
