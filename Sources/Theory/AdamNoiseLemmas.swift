/// The monotonicity lemmas of paper 000 (Cattaneo & Shigida, Lemmas 3.4–3.6 and A.1; digest 000 §4.5),
/// recomputed rather than quoted.
///
/// With S = C₁ + C₂, C_total = β₁/(1−β₁) − β₂/(1−β₂) + S·λ (Eq. (7)), so
///
/// ```
/// ∂C_total/∂β₂ = −1/(1−β₂)² + λ ∂S/∂β₂   ⇒  increasing in β₂ at β₂ iff λ > r₂(β₂) = 1/((1−β₂)² ∂S/∂β₂)
/// ∂C_total/∂β₁ =  1/(1−β₁)² + λ ∂S/∂β₁   ⇒  decreasing in β₁ at β₁ iff λ > r₁(β₁) = 1/((1−β₁)² (−∂S/∂β₁))
/// ```
///
/// (∂S/∂β₂ > 0 and ∂S/∂β₁ < 0 on the lemmas' intervals.) Over an interval of β the function is monotone
/// for every λ ≥ sup r (increasing in β₂ / decreasing in β₁) and the other way for every λ ≤ inf r. These
/// sup and inf are the lemmas' constants:
///
/// | lemma | sweep | sup r | inf r |
/// |---|---|---|---|
/// | 3.4 | β₁ = 0.9, β₂ ∈ [0.9, 1) | 0.50818700 at β₂ = 0.9 (paper: 0.5082) | 0.49453938 at β₂ ≈ 0.94988 (paper: 0.494) |
/// | 3.5 | β₁ = 0.99, β₂ ∈ [0.9, 1) | 2.68416032 at β₂ = 0.9 (paper: 2.685) | 0.49945581 at β₂ ≈ 0.99499 (paper: 0.499) |
/// | 3.6 | β₂ = 0.999, β₁ ∈ [0.9, 1) | 1999/1996 ≈ 1.0015030 as β₁ → 1 (paper: 1.002) | 0.99564874 at β₁ = 0.9 (paper: 0.995) |
///
/// Limits at the open end [derived, digest 000 §4.5]: (1−β₂)S → 2 as β₂ → 1, so r₂ → ½; (1−β₁)S →
/// −2(2β₂−1)/(1+β₂) as β₁ → 1, so r₁ → (1+β₂)/(2(2β₂−1)) (= 1999/1996 at β₂ = 0.999).
public enum AdamNoiseLemmas {
    /// r₂(β₂) = 1/((1−β₂)² ∂_{β₂}(C₁+C₂)) at fixed β₁: the λ above which C_total increases in β₂ there.
    public static func beta2CriticalNoiseRatio<T: RationalArithmetic>(beta1: Double, beta2: T) -> T {
        let y = Dual<T>(beta2, derivative: 1)
        let x = Dual<T>(constant: beta1)
        let slope = AdamNoiseCoefficients.c1(beta1: x, beta2: y) + AdamNoiseCoefficients.c2(beta1: x, beta2: y)
        let oneMinus: T = 1 - beta2
        return 1 / (oneMinus * oneMinus * slope.derivative)
    }

    /// r₁(β₁) = 1/((1−β₁)² (−∂_{β₁}(C₁+C₂))) at fixed β₂: the λ above which C_total decreases in β₁ there.
    public static func beta1CriticalNoiseRatio<T: RationalArithmetic>(beta1: T, beta2: Double) -> T {
        let x = Dual<T>(beta1, derivative: 1)
        let y = Dual<T>(constant: beta2)
        let slope = AdamNoiseCoefficients.c1(beta1: x, beta2: y) + AdamNoiseCoefficients.c2(beta1: x, beta2: y)
        let oneMinus: T = 1 - beta1
        return -1 / (oneMinus * oneMinus * slope.derivative)
    }

    /// Lemmas 3.4 / 3.5: the λ thresholds for C_total(β₁, ·, λ) on β₂ ∈ [lowerBound, 1).
    /// `upper` = sup r₂: for λ ≥ upper C_total increases in β₂; `lower` = inf r₂: for 0 < λ ≤ lower it decreases.
    public static func beta2Sweep(beta1: Double, lowerBound: Double = 0.9) throws -> NoiseRatioThresholds {
        try Check.beta(beta1, "beta1")
        try Check.beta(lowerBound, "lowerBound")
        let search = ExtremumSearch(function: { beta2CriticalNoiseRatio(beta1: beta1, beta2: $0) },
                                    lowerBound: lowerBound, limitAtOne: 0.5)
        return NoiseRatioThresholds(search)
    }

    /// Lemma 3.6: the λ thresholds for C_total(·, β₂, λ) on β₁ ∈ [lowerBound, 1).
    /// `upper` = sup r₁: for λ ≥ upper C_total decreases in β₁; `lower` = inf r₁: for 0 < λ ≤ lower it increases.
    /// Requires β₂ > ½ (the limit (1+β₂)/(2(2β₂−1)) is finite).
    public static func beta1Sweep(beta2: Double, lowerBound: Double = 0.9) throws -> NoiseRatioThresholds {
        try Check.beta(beta2, "beta2")
        guard beta2 > 0.5 else { throw TheoryInputError(name: "beta2", value: beta2, expected: "in (0.5, 1)") }
        try Check.beta(lowerBound, "lowerBound")
        let limit = (1 + beta2) / (2 * (2 * beta2 - 1))
        let search = ExtremumSearch(function: { beta1CriticalNoiseRatio(beta1: $0, beta2: beta2) },
                                    lowerBound: lowerBound, limitAtOne: limit)
        return NoiseRatioThresholds(search)
    }

    /// Lemma A.1: sup over the swept β ∈ [lowerBound, 1) of |C_numerator / C_denominator|, the other β fixed.
    /// All six ratios of the lemma vanish as the swept β → 1 (the denominators grow like 1/(1−β)).
    /// - Parameters:
    ///   - sweep: which β varies; the other is `fixed`.
    public static func coefficientRatioSupremum(_ numerator: AdamNoiseCoefficient, over denominator: AdamNoiseCoefficient,
                                                sweeping sweep: SweptBeta, fixed: Double,
                                                lowerBound: Double = 0.9) throws -> (value: Double, location: Double) {
        try Check.beta(fixed, sweep == .beta1 ? "beta2" : "beta1")
        try Check.beta(lowerBound, "lowerBound")
        let ratio: (Dual<Double>) -> Dual<Double> = { beta in
            let (x, y) = sweep == .beta1 ? (beta, Dual(constant: fixed)) : (Dual(constant: fixed), beta)
            return numerator.value(beta1: x, beta2: y) / denominator.value(beta1: x, beta2: y)
        }
        let search = ExtremumSearch(function: ratio, lowerBound: lowerBound, limitAtOne: 0)
        let high = search.maximum()
        let low = search.minimum()
        return abs(high.value) >= abs(low.value) ? (abs(high.value), high.location) : (abs(low.value), low.location)
    }

    /// Which β a sweep varies.
    public enum SweptBeta: String, Codable, CaseIterable, Sendable {
        case beta1, beta2
    }
}

/// One of C₁…C₅ (paper 000, §A.2), for generic evaluation.
public enum AdamNoiseCoefficient: String, Codable, CaseIterable, Sendable {
    case c1, c2, c3, c4, c5

    public func value<T: RationalArithmetic>(beta1: T, beta2: T) -> T {
        switch self {
        case .c1: AdamNoiseCoefficients.c1(beta1: beta1, beta2: beta2)
        case .c2: AdamNoiseCoefficients.c2(beta1: beta1, beta2: beta2)
        case .c3: AdamNoiseCoefficients.c3(beta1: beta1, beta2: beta2)
        case .c4: AdamNoiseCoefficients.c4(beta1: beta1, beta2: beta2)
        case .c5: AdamNoiseCoefficients.c5(beta1: beta1, beta2: beta2)
        }
    }
}

/// sup and inf of a critical noise ratio over a β interval, with where each is attained (location 1 means
/// the limit β → 1).
public struct NoiseRatioThresholds: Codable, Equatable, Sendable {
    public let upper: Double
    public let upperLocation: Double
    public let lower: Double
    public let lowerLocation: Double

    init(_ search: ExtremumSearch) {
        let high = search.maximum()
        let low = search.minimum()
        (upper, upperLocation, lower, lowerLocation) = (high.value, high.location, low.value, low.location)
    }
}
