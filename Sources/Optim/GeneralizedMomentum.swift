/// Generalized momentum GD with look-ahead (paper 003, eqs. 13–14): Polyak at β₂ = 0, Nesterov at β₂ = β₁.
///
/// | Symbol | Parameter | Key |
/// |---|---|---|
/// | η | `learningRate` | `lr` |
/// | β₁ (momentum) | `beta1` | `beta1` |
/// | β₂ (look-ahead) | `beta2` | `beta2` |
/// | λ | `weightDecay` | `weight_decay` |
///
/// The paper's iteration evaluates the gradient at a look-ahead point:
/// δ_t = β₁δ_{t−1} − η∇L(θ_t + β₂δ_{t−1}), θ_{t+1} = θ_t + δ_t, δ_{−1} = 0.
/// The step here only sees the gradient at the parameters, so **the parameters are the look-ahead point**
/// φ_t = θ_t + β₂δ_{t−1} (φ₀ = θ₀), and the state holds δ_{t−1}. Recover the paper's θ_t with
/// `paperIterate(parameters:state:)`.
///
/// Initial state: t = 0, δ = 0 ∈ ℝ^d.
///
/// Step t (g = ∇L(φ)):
/// ```
/// g ← g + λ_t φ                    ◀ weightDecayMode = coupled (decoupled: φ ← (1 − η_t λ_t) φ first)
/// δ_old ← δ
/// δ ← β₁ δ − η_t g
/// φ ← φ + (1 + β₂) δ − β₂ δ_old
/// ```
/// At β₁ = β₂ = β and constant η this is PyTorch's Nesterov (`HeavyBall`, variant `nesterov`) with b = −δ/η,
/// and at β₂ = 0 it is heavy ball (both tested to round-off). The quadratic stability threshold is
/// λ < (2/η)·(1 + β₁)/(1 + 2β₂) (Theorem 2).
///
/// - Parameters: η ≥ 0, β₁, β₂ ∈ [0, 1) (Appendix A prints (0, 1]; digest 003 §2.9 says use [0, 1)), λ ≥ 0.
///
/// References: Lee & Jang, "A new characterization of the edge of stability based on a sharpness measure
/// aware of batch gradient distribution", ICLR 2023 (OpenReview bH-kCY6LdKg), eqs. (13)–(14), Theorem 2
/// (digest 003 §2.9).
///
/// Differs from: PyTorch keeps η outside the buffer, so with a learning-rate schedule the two forms differ.
public typealias GeneralizedMomentum = Configured<GeneralizedMomentumRule>

/// Generalized momentum's own settings: β₁ (momentum) and β₂ (look-ahead).
public struct GeneralizedMomentumRule: MomentumRule {
    public let beta1: Double
    public let beta2: Double

    public func validate() throws {
        try Validate.unitInterval(beta1, "beta1")
        try Validate.unitInterval(beta2, "beta2")
    }

    func update(_ phi: inout [Double], gradient g: [Double], rates: StepRates, state: inout MomentumState) {
        let previous = state.momentum
        UpdateRules.accumulate(&state.momentum, g, decay: beta1, inputWeight: -rates.learningRate)
        for i in phi.indices { phi[i] += (1 + beta2) * state.momentum[i] - beta2 * previous[i] }
    }
}

extension RuleHyperparameters<GeneralizedMomentumRule> {
    public init(learningRate: Double = 0.01, beta1: Double = 0.9, beta2: Double = 0.9,
                weightDecayMode: WeightDecayMode = .none, weightDecay: Double = 0) throws {
        try self.init(learningRate: learningRate, GeneralizedMomentumRule(beta1: beta1, beta2: beta2),
                      weightDecayMode: weightDecayMode, weightDecay: weightDecay)
    }
}

extension GeneralizedMomentum {
    /// The paper's θ_t = φ_t − β₂δ_{t−1}, from the look-ahead parameters φ_t and the state.
    public func paperIterate(parameters: [Double], state: MomentumState) -> [Double] {
        zip(parameters, state.momentum).map { $0 - hyperparameters.beta2 * $1 }
    }
}
