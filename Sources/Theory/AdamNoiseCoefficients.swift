/// The constants C₁…C₅ of Adam's mini-batch-noise correction and the full-batch coefficient
/// (Cattaneo & Shigida, "The Effect of Mini-Batch Noise on the Implicit Bias of Adam", Prop. 3.3 / Eq. (6),
/// constants in §A.2; digest 000 §4.2).
///
/// Proposition 3.3 writes the permutation-averaged correction of Adam (ε inside the square root, bias
/// corrected, batches without replacement) as
///
/// ```
/// |g_j| E_π Corr_{n,j} = FB + MBN₁ + … + MBN₅ + O(d³) + o_{n,ε}(1/b)
/// FB   = (β₁/(1−β₁) − β₂/(1−β₂)) ∇_j‖g‖₁
/// MBN₁ = C₁ ∇_j‖g‖₁ · (m−1)/(mb−1) · Σ_jj/g_j²
/// MBN₂ = C₂ Σ_i (∇_j|g_i|) · (m−1)/(mb−1) · Σ_ii/g_i²
/// MBN₃ = C₃ (s_j/|g_j|) Σ_i s_i E_π d_{0,ij} d_{0,j}
/// MBN₄ = C₄ Σ_i (1/|g_i|) · (m−1)/(2(mb−1)) · ∇_j Σ_ii
/// MBN₅ = C₅ (s_j/|g_j|) Σ_i (g_ij/|g_i|) · (m−1)/(mb−1) · Σ_ij
/// ```
///
/// The constants, for β₁, β₂ ∈ [0, 1):
///
/// ```
/// C₁ = (1−β₁²)/(β₁(1−β₁β₂)) + (1−β₁)²/(β₁(1−β₁β₂)²) − 2/(β₁(1−β₁))
///      + 3(1+β₁)/(2(1−β₁)(1+β₂)) + 3/(2−2β₂) + 3/(1+β₂)² − 2
/// C₂ = (β₁−β₂)(β₁β₂² − β₁β₂ + β₁ + β₂² − 2β₂) / ((1−β₁)(1−β₂)(1+β₂)(1−β₁β₂))
/// C₃ = [−2β₁²β₂⁵ + (β₁²+8β₁)β₂⁴ + (−5β₁²+2β₁−4)β₂³ + (2β₁²−2β₁−1)β₂ − 2β₁β₂⁵ + (2β₁+1)β₂²]
///      / ((1−β₂)(1+β₂)²(1−β₁β₂)²)
/// C₄ = −(β₁−β₂)² / ((1+β₁)(1+β₂)(1−β₁β₂))
/// C₅ = β₂(β₂−β₁)(2β₂−3β₁−1) / ((1+β₁)(1+β₂)²(1−β₁β₂))
/// ```
///
/// The three 1/β₁ terms of C₁ are evaluated in their combined form
/// −(β₁³β₂ − β₁²β₂ + 2β₁β₂² − β₁β₂ − 2β₁ − 3β₂ + 4)/((1−β₁)(1−β₁β₂)²), which is the same rational
/// function (checked symbolically) without the removable singularity at β₁ = 0 (RMSprop).
///
/// At β₁ = β₂ = β [derived, digest 000 §4.2]: C₂ = C₄ = C₅ = 0,
/// C₁(β, β) = 2β(β² + 2β − 1)/((1−β)(1+β)²) and C₃(β, β) = −β(2β² + β + 1)/((1−β)(1+β)²).
public struct AdamNoiseCoefficients: Codable, Equatable, Sendable {
    public let beta1: Double
    public let beta2: Double
    public let c1: Double
    public let c2: Double
    public let c3: Double
    public let c4: Double
    public let c5: Double
    /// The full-batch coefficient β₁/(1−β₁) − β₂/(1−β₂) of ∇_j‖g‖₁ (FB term of Eq. (6); negative, i.e.
    /// anti-penalization of ‖∇L‖₁, when β₁ < β₂).
    public let fullBatch: Double

    /// Evaluates every constant at (β₁, β₂).
    /// - Parameters:
    ///   - beta1: β₁ ∈ [0, 1).
    ///   - beta2: β₂ ∈ [0, 1).
    /// - Throws: `TheoryInputError` naming the β outside [0, 1).
    public init(beta1: Double, beta2: Double) throws {
        try Check.beta(beta1, "beta1")
        try Check.beta(beta2, "beta2")
        self.beta1 = beta1
        self.beta2 = beta2
        c1 = Self.c1(beta1: beta1, beta2: beta2)
        c2 = Self.c2(beta1: beta1, beta2: beta2)
        c3 = Self.c3(beta1: beta1, beta2: beta2)
        c4 = Self.c4(beta1: beta1, beta2: beta2)
        c5 = Self.c5(beta1: beta1, beta2: beta2)
        fullBatch = Self.fullBatch(beta1: beta1, beta2: beta2)
    }

    /// C₁ + C₂, the coefficient of λ in C_total (Eq. (7)).
    public var noiseSlope: Double { c1 + c2 }

    /// C_total(β₁, β₂, λ) = β₁/(1−β₁) − β₂/(1−β₂) + (C₁ + C₂)λ (paper 000, Eq. (7)). Positive means
    /// implicit penalization of ‖∇L‖₁ (flatter in ℓ∞-sharpness), negative anti-penalization.
    public func total(noiseRatio lambda: Double) -> Double { fullBatch + noiseSlope * lambda }

    // MARK: Formulas, generic so that dual numbers give exact derivatives

    /// C₁(β₁, β₂) (§A.2), with the 1/β₁ terms combined (see the type's documentation).
    public static func c1<T: RationalArithmetic>(beta1 x: T, beta2 y: T) -> T {
        let oneMinusX: T = 1 - x
        let oneMinusXY: T = 1 - x * y
        let combinedNumerator: T = x.power(3) * y - x * x * y + 2 * x * y * y - x * y - 2 * x - 3 * y + 4
        let combined: T = -combinedNumerator / (oneMinusX * oneMinusXY * oneMinusXY)
        let third: T = 3 * (1 + x) / (2 * oneMinusX * (1 + y))
        let fifth: T = 3 / (2 - 2 * y)
        let sixth: T = 3 / ((1 + y) * (1 + y))
        return combined + third + fifth + sixth - 2
    }

    /// C₂(β₁, β₂) (§A.2).
    public static func c2<T: RationalArithmetic>(beta1 x: T, beta2 y: T) -> T {
        let numerator: T = (x - y) * (x * y * y - x * y + x + y * y - 2 * y)
        let denominator: T = (1 - x) * (1 - y) * (1 + y) * (1 - x * y)
        return numerator / denominator
    }

    /// C₃(β₁, β₂) (§A.2).
    public static func c3<T: RationalArithmetic>(beta1 x: T, beta2 y: T) -> T {
        let x2: T = x * x
        let term5: T = (-2 * x2 - 2 * x) * y.power(5)
        let term4: T = (x2 + 8 * x) * y.power(4)
        let term3: T = (-5 * x2 + 2 * x - 4) * y.power(3)
        let term2: T = (2 * x + 1) * y * y
        let term1: T = (2 * x2 - 2 * x - 1) * y
        let oneMinusXY: T = 1 - x * y
        let denominator: T = (1 - y) * (1 + y) * (1 + y) * oneMinusXY * oneMinusXY
        return (term5 + term4 + term3 + term2 + term1) / denominator
    }

    /// C₄(β₁, β₂) (§A.2).
    public static func c4<T: RationalArithmetic>(beta1 x: T, beta2 y: T) -> T {
        -((x - y) * (x - y)) / ((1 + x) * (1 + y) * (1 - x * y))
    }

    /// C₅(β₁, β₂) (§A.2).
    public static func c5<T: RationalArithmetic>(beta1 x: T, beta2 y: T) -> T {
        let numerator: T = y * (y - x) * (2 * y - 3 * x - 1)
        let denominator: T = (1 + x) * (1 + y) * (1 + y) * (1 - x * y)
        return numerator / denominator
    }

    /// The full-batch coefficient β₁/(1−β₁) − β₂/(1−β₂) (FB in Eq. (6); Cattaneo, Klusowski & Shigida 2024).
    public static func fullBatch<T: RationalArithmetic>(beta1 x: T, beta2 y: T) -> T {
        x / (1 - x) - y / (1 - y)
    }

    /// C_total(β₁, β₂, λ) = β₁/(1−β₁) − β₂/(1−β₂) + (C₁ + C₂)λ (Eq. (7)).
    public static func total<T: RationalArithmetic>(beta1 x: T, beta2 y: T, noiseRatio lambda: T) -> T {
        fullBatch(beta1: x, beta2: y) + (c1(beta1: x, beta2: y) + c2(beta1: x, beta2: y)) * lambda
    }

    // MARK: Closed forms on the diagonal β₁ = β₂ = β

    /// C₁(β, β) = 2β(β² + 2β − 1)/((1−β)(1+β)²) [derived, digest 000 §4.2].
    public static func c1OnDiagonal(beta b: Double) -> Double {
        2 * b * (b * b + 2 * b - 1) / ((1 - b) * (1 + b) * (1 + b))
    }

    /// C₃(β, β) = −β(2β² + β + 1)/((1−β)(1+β)²) [derived here from §A.2 by symbolic simplification].
    public static func c3OnDiagonal(beta b: Double) -> Double {
        -b * (2 * b * b + b + 1) / ((1 - b) * (1 + b) * (1 + b))
    }
}
