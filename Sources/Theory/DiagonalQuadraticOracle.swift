import Foundation
import NN
import Tensor

/// The analytic NGOS of digest 004 §10.2 (oracles B, C, D, G): a separable quadratic with constant
/// diagonal noise,
///
/// ```
/// f(θ) = Σᵢ (½ hᵢ θᵢ² + gᵢ θᵢ)        ∇f = h ⊙ θ + g        Σ = diag(s)
/// g_stoch = ∇f + σ z,  zᵢ = √sᵢ ζᵢ,  ζ i.i.d. with mean 0 and variance 1 from `law`
/// ```
///
/// h = 0 is the linear loss f = ⟨ḡ, θ⟩ of §3.5 (oracle B); g = 0 the Ornstein–Uhlenbeck quadratic of
/// oracles C/D. The SDE noise is always Gaussian (Σ^{1/2}ξ = √s ⊙ ξ).
public struct DiagonalQuadraticOracle: NoisyGradientOracle, Codable, Equatable {
    /// The law of the standardized noise ζ (mean 0, variance 1).
    public enum NoiseLaw: String, Codable, CaseIterable, Sendable {
        /// ζ ~ N(0, 1).
        case gaussian
        /// ζ = E − 1, E ~ Exp(1): skewed, E ζ³ = 2 (digest 004 oracle G).
        case exponential
        /// ζ = ±1 with probability ½.
        case rademacher
    }

    /// h ≥ 0 per coordinate.
    public let curvature: [Double]
    /// g, the linear term.
    public let linearTerm: [Double]
    /// s > 0 per coordinate: Σ = diag(s).
    public let noiseVariance: [Double]
    public let noiseScale: Double
    public let law: NoiseLaw

    public init(curvature: [Double], linearTerm: [Double]? = nil, noiseVariance: [Double], noiseScale: Double,
                law: NoiseLaw = .gaussian) throws {
        let d = curvature.count
        guard d >= 1 else { throw TheoryInputError(name: "d", value: 0, expected: "≥ 1") }
        let linear = linearTerm ?? [Double](repeating: 0, count: d)
        guard noiseVariance.count == d, linear.count == d else {
            throw TheoryInputError(name: "noiseVariance", value: Double(noiseVariance.count), expected: "of length \(d)")
        }
        for h in curvature { try Check.nonNegative(h, "h") }
        for s in noiseVariance { try Check.positive(s, "s") }
        for g in linear where !g.isFinite { throw TheoryInputError(name: "g", value: g, expected: "finite") }
        try Check.positive(noiseScale, "sigma")
        self.curvature = curvature
        self.linearTerm = linear
        self.noiseVariance = noiseVariance
        self.noiseScale = noiseScale
        self.law = law
    }

    /// Parses `quadratic:h=1,s=1[,g=0][,d=1][,noise=gaussian|exponential|rademacher]` or
    /// `linear:g=0.1,s=1[,d=1][,noise=…]` (h = 0); every coordinate gets the same h, s, g. The noise scale σ
    /// is the caller's (1/√B for batch size B).
    public init(parsing spec: String, noiseScale: Double) throws {
        let name = String(spec.prefix { $0 != ":" })
        guard name == "quadratic" || name == "linear" else {
            throw SpecError("oracle '\(spec)': expected quadratic:h=…,s=… or linear:g=…,s=…")
        }
        var values: [String: String] = [:]
        let body = spec.dropFirst(name.count).drop { $0 == ":" }
        for pair in body.split(separator: ",", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            let allowed = name == "quadratic" ? ["h", "s", "g", "d", "noise"] : ["g", "s", "d", "noise"]
            guard parts.count == 2, allowed.contains(parts[0]) else {
                throw SpecError("oracle '\(spec)': unknown or malformed entry '\(pair)' (keys: \(allowed.joined(separator: ", ")))")
            }
            values[parts[0]] = parts[1]
        }
        func number(_ key: String, _ fallback: Double?) throws -> Double {
            guard let text = values[key] else {
                guard let fallback else { throw SpecError("oracle '\(spec)': missing \(key)=…") }
                return fallback
            }
            guard let x = Double(text), x.isFinite else { throw SpecError("oracle '\(spec)': \(key) must be a number, got '\(text)'") }
            return x
        }
        let d = try number("d", 1)
        guard d >= 1, d == d.rounded(), d <= 1_000_000 else { throw SpecError("oracle '\(spec)': d must be a positive integer") }
        let h = name == "linear" ? 0 : try number("h", nil)
        let g = try number("g", name == "linear" ? nil : 0)
        let s = try number("s", nil)
        guard let law = NoiseLaw(rawValue: values["noise"] ?? "gaussian") else {
            throw SpecError("oracle '\(spec)': noise must be gaussian, exponential or rademacher")
        }
        let count = Int(d)
        do {
            try self.init(curvature: [Double](repeating: h, count: count), linearTerm: [Double](repeating: g, count: count),
                          noiseVariance: [Double](repeating: s, count: count), noiseScale: noiseScale, law: law)
        } catch let error as TheoryInputError {
            throw SpecError("oracle '\(spec)': \(error.description)")
        }
    }

    public var dimension: Int { curvature.count }

    public func loss(at parameters: [Double]) -> Double {
        var total = 0.0
        for i in parameters.indices { total += 0.5 * curvature[i] * parameters[i] * parameters[i] + linearTerm[i] * parameters[i] }
        return total
    }

    /// ∇f = h ⊙ θ + g.
    public func gradient(at parameters: [Double]) -> [Double] {
        parameters.indices.map { curvature[$0] * parameters[$0] + linearTerm[$0] }
    }

    public func sdeCoefficients(at parameters: [Double], using generator: inout RandomGenerator) -> SDECoefficients {
        SDECoefficients(gradient: gradient(at: parameters), covarianceDiagonal: noiseVariance,
                        gaussianNoise: noiseVariance.map { $0.squareRoot() * generator.gaussian() })
    }

    public func stochasticGradient(at parameters: [Double], using generator: inout RandomGenerator) -> [Double] {
        var g = gradient(at: parameters)
        for i in g.indices { g[i] += noiseScale * noiseVariance[i].squareRoot() * standardNoise(using: &generator) }
        return g
    }

    /// One ζ from `law`.
    func standardNoise(using generator: inout RandomGenerator) -> Double {
        switch law {
        case .gaussian: generator.gaussian()
        case .exponential: -log(1 - generator.uniform()) - 1
        case .rademacher: generator.rademacher()
        }
    }
}
