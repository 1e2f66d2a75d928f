import Optim

extension MemoryOptimizer {
    /// Paper 001's conventions, as named in the errors.
    static let theory = "paper 001's memory rules"

    /// The paper-001 rule of an optimizer given by Optim's typed hyperparameters (e.g.
    /// `OptimizerSpec.hyperparameters`), so `adamw:paper001` here is the rule `adamw:paper001` runs. Only the
    /// conventions of paper 001 §3 are covered; any other throws `UnsupportedConventionError` naming the
    /// setting:
    ///
    /// | Optim | rule | requires |
    /// |---|---|---|
    /// | `HeavyBall.Hyperparameters` (heavyBall / nesterov) | `heavyBall(β)`, `nesterov(β)` | dampening 0, λ = 0 |
    /// | `Adam.Hyperparameters` | `adam(β₁, β₂, ε, λ)` | ε inside √, bias correction on, current v, λ decoupled (or 0) |
    /// | `NAdam.Settings` | `nadam(β₁, β₂, ε, λ)` | as Adam, numerator paper001 |
    /// | `RMSprop.Hyperparameters` | `rmsprop(β₂, ε, λ)` | as Adam |
    /// | `Lion.Settings`, `LionK.Settings` | `lion(ρ₁, ρ₂, 𝒦, λ, bias correction)` | decay first, λ decoupled (or 0) |
    /// | `Signum.Hyperparameters` | `signum(β, ε, λ)` (ε = 0 for `sign`) | λ decoupled (or 0) |
    ///
    /// The learning rate is not part of the rule (pass `settings.learningRate` as h). Ranges are then checked
    /// by `validate()`.
    public init(_ settings: any OptimizerSettings) throws {
        switch settings {
        case let h as HeavyBall.Hyperparameters:
            try UnsupportedConventionError.requirePlainHeavyBall(h, theory: Self.theory)
            self = h.variant == .nesterov ? .nesterov(beta: h.momentum) : .heavyBall(beta: h.momentum)
        case let h as Adam.Hyperparameters:
            try Self.requirePaperAdam(epsilonPlacement: h.epsilonPlacement, biasCorrection: h.biasCorrection,
                                      timing: h.secondMomentTiming, decay: h.weightDecayMode, weightDecay: h.weightDecay)
            self = .adam(beta1: h.beta1, beta2: h.beta2, epsilon: h.epsilon, weightDecay: h.weightDecay)
        case let s as NAdam.Settings:
            let h = s.base
            try Self.requirePaperAdam(epsilonPlacement: h.epsilonPlacement, biasCorrection: h.biasCorrection,
                                      timing: h.secondMomentTiming, decay: h.weightDecayMode, weightDecay: h.weightDecay)
            try UnsupportedConventionError.require("numerator", s.options.numerator, .paper001, theory: Self.theory)
            self = .nadam(beta1: h.beta1, beta2: h.beta2, epsilon: h.epsilon, weightDecay: h.weightDecay)
        case let h as RMSprop.Hyperparameters:
            try Self.requirePaperAdam(epsilonPlacement: h.epsilonPlacement, biasCorrection: h.biasCorrection,
                                      timing: h.secondMomentTiming, decay: h.weightDecayMode, weightDecay: h.weightDecay)
            self = .rmsprop(beta2: h.beta2, epsilon: h.epsilon, weightDecay: h.weightDecay)
        case let s as Lion.Settings:
            try Self.requireLion(s.base)
            self = .lion(rho1: s.base.beta1, rho2: s.base.beta2, kernel: .l1, weightDecay: s.base.weightDecay, biasCorrection: .off)
        case let s as LionK.Settings:
            try Self.requireLion(s.base)
            self = .lion(rho1: s.base.beta1, rho2: s.base.beta2, kernel: s.options.convexKernel, weightDecay: s.base.weightDecay,
                         biasCorrection: s.base.biasCorrection)
        case let h as Signum.Hyperparameters:
            try Self.requireDecoupled(h.weightDecayMode, h.weightDecay)
            self = .signum(beta: h.momentum, epsilon: h.signFunction == .sign ? 0 : h.epsilon, weightDecay: h.weightDecay)
        default:
            throw UnsupportedConventionError.family(settings, covered: "heavy ball, Nesterov, Adam(W), NAdam(W), RMSprop, Lion, Lion-𝒦 or Signum",
                                                    theory: Self.theory)
        }
        try validate()
    }

    /// Paper 001's Adam-type conventions: ε inside √, bias-corrected, current v, decoupled decay.
    private static func requirePaperAdam(epsilonPlacement: EpsilonPlacement, biasCorrection: BiasCorrection,
                                         timing: SecondMomentTiming, decay: WeightDecayMode, weightDecay: Double) throws {
        try UnsupportedConventionError.requireInsideRootAdam(epsilonPlacement: epsilonPlacement, biasCorrection: biasCorrection,
                                                             timing: timing, theory: theory)
        try requireDecoupled(decay, weightDecay)
    }

    /// Lion in paper 001's form θ ← θ − h(−∇𝒦(−c) + λθ): decay before the sign step.
    private static func requireLion(_ h: LionK.Hyperparameters) throws {
        try requireDecoupled(h.weightDecayMode, h.weightDecay)
        if h.weightDecay > 0 { try UnsupportedConventionError.require("step_order", h.stepOrder, .decayThenUpdate, theory: theory) }
    }

    /// λ enters as F = u + λθ (decoupled); with λ = 0 the mode does not matter.
    private static func requireDecoupled(_ mode: WeightDecayMode, _ weightDecay: Double) throws {
        if weightDecay > 0 { try UnsupportedConventionError.require("weight_decay_mode", mode, .decoupled, theory: theory) }
    }
}
