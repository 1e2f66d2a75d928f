/// Stochastic Variance Amplified Gradient for adaptive methods (paper 004, Def. 6.1/6.2, Lemmas E.1/E.2,
/// Thm 6.3; digest 004 §5). Not Balles & Hennig's M-SVAG optimizer.
///
/// ```
/// ĝ = r₁ g₁ + r₂ g₂,   g₁, g₂ independent mini-batch gradients at the same θ
/// r_i = ½(1 + (−1)^i √(2ℓ² − 1)),  ℓ ≥ 1        r₁ + r₂ = 1,   r₁² + r₂² = ℓ²
/// E ẑ^{⊗3} = (r₁³ + r₂³)/ℓ³ · E z^{⊗3} = (12ℓ² − 4)/(8ℓ³) · E z^{⊗3}
/// η ← η/ℓ,   1 − β ← (1 − β)/ℓ²,   ε ← εℓ,   v₀ ← ℓ²v₀,   steps ← ℓ²·steps,   t = kη²/ℓ²
/// ```
///
/// The hyperparameter transform is the square-root rule with κ = 1/ℓ² applied to an oracle of scale ℓσ,
/// so (σ₀, c₁, c₂, ε₀) are unchanged; Thm 6.3 bounds the weak error by Cη²/ℓ². r₁ carries the minus sign
/// (Def. 6.1; Lemma E.2 swaps the labels, which does not matter since g₁, g₂ are i.i.d.).
public struct SVAG: Codable, Equatable, Sendable {
    /// ℓ ≥ 1; ℓ = 1 is plain mini-batch noise (r = (0, 1)).
    public let ell: Double

    public init(ell: Double) throws {
        guard ell >= 1, ell.isFinite else { throw TheoryInputError(name: "ell", value: ell, expected: "≥ 1") }
        self.ell = ell
    }

    /// r₁ = ½(1 − √(2ℓ² − 1)) ≤ 0.
    public var r1: Double { 0.5 * (1 - (2 * ell * ell - 1).squareRoot()) }
    /// r₂ = ½(1 + √(2ℓ² − 1)) ≥ 1.
    public var r2: Double { 0.5 * (1 + (2 * ell * ell - 1).squareRoot()) }

    /// (r₁³ + r₂³)/ℓ³ = (12ℓ² − 4)/(8ℓ³): the factor on the noise's third moment (Lemma E.1), ≤ 3/(2ℓ).
    public var thirdMomentFactor: Double { (12 * ell * ell - 4) / (8 * ell * ell * ell) }

    /// ĝ = r₁g₁ + r₂g₂, coordinatewise.
    public func combine(_ g1: [Double], _ g2: [Double]) -> [Double] {
        precondition(g1.count == g2.count, "SVAG.combine: gradients of different lengths")
        let (a, b) = (r1, r2)
        return zip(g1, g2).map { a * $0 + b * $1 }
    }

    /// The SVAG configuration of `base` (Def. 6.2): same batch size, noise multiplier ×ℓ, η/ℓ, ε·ℓ,
    /// 1−β ← (1−β)/ℓ², v₀ ×ℓ², ℓ² times the steps. Always valid (the betas move towards 1).
    public func transform(_ base: ScalableHyperparameters) -> ScalingResult {
        let kappa = 1 / (ell * ell)
        var scaled = ScalingRule.squareRootTransform(base, kappa: kappa, variant: .full)
        scaled.noiseMultiplier = base.noiseMultiplier * ell
        if base.optimizer == .sgd {
            // SGD-SVAG in this paper's ℓ convention (digest 004 §5.2): η ← η/ℓ² keeps ησ² fixed.
            scaled.learningRate = base.learningRate * kappa
        }
        return ScalingResult(base: base, scaled: scaled, kappa: kappa, stepsFactor: ell * ell,
                             problems: ScalingRule.betaProblems(scaled, kappa: kappa))
    }
}
