/// Stability thresholds for sharpness-like measures and a stable / edge / unstable classifier.
///
/// ```
/// SGD (paper 003, eq. (16)):        IAS ‖H‖_{S_b} = tr(HS_b)/tr(S_b)  vs  2ρ_b/η      (GD: ρ_n = 1, 2/η)
/// generalized momentum (003, Thm 2): λ(H)  vs  (2/η)·(1+β₁)/(1+2β₂)
///     δ_t = β₁δ_{t−1} − η∇L(θ_t + β₂δ_{t−1}),  θ_{t+1} = θ_t + δ_t;  Polyak β₂ = 0: 2(1+β₁)/η;
///     Nesterov β₁ = β₂ = β: 2(1+β)/((1+2β)η)
/// Adam (Cohen et al. 2022, adaptive EoS):  λ₁(P⁻¹H)  vs  (2 + 2β₁)/((1 − β₁)η)   (38/η at β₁ = 0.9)
/// ```
///
/// The SGD form is exact on quadratics: E[L_{t+1}] − L_t > 0 iff tr(HS_b)/tr(S_n) > 2/η (Thm 1), and
/// tr(HS_b)/tr(S_n) = ‖H‖_{S_b}/ρ_b. The momentum threshold is the Jury condition of the per-eigenvalue
/// recursion y_{t+1} − (1+β₁−(1+β₂)ηλ)y_t + (β₁ − β₂ηλ)y_{t−1} = 0 (digest 003 §2.9). Adam's is the
/// heavy-ball threshold 2(1+β₁)/η of the EMA form m ← β₁m + (1−β₁)g, whose effective step is (1−β₁)η
/// (digest "peers and conventions" §2.5).
public enum StabilityThreshold {
    /// 2ρ_b/η: the edge for the interaction-aware sharpness ‖H‖_{S_b} of SGD (ρ_b = 1 for GD).
    /// - Parameters:
    ///   - learningRate: η > 0.
    ///   - concentration: ρ_b ∈ (0, 1] (eq. (15)); 1 for full batch.
    public static func sgd(learningRate: Double, concentration: Double = 1) throws -> Double {
        try Check.positive(learningRate, "learningRate")
        try Check.unitInterval(concentration, "concentration")
        return 2 * concentration / learningRate
    }

    /// (2/η)(1+β₁)/(1+2β₂): the largest stable Hessian eigenvalue of generalized momentum (Thm 2).
    public static func momentum(learningRate: Double, beta1: Double, beta2: Double) throws -> Double {
        try Check.positive(learningRate, "learningRate")
        try Check.beta(beta1, "beta1")
        try Check.beta(beta2, "beta2")
        return 2 / learningRate * (1 + beta1) / (1 + 2 * beta2)
    }

    /// (2 + 2β₁)/((1 − β₁)η): the edge for Adam's preconditioned sharpness λ₁(P⁻¹H) (β₂ does not enter).
    public static func adam(learningRate: Double, beta1: Double) throws -> Double {
        try Check.positive(learningRate, "learningRate")
        try Check.beta(beta1, "beta1")
        return (2 + 2 * beta1) / ((1 - beta1) * learningRate)
    }
}

/// Where a measured sharpness sits relative to its threshold.
public enum StabilityRegime: String, Codable, CaseIterable, Sendable {
    /// ratio < 1 − band.
    case stable
    /// |ratio − 1| ≤ band: at the edge of stability.
    case edge
    /// ratio > 1 + band.
    case unstable
}

/// A measured sharpness S against a threshold T: ratio S/T and its regime.
///
/// The edge band is relative, |S/T − 1| ≤ band, default 5%. Justification (digests 003 §8 and "peers and
/// conventions" §2.1): under GD at the edge, Cohen et al.'s λ₁ hovers at 205–210 for 2/η = 200 (+2.5…5%),
/// and in digest 003's miniature run λ₁ ∈ [10.06, 10.14] and IAS ∈ [9.95, 10.03] for 2/η = 10 (within 1.5%).
/// Mini-batch measurements fluctuate more (SGD: tr(HS_b)/tr(S_n) ∈ [9.37, 11.07] for 2/η = 10, −6…+11%),
/// so pass a band of 0.1–0.15 for SGD time series.
public struct StabilityClassification: Codable, Equatable, Sendable {
    public let sharpness: Double
    public let threshold: Double
    /// S/T.
    public let ratio: Double
    public let edgeBand: Double
    public let regime: StabilityRegime

    /// - Parameters:
    ///   - sharpness: S ≥ 0 (λ₁, IAS, or λ₁(P⁻¹H), matching the threshold).
    ///   - threshold: T > 0.
    ///   - edgeBand: relative half-width of the edge band, in [0, 1).
    public init(sharpness: Double, threshold: Double, edgeBand: Double = 0.05) throws {
        guard sharpness.isFinite else { throw TheoryInputError(name: "sharpness", value: sharpness, expected: "finite") }
        try Check.positive(threshold, "threshold")
        try Check.beta(edgeBand, "edgeBand")
        self.sharpness = sharpness
        self.threshold = threshold
        self.edgeBand = edgeBand
        ratio = sharpness / threshold
        if ratio < 1 - edgeBand {
            regime = .stable
        } else if ratio > 1 + edgeBand {
            regime = .unstable
        } else {
            regime = .edge
        }
    }
}
