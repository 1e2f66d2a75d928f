import Optim

extension StabilityOptimizer {
    /// The stability theory's conventions, as named in the errors.
    static let theory = "the stability thresholds (paper 003 §4, Cohen et al. 2022)"

    /// The stability model of an optimizer given by Optim's typed hyperparameters:
    ///
    /// | Optim | model | requires |
    /// |---|---|---|
    /// | `SGD.Hyperparameters` | `sgd` | λ = 0 |
    /// | `HeavyBall.Hyperparameters` | `momentum(β, 0)` (Polyak), `momentum(β, β)` (Nesterov) | dampening 0, λ = 0 |
    /// | `GeneralizedMomentum.Hyperparameters` | `momentum(β₁, β₂)` (paper 003 eqs. 13–14) | λ = 0 |
    /// | `Adam.Hyperparameters` | `adam(β₁, ε)` (P = √v̂ + ε) | ε outside √, λ = 0 |
    ///
    /// Heavy ball m ← βm + g, θ ← θ − ηm is Polyak's δ ← βδ − ηg at constant η, so its threshold is paper
    /// 003's with β₂ = 0; PyTorch's Nesterov is the look-ahead form of β₂ = β₁. The bias correction and the
    /// timing of v do not enter (the threshold is for v at its fixed point). Anything else throws
    /// `UnsupportedConventionError` naming the setting.
    public init(_ settings: any OptimizerSettings) throws {
        switch settings {
        case let h as SGD.Hyperparameters:
            try UnsupportedConventionError.requireZero("weight_decay", h.weightDecay, theory: Self.theory)
            self = .sgd
        case let h as HeavyBall.Hyperparameters:
            try UnsupportedConventionError.requirePlainHeavyBall(h, theory: Self.theory)
            self = .momentum(beta1: h.momentum, beta2: h.variant == .nesterov ? h.momentum : 0)
        case let h as GeneralizedMomentum.Hyperparameters:
            try UnsupportedConventionError.requireZero("weight_decay", h.weightDecay, theory: Self.theory)
            self = .momentum(beta1: h.beta1, beta2: h.beta2)
        case let h as Adam.Hyperparameters:
            try UnsupportedConventionError.require("eps_placement", h.epsilonPlacement, .outsideSqrt, theory: Self.theory)
            try UnsupportedConventionError.requireZero("weight_decay", h.weightDecay, theory: Self.theory)
            self = .adam(beta1: h.beta1, epsilon: h.epsilon)
        default:
            throw UnsupportedConventionError.family(settings, covered: "SGD, heavy ball, Nesterov, generalized momentum or Adam",
                                                    theory: Self.theory)
        }
    }
}
