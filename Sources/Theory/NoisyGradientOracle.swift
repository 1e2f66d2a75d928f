import Tensor

/// A noisy gradient oracle with scale parameter, NGOS (paper 004, Def. 2.3; digest 004 §2.2):
///
/// ```
/// g = ∇f(θ) + σ z,    E z = 0,    Cov z = Σ(θ)
/// ```
///
/// Σ is the per-example gradient covariance (eq. (1), 1/n normalization) and σ the noise scale (1/√B for
/// batches of size B drawn with replacement; ℓσ under SVAG). The discrete optimizers see
/// ``stochasticGradient(at:using:)`` (z from the oracle's own law, possibly non-Gaussian); the SDEs see
/// ``sdeCoefficients(at:using:)`` (∇f, diag Σ and one Gaussian draw Σ^{1/2}ξ, ξ ~ N(0, I)).
public protocol NoisyGradientOracle: Sendable {
    /// d, the length of θ.
    var dimension: Int { get }
    /// σ > 0.
    var noiseScale: Double { get }
    /// f(θ).
    func loss(at parameters: [Double]) -> Double
    /// ∇f(θ), diag Σ(θ) and one draw of N(0, Σ(θ)).
    func sdeCoefficients(at parameters: [Double], using generator: inout RandomGenerator) -> SDECoefficients
    /// One stochastic gradient ∇f(θ) + σz.
    func stochasticGradient(at parameters: [Double], using generator: inout RandomGenerator) -> [Double]
}

/// What the Euler–Maruyama step reads from an oracle at θ.
public struct SDECoefficients: Sendable, Equatable {
    /// ∇f(θ).
    public var gradient: [Double]
    /// diag Σ(θ) (the u-equation's target).
    public var covarianceDiagonal: [Double]
    /// One draw of Σ^{1/2}(θ)ξ, ξ ~ N(0, I): Gaussian with covariance Σ(θ), unscaled by σ or √Δt.
    public var gaussianNoise: [Double]

    public init(gradient: [Double], covarianceDiagonal: [Double], gaussianNoise: [Double]) {
        self.gradient = gradient
        self.covarianceDiagonal = covarianceDiagonal
        self.gaussianNoise = gaussianNoise
    }
}

/// SVAG as an oracle transformer (paper 004, Def. 6.1; digest 004 §5.1): ĝ = r₁g₁ + r₂g₂ with g₁, g₂ two
/// independent draws of `base` at the same θ, so E ĝ = ∇f, Cov ĝ = ℓ²σ²Σ and the noise scale is ℓσ. The
/// SDE coefficients are the base oracle's (Σ is unchanged).
public struct SVAGOracle<Base: NoisyGradientOracle>: NoisyGradientOracle {
    public let base: Base
    public let svag: SVAG

    public init(base: Base, svag: SVAG) {
        self.base = base
        self.svag = svag
    }

    public var dimension: Int { base.dimension }
    /// ℓσ.
    public var noiseScale: Double { svag.ell * base.noiseScale }
    public func loss(at parameters: [Double]) -> Double { base.loss(at: parameters) }

    public func sdeCoefficients(at parameters: [Double], using generator: inout RandomGenerator) -> SDECoefficients {
        base.sdeCoefficients(at: parameters, using: &generator)
    }

    /// r₁g₁ + r₂g₂ (`SVAG.combine`).
    public func stochasticGradient(at parameters: [Double], using generator: inout RandomGenerator) -> [Double] {
        let g1 = base.stochasticGradient(at: parameters, using: &generator)
        let g2 = base.stochasticGradient(at: parameters, using: &generator)
        return svag.combine(g1, g2)
    }
}
