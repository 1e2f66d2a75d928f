import Tensor

/// The catalog's presets as typed values, for Swift callers: `Adam.torch` is the settings of `adam:torch`
/// (`Adam.Hyperparameters`), read from ``OptimizerCatalog`` so each preset is written once.
///
/// ```swift
/// var adam = try Adam.torch.with(learningRate: 0.01).instance(dimension: theta.count)
/// adam.step(parameters: &theta, gradient: g)
/// ```
extension OptimizerCatalog {
    /// The preset `name`'s settings as their type; a name or type that does not match the catalog is a
    /// programming error and traps.
    public static func settings<S: OptimizerSettings>(_ name: String, as type: S.Type = S.self) -> S {
        guard let settings = entry(named: name)?.hyperparameters as? S else {
            preconditionFailure("OptimizerCatalog: no preset \(name) of type \(S.self)")
        }
        return settings
    }
}

extension OptimizerSettings {
    /// These settings with `overrides` (setting name → value, as `name,key=value` would give them) applied
    /// and validated.
    public func with(_ overrides: [String: SettingValue]) throws -> Self {
        try applying(overrides, optimizer: Self.optimizerName)
    }

    /// A ready-to-step optimizer with these settings on θ ∈ ℝ^dimension (`blocks` for block-wise rules).
    public func instance(dimension: Int, blocks: [ParameterBlock]? = nil) throws -> OptimizerInstance {
        let structure = ProblemStructure(dimension: dimension, blocks: blocks)
        return OptimizerInstance(optimizer: try makeOptimizer(structure: structure), dimension: dimension)
    }
}

extension SGD {
    /// `sgd:plain`.
    public static var plain: SGD.Hyperparameters { OptimizerCatalog.settings("sgd:plain") }
    /// `sgd:torch`.
    public static var torch: SGD.Hyperparameters { OptimizerCatalog.settings("sgd:torch") }
}

extension HeavyBall {
    /// `momentum:paper` (alias `heavy-ball`).
    public static var paper: HeavyBall.Hyperparameters { OptimizerCatalog.settings("momentum:paper") }
    /// `momentum:torch`.
    public static var torch: HeavyBall.Hyperparameters { OptimizerCatalog.settings("momentum:torch") }
}

extension Adam {
    /// `adam:torch`: PyTorch's Adam.
    public static var torch: Adam.Hyperparameters { OptimizerCatalog.settings("adam:torch") }
    /// `adam:optax`.
    public static var optax: Adam.Hyperparameters { OptimizerCatalog.settings("adam:optax") }
    /// `adam:paper000`: ε inside the root (paper 000 Def. 3.1).
    public static var paper000: Adam.Hyperparameters { OptimizerCatalog.settings("adam:paper000") }
    /// `adam:paper002`: no bias correction, ε outside the root (paper 002 §3).
    public static var paper002: Adam.Hyperparameters { OptimizerCatalog.settings("adam:paper002") }
    /// `adamw:torch`: PyTorch's AdamW.
    public static var adamwTorch: Adam.Hyperparameters { OptimizerCatalog.settings("adamw:torch") }
}

extension RMSprop {
    /// `rmsprop:torch`.
    public static var torch: RMSprop.Hyperparameters { OptimizerCatalog.settings("rmsprop:torch") }
}

extension Lion {
    /// `lion:official`: google/automl's Lion.
    public static var official: Lion.Settings { OptimizerCatalog.settings("lion:official") }
}

extension RuleHyperparameters {
    /// These settings with η replaced, validated: the typed form of `with(["lr": …])`, e.g.
    /// `SGD.plain.with(learningRate: 0.05)`.
    public func with(learningRate: Double) throws -> Self {
        try Self(learningRate: learningRate, ruleSettings, weightDecayMode: weightDecayMode, weightDecay: weightDecay)
    }
}

extension RuleHyperparameters<AdamRule> {
    /// These settings with β₁, β₂ or ε replaced (nil keeps the value; every convention is kept), validated:
    /// the typed form of `with(["beta1": …, "beta2": …, "eps": …])`, e.g. `Adam.paper000.with(beta1: 0.95)`.
    public func with(beta1: Double? = nil, beta2: Double? = nil, epsilon: Double? = nil) throws -> Self {
        let v = ruleSettings.secondMoment
        let secondMoment = RMSpropRule(beta2: beta2 ?? v.beta2, epsilon: epsilon ?? v.epsilon, epsilonPlacement: v.epsilonPlacement,
                                       biasCorrection: v.biasCorrection, secondMomentTiming: v.secondMomentTiming)
        return try Self(learningRate: learningRate, AdamRule(beta1: beta1 ?? ruleSettings.beta1, secondMoment: secondMoment),
                        weightDecayMode: weightDecayMode, weightDecay: weightDecay)
    }
}

extension RuleHyperparameters<GeneralizedMomentumRule> {
    /// These settings with β₁ or β₂ replaced (nil keeps the value), validated: the typed form of
    /// `with(["beta1": …, "beta2": …])`, e.g. `OptimizerCatalog.settings("nesterov:paper003", as: GeneralizedMomentum.Hyperparameters.self).with(beta1: 0.5, beta2: 0.5)`.
    public func with(beta1: Double? = nil, beta2: Double? = nil) throws -> Self {
        try Self(learningRate: learningRate, GeneralizedMomentumRule(beta1: beta1 ?? ruleSettings.beta1, beta2: beta2 ?? ruleSettings.beta2),
                 weightDecayMode: weightDecayMode, weightDecay: weightDecay)
    }
}
