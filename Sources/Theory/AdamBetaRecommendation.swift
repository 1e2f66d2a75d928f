/// The (β₁, β₂) rule of thumb of paper 000 (Cattaneo & Shigida, end of §3.3; digest 000 §4.5), as a function
/// of the noise ratio λ = (N/b − 1)/(N − 1) · B_simple (Eq. (8)).
///
/// ```
/// λ > 1        high noise (b < b₁):       β₁ small, β₂ large  →  (0.9, 0.999)      (paper's rule)
/// λ < ½        low noise  (b > b_{1/2}):  β₁ = β₂ high         →  (0.999, 0.999)    (paper's rule)
/// ½ ≤ λ ≤ 1    transition band:                                 →  (0.999, 0.999)    (our reading)
/// ```
///
/// The paper states the rule only for λ ≫ 1 and λ < ½. In the band between, Lemma 3.4 (λ ≥ 0.5082 ⇒
/// C_total(0.9, β₂, λ) increases in β₂) and Lemma 3.6 (λ < 0.9956 ⇒ C_total(β₁, 0.999, λ) increases in β₁)
/// both favour higher betas, and C_total(0.999, 0.999, λ) = 998.0λ exceeds C_total(0.9, 0.999, λ) =
/// −990 + 1989.2λ for every λ < 0.9988; so the band gets the low-noise pair, and the reason says it is an
/// extrapolation. The rule is directional, not quantitative (the paper's own caveat): "as high as convergence
/// allows" is represented by 0.999, the paper's example.
public struct AdamBetaRecommendation: Codable, Equatable, Sendable {
    /// Which side of the rule λ falls on.
    public enum Regime: String, Codable, CaseIterable, Sendable {
        /// λ > 1: mini-batch noise dominates; memory's anti-regularization is outweighed.
        case highNoise = "high-noise"
        /// ½ ≤ λ ≤ 1: between the paper's two bands.
        case transition
        /// λ < ½: close to full batch; the FB anti-regularization dominates unless β₁ = β₂.
        case lowNoise = "low-noise"
    }

    public let beta1: Double
    public let beta2: Double
    public let regime: Regime
    /// One sentence: the λ band and the lemma behind the choice.
    public let reason: String

    /// Applies the rule of thumb to λ ≥ 0.
    public init(noiseRatio lambda: Double) throws {
        try Check.nonNegative(lambda, "noiseRatio")
        let shown = (lambda * 1e4).rounded() / 1e4
        if lambda > 1 {
            (beta1, beta2, regime) = (0.9, 0.999, .highNoise)
            reason = "lambda = \(shown) > 1 (batch below b_1): take beta1 small and beta2 large, e.g. the defaults "
                + "(0.9, 0.999) (paper 000 §3.3 rule of thumb; Lemmas 3.4 and 3.6)"
        } else if lambda < 0.5 {
            (beta1, beta2, regime) = (0.999, 0.999, .lowNoise)
            reason = "lambda = \(shown) < 0.5 (batch above b_1/2): take beta1 = beta2 as high as convergence allows, "
                + "e.g. 0.999 (paper 000 §3.3 rule of thumb; Lemmas 3.4 and 3.7)"
        } else {
            (beta1, beta2, regime) = (0.999, 0.999, .transition)
            reason = "lambda = \(shown) is between 0.5 and 1, outside the paper's two bands: Lemmas 3.4 and 3.6 both "
                + "favour higher betas, so beta1 = beta2 = 0.999 (extrapolation, paper 000 §3.3)"
        }
    }
}
