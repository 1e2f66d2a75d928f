/// AdamE-λ (Li, Wen, Lyu 2025, paper 002 App. G): Adam whose denominator is v^λ + ε instead of √v + ε.
/// Near the minimizer manifold it drifts to stationary points of tr(Diag(H)^{1−λ}) (Thm 5.2).
///
/// Symbols, keys and ranges are Adam's (`Adam.Hyperparameters`), plus the exponent λ (key `exponent`).
/// `epsilonPlacement` is not used: ε is always added to v̂^λ.
///
/// Initial state: t = 0, m₀ = 0, v₀ = 0.
///
/// Step t:
/// ```
/// (weight decay as in Adam)
/// m ← β₁ m + (1 − β₁) g
/// v ← β₂ v + (1 − β₂) g²
/// m̂, v̂ ← m, v                 ◀ biasCorrection = on: m/(1 − β₁ᵗ), v/(1 − β₂ᵗ)
/// θ ← θ − η_t m̂ / (v̂^λ + ε)
/// ```
/// AdamE-½ is Adam with ε outside (tested); AdamE-0 is EMA momentum with learning rate η/(1 + ε) (tested).
///
/// - Parameters: as `Adam`, and λ ∈ [0, 1) (the paper's range).
///
/// References: Li, Wen, Lyu, "Adam Reduces a Unique Form of Sharpness", NeurIPS 2025, arXiv 2511.02773,
/// Table 1 and App. G (digest 002 §3.4, §5).
///
/// Differs from: the paper uses no bias correction and no weight decay (preset `adame:paper002`).
public struct AdamE: AdamVariant {
    public var hyperparameters: Adam.Hyperparameters
    public let exponent: Double
    public var schedules: Schedules

    public init(_ hyperparameters: Adam.Hyperparameters, exponent: Double,
                schedules: Schedules = .constant) throws {
        try Validate.unitInterval(exponent, "exponent")
        self.hyperparameters = hyperparameters
        self.exponent = exponent
        self.schedules = schedules
    }

    func adjust(_ rule: inout AdaptiveRule) { Self.adjust(&rule, exponent: exponent) }

    /// Adam's rule with the denominator v̂^λ + ε.
    static func adjust(_ rule: inout AdaptiveRule, exponent: Double) { rule.denominator = .power(exponent) }
}
