import Foundation

/// Closed-form moments of the SDEs on the analytic oracles of digest 004 §10.2 (derived there from the
/// paper's definitions; per coordinate, diagonal H = h and Σ = s, constant u ≡ s unless stated):
///
/// ```
/// B  linear loss f = ḡθ, RMSprop:  u_t = s + (u₀ − s)e^{−c₂t},   E θ_t = θ₀ − ḡ I₁(t),  Var θ_t = σ₀² s I₂(t),
///                                   I_k(t) = ∫₀ᵗ ds/(σ₀√u_s + ε₀)^k
///    linear loss, Adam (γ ≡ 1, m₀ = ḡ, u ≡ s, p = σ₀√s + ε₀):
///                                   E θ_t = θ₀ − ḡt/p,  Var θ_t = (σ₀²s/p²)[t − 2(1−e^{−c₁t})/c₁ + (1−e^{−2c₁t})/(2c₁)]
/// C  quadratic, RMSprop (u₀ = s):   a = h/p, E θ_t = θ₀e^{−at},  Var θ_t = (σ₀²s/p²)(1 − e^{−2at})/(2a)
///    stationary: Var θ = σ₀²s/(2hp)   (ε₀ = 0: σ₀√s/(2h), E f = (σ₀/4)Σ√sᵢ)
/// D  quadratic, Adam stationary (γ ≡ 1): Var θ = σ₀²s/(2hp),  Cov(θ, m) = 0,  Var m = c₁σ₀²s/2
///    (the Lyapunov equation of the 2-D linear SDE with drift [[0, −1/p], [c₁h, −c₁]] and noise (0, c₁σ₀√s))
/// SGD quadratic (eq. 2):             E θ_t = θ₀e^{−ht},  Var θ_t = ησ²s(1 − e^{−2ht})/(2h)
/// ```
public enum SDEClosedForms {
    /// Mean and variance of one coordinate.
    public struct Moments: Codable, Equatable, Sendable {
        public let mean: Double
        public let variance: Double
        /// E θ² = mean² + variance.
        public var secondMoment: Double { mean * mean + variance }
    }

    /// Oracle C: the RMSprop SDE on ½hθ² with u ≡ s.
    public static func rmspropQuadratic(h: Double, s: Double, sigma0: Double, eps0: Double, theta0: Double,
                                        time t: Double) -> Moments {
        let p = sigma0 * s.squareRoot() + eps0
        let a = h / p
        let b2 = sigma0 * sigma0 * s / (p * p)
        return Moments(mean: theta0 * exp(-a * t), variance: b2 * (-expm1(-2 * a * t)) / (2 * a))
    }

    /// Oracles C/D: the stationary Var θ = σ₀²s/(2hp), p = σ₀√s + ε₀, of the RMSprop and (γ ≡ 1) Adam SDEs.
    public static func adaptiveStationaryVariance(h: Double, s: Double, sigma0: Double, eps0: Double) -> Double {
        let p = sigma0 * s.squareRoot() + eps0
        return sigma0 * sigma0 * s / (2 * h * p)
    }

    /// Oracle D: the stationary Var m = c₁σ₀²s/2 of the Adam SDE (m in gradient units).
    public static func adamStationaryFirstMomentVariance(s: Double, sigma0: Double, c1: Double) -> Double {
        c1 * sigma0 * sigma0 * s / 2
    }

    /// Oracle B: the RMSprop SDE on the linear loss ḡθ with u₀ > 0 (I₁, I₂ by composite Simpson, 2000 panels).
    public static func rmspropLinear(meanGradient g: Double, s: Double, u0: Double, sigma0: Double, eps0: Double,
                                     c2: Double, theta0: Double, time t: Double) -> Moments {
        let p: (Double) -> Double = { r in sigma0 * (s + (u0 - s) * exp(-c2 * r)).squareRoot() + eps0 }
        let i1 = simpson(0, t) { 1 / p($0) }
        let i2 = simpson(0, t) { 1 / (p($0) * p($0)) }
        return Moments(mean: theta0 - g * i1, variance: sigma0 * sigma0 * s * i2)
    }

    /// ∫₀ᵗ ds/(a + be^{−cs}) = (1/a)[t + (1/c) ln((a + be^{−ct})/(a + b))] (digest 004 oracle B; a > 0, a + b > 0).
    public static func reciprocalExponentialIntegral(a: Double, b: Double, c: Double, time t: Double) -> Double {
        (t + log((a + b * exp(-c * t)) / (a + b)) / c) / a
    }

    /// ∫₀ᵗ ds/√(a + be^{−cs}) = [−(1/(c√a)) ln|(√(a+be^{−cs}) − √a)/(√(a+be^{−cs}) + √a)|]₀ᵗ (oracle B; b ≠ 0).
    public static func reciprocalSquareRootExponentialIntegral(a: Double, b: Double, c: Double, time t: Double) -> Double {
        let ra = a.squareRoot()
        func antiderivative(_ r: Double) -> Double {
            let w = (a + b * exp(-c * r)).squareRoot()
            return -log(abs((w - ra) / (w + ra))) / (c * ra)
        }
        return antiderivative(t) - antiderivative(0)
    }

    /// The Adam SDE (γ ≡ 1) on the linear loss ḡθ from m₀ = ḡ, u ≡ s.
    public static func adamLinear(meanGradient g: Double, s: Double, sigma0: Double, eps0: Double, c1: Double,
                                  theta0: Double, time t: Double) -> Moments {
        let p = sigma0 * s.squareRoot() + eps0
        let shape = t - 2 * (-expm1(-c1 * t)) / c1 + (-expm1(-2 * c1 * t)) / (2 * c1)
        return Moments(mean: theta0 - g * t / p, variance: sigma0 * sigma0 * s / (p * p) * shape)
    }

    /// The SGD SDE on ½hθ² (Ornstein–Uhlenbeck), with ησ² = `learningRateOverBatch`.
    public static func sgdQuadratic(h: Double, s: Double, learningRateOverBatch: Double, theta0: Double,
                                    time t: Double) -> Moments {
        Moments(mean: theta0 * exp(-h * t), variance: learningRateOverBatch * s * (-expm1(-2 * h * t)) / (2 * h))
    }

    private static func simpson(_ a: Double, _ b: Double, _ f: (Double) -> Double) -> Double {
        let n = 2000
        let h = (b - a) / Double(n)
        var sum = f(a) + f(b)
        for i in 1..<n { sum += (i % 2 == 1 ? 4 : 2) * f(a + Double(i) * h) }
        return sum * h / 3
    }
}
