import Optim

extension ScalableHyperparameters {
    /// The scaling rules' conventions, as named in the errors.
    static let theory = "the batch-size scaling rules (paper 004 Defs. 2.1–2.2, paper 003 §4)"

    /// The hyperparameters a scaling rule transforms, read from Optim's typed hyperparameters at batch
    /// size `batchSize`:
    ///
    /// | Optim | family | requires |
    /// |---|---|---|
    /// | `SGD.Hyperparameters` | `sgd` (η) | λ = 0 |
    /// | `RMSprop.Hyperparameters` | `rmsprop` (η, β = `beta2`, ε) | ε outside √, λ = 0 |
    /// | `Adam.Hyperparameters` | `adam` (η, β₁, β₂, ε) | ε outside √, λ = 0 |
    ///
    /// The rules act on η, the β's and ε only (ε₀ = εη assumes ε outside the root), so the bias correction
    /// and the timing of v are not read. Anything else throws `UnsupportedConventionError` naming the setting.
    public init(_ settings: any OptimizerSettings, batchSize: Double) throws {
        switch settings {
        case let h as SGD.Hyperparameters:
            try UnsupportedConventionError.requireZero("weight_decay", h.weightDecay, theory: Self.theory)
            try self.init(optimizer: .sgd, learningRate: h.learningRate, batchSize: batchSize)
        case let h as RMSprop.Hyperparameters:
            try UnsupportedConventionError.require("eps_placement", h.epsilonPlacement, .outsideSqrt, theory: Self.theory)
            try UnsupportedConventionError.requireZero("weight_decay", h.weightDecay, theory: Self.theory)
            try self.init(optimizer: .rmsprop, learningRate: h.learningRate, batchSize: batchSize, beta2: h.beta2, epsilon: h.epsilon)
        case let h as Adam.Hyperparameters:
            try UnsupportedConventionError.require("eps_placement", h.epsilonPlacement, .outsideSqrt, theory: Self.theory)
            try UnsupportedConventionError.requireZero("weight_decay", h.weightDecay, theory: Self.theory)
            try self.init(optimizer: .adam, learningRate: h.learningRate, batchSize: batchSize, beta1: h.beta1, beta2: h.beta2,
                          epsilon: h.epsilon)
        default:
            throw UnsupportedConventionError.family(settings, covered: "SGD, RMSprop or Adam", theory: Self.theory)
        }
    }
}
