import Optim
import Theory

extension ScalableHyperparameters {
    /// `base` with η, β₁, β₂ and ε replaced by these (a scaling rule's or SVAG's result; paper 004 §5–6),
    /// every other setting (bias correction, v timing, decay) kept.
    func applied(to base: any OptimizerSettings) throws -> any OptimizerSettings {
        var overrides: [String: SettingValue] = ["lr": .number(learningRate)]
        if let beta1 { overrides["beta1"] = .number(beta1) }
        if let beta2 { overrides["beta2"] = .number(beta2) }
        if let epsilon { overrides["eps"] = .number(epsilon) }
        return try base.with(overrides)
    }
}
