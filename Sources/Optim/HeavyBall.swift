/// Heavy-ball momentum (Polyak 1964) and its Nesterov variant in PyTorch's form (Sutskever et al. 2013).
///
/// | Symbol | Parameter | Key |
/// |---|---|---|
/// | η (paper 001: h) | `learningRate` | `lr` |
/// | β | `momentum` | `momentum` |
/// | τ | `dampening` | `dampening` |
/// | λ | `weightDecay` | `weight_decay` |
///
/// Initial state: t = 0, b₀ = 0 ∈ ℝ^d.
///
/// Step t:
/// ```
/// θ ← (1 − η_t λ_t) θ              ◀ weightDecayMode = decoupled
/// g ← g + λ_t θ                    ◀ weightDecayMode = coupled (PyTorch weight_decay)
/// b ← β b + (1 − τ) g              ◀ bufferStart = firstGradient and t = 1: b ← g
/// θ ← θ − η_t b                    ◀ variant = nesterov: θ ← θ − η_t (g + β b)
/// ```
/// With τ = 0 this is papers 000/001's heavy ball m ← βm + g, θ ← θ − h m (no (1 − β) factor: the
/// effective step is h/(1 − β)) and PyTorch `SGD(momentum=β)`. With τ = β it is EMA momentum
/// m ← βm + (1 − β)g. The Nesterov variant is paper 001 Example 1.2 and PyTorch `nesterov=True`.
///
/// - Parameters: η ≥ 0, β ∈ [0, 1), τ ∈ [0, 1], λ ≥ 0.
///
/// References:
/// - B. T. Polyak, "Some methods of speeding up the convergence of iteration methods", 1964.
/// - I. Sutskever, J. Martens, G. Dahl, G. Hinton, "On the importance of initialization and momentum in
///   deep learning", ICML 2013.
/// - Cattaneo & Shigida, paper 001 Examples 1.1–1.2 (digest 001 §3.1–3.2); paper 000 §2.1 (digest 000 §3.2).
///
/// Differs from: PyTorch starts the buffer at b₁ = g without dampening (`bufferStart = firstGradient`);
/// optax `sgd(momentum=β)` is `zero` with τ = 0; paper 003's Polyak form puts η inside the buffer (see
/// `GeneralizedMomentum`), which differs once η changes with a schedule.
public typealias HeavyBall = Configured<HeavyBallRule>

/// Heavy ball's own settings: β, τ, the variant and how the buffer starts.
public struct HeavyBallRule: MomentumRule {
    public let momentum: Double
    public let dampening: Double
    public let variant: MomentumVariant
    public let bufferStart: MomentumBufferStart

    public func validate() throws {
        try Validate.unitInterval(momentum, "momentum")
        try Validate.closedUnitInterval(dampening, "dampening")
    }

    enum CodingKeys: String, CodingKey {
        case momentum, dampening, variant, bufferStart = "buffer_start"
    }

    func update(_ theta: inout [Double], gradient g: [Double], rates: StepRates, state: inout MomentumState) {
        if state.step == 0 && bufferStart == .firstGradient {
            state.momentum = g
        } else {
            UpdateRules.accumulate(&state.momentum, g, decay: momentum, inputWeight: 1 - dampening)
        }
        var u = state.momentum
        if variant == .nesterov {
            u = g
            UpdateRules.accumulate(&u, state.momentum, decay: 1, inputWeight: momentum)
        }
        UpdateRules.descend(&theta, along: u, learningRate: rates.learningRate)
    }
}

extension RuleHyperparameters<HeavyBallRule> {
    public init(learningRate: Double = 0.01, momentum: Double = 0.9, dampening: Double = 0,
                variant: MomentumVariant = .heavyBall, bufferStart: MomentumBufferStart = .zero,
                weightDecayMode: WeightDecayMode = .none, weightDecay: Double = 0) throws {
        try self.init(learningRate: learningRate,
                      HeavyBallRule(momentum: momentum, dampening: dampening, variant: variant, bufferStart: bufferStart),
                      weightDecayMode: weightDecayMode, weightDecay: weightDecay)
    }
}
