import Optim

extension DiscreteOptimizerRun {
    /// The discrete run of an optimizer given by Optim's typed hyperparameters: η, β's and ε from
    /// `ScalableHyperparameters(_:batchSize:)` (SGD, or RMSprop/Adam with ε outside the root and no weight
    /// decay; the oracle carries the batch size), and the preset's bias correction and v timing (paper 004
    /// uses lagged v). RMSprop's run has no bias correction (`bias_correction=off` required); anything else
    /// throws `UnsupportedConventionError` naming the setting.
    public init(_ settings: any OptimizerSettings) throws {
        let hyperparameters = try ScalableHyperparameters(settings, batchSize: 1)
        switch settings {
        case let h as RMSprop.Hyperparameters:
            try UnsupportedConventionError.require("bias_correction", h.biasCorrection, .off, theory: "the discrete RMSprop run (paper 004 Def. 2.1)")
            self.init(hyperparameters: hyperparameters, secondMomentTiming: h.secondMomentTiming)
        case let h as Adam.Hyperparameters:
            self.init(hyperparameters: hyperparameters, biasCorrection: h.biasCorrection, secondMomentTiming: h.secondMomentTiming)
        default:
            self.init(hyperparameters: hyperparameters)
        }
    }
}

extension SDEProcess {
    /// The process of an optimizer family (the raw values agree).
    public init(_ family: OptimizerFamily) {
        self = switch family {
        case .sgd: .sgd
        case .rmsprop: .rmsprop
        case .adam: .adam
        }
    }

    /// The preset `--process` stands for: paper 004's optimizer of the family (Defs. 2.1–2.2: ε outside the
    /// root, lagged v; Adam without bias correction, whose SDE has γ ≡ 1 from t = 0).
    public var paperPreset: String {
        switch self {
        case .sgd: "sgd:plain"
        case .rmsprop: "rmsprop:paper004"
        case .adam: "adam:paper004,bias_correction=off"
        }
    }
}
