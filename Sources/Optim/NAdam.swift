/// NAdam(W): Adam with a Nesterov look-ahead numerator (Dozat 2016), in paper 001's form (Example 1.4).
///
/// Symbols, keys and ranges are Adam's (`Adam.Hyperparameters`), plus the numerator convention.
///
/// Initial state: t = 0, m₀ = 0, v₀ = 0.
///
/// Step t:
/// ```
/// θ ← (1 − η_t λ_t) θ                       ◀ weightDecayMode = decoupled (paper 001 Ex. 1.4: NAdamW)
/// g ← g + λ_t θ                             ◀ weightDecayMode = coupled
/// m ← β₁ m + (1 − β₁) g
/// v ← β₂ v + (1 − β₂) g²
/// n ← β₁ m/(1 − β₁ᵗ) + (1 − β₁) g                    ◀ numerator = paper001
/// n ← β₁ m/(1 − β₁^{t+1}) + (1 − β₁) g/(1 − β₁ᵗ)     ◀ numerator = optax
/// v̂ ← v/(1 − β₂ᵗ)
/// θ ← θ − η_t n / D(v̂)          D = √(v̂ + ε) (paper 001, insideSqrt) or √v̂ + ε (outsideSqrt)
/// ```
/// Bias correction off replaces every 1 − βᵏ by 1; lagged timing is as in `Adam`.
///
/// - Parameters: as `Adam` (η ≥ 0, β ∈ [0, 1), ε ≥ 0, λ ≥ 0).
///
/// References:
/// - T. Dozat, "Incorporating Nesterov Momentum into Adam", ICLR 2016 workshop.
/// - Cattaneo & Shigida, "How Memory in Optimization Algorithms Implicitly Modifies the Loss", Example 1.4
///   (Choi et al. form, ε inside; digest 001 §3.5).
/// - optax `nadam` (`scale_by_adam(nesterov=True)`), which leaves out Dozat's extra β₂ factor.
///
/// Differs from: PyTorch `NAdam` uses a momentum-decay schedule μ_t = β₁(1 − ½·0.96^{t·ψ}) (ψ = 0.004) and
/// products of μ's in the bias correction; neither numerator here reproduces it.
public struct NAdam: AdamVariant {
    public var hyperparameters: Adam.Hyperparameters
    public var numeratorForm: NAdamNumerator
    public var schedules: Schedules

    public init(_ hyperparameters: Adam.Hyperparameters, numerator: NAdamNumerator = .paper001,
                schedules: Schedules = .constant) {
        self.hyperparameters = hyperparameters
        self.numeratorForm = numerator
        self.schedules = schedules
    }

    func adjust(_ rule: inout AdaptiveRule) { rule.numerator = .nesterov(numeratorForm) }
}
