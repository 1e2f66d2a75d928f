import Curvature
import Foundation
import Tensor
import Testing
@testable import Theory

/// SVAG on simulated noise (paper 004, Def. 6.1/6.2, Lemma E.1/E.2, Thm 6.3; digest 004 oracles F and G).
struct SVAGSimulationTests {
    /// Oracle F: ĝ = r₁g₁ + r₂g₂ has E ĝ = ∇f, E(ĝ − ∇f)² = ℓ²σ²s and third central moment
    /// σ³(r₁³ + r₂³)s^{3/2}E ζ³ with E ζ³ = 2 for centred Exp(1) noise; at ℓ = 2, (r₁³ + r₂³)/ℓ³ = 0.6875.
    @Test func svagOracleMomentIdentities() throws {
        let svag = try SVAG(ell: 2)
        #expect(abs(svag.thirdMomentFactor - 0.6875) < 1e-15)
        let base = try DiagonalQuadraticOracle(parsing: "quadratic:h=1,s=2,noise=exponential", noiseScale: 0.5)
        let oracle = SVAGOracle(base: base, svag: svag)
        #expect(oracle.noiseScale == 1)
        var generator = RandomGenerator(seed: 31, stream: "svag-moments")
        let theta = [0.3]
        var first = [Double](), second = [Double](), third = [Double]()
        for _ in 0..<100_000 {
            let z = oracle.stochasticGradient(at: theta, using: &generator)[0] - 0.3
            first.append(z)
            second.append(z * z)
            third.append(z * z * z)
        }
        let sigma = 0.5, s = 2.0
        expectWithin(Estimate(samples: first, seed: 31), 0, standardErrors: 4, "E ĝ − ∇f")
        expectWithin(Estimate(samples: second, seed: 31), 4 * sigma * sigma * s, standardErrors: 4, "Var ĝ = ℓ²σ²s")
        let r3 = pow(svag.r1, 3) + pow(svag.r2, 3)
        expectClose(r3, 0.6875 * 8, relative: 1e-12, "r₁³ + r₂³")
        expectWithin(Estimate(samples: third, seed: 31), pow(sigma, 3) * r3 * pow(s, 1.5) * 2, standardErrors: 4, "third moment")
    }

    /// Oracle G: lagged RMSprop with skewed (centred Exp(1)) noise at base η = 0.2, σ₀ = 0.5, c₂ = 1 on ½θ²
    /// from θ₀ = u₀ = 1. The SDE gives E θ(0.5) = e^{−1} = 0.3679; the digest measured 0.343 (ℓ = 1) and 0.365
    /// (ℓ = 4): SVAG removes the skewness bias (error Cη²/ℓ², Thm 6.3).
    @Test func svagConvergesToTheSDEUnderSkewedNoise() throws {
        let oracle = try DiagonalQuadraticOracle(parsing: "quadratic:h=1,s=1,d=16,noise=exponential", noiseScale: 2.5)
        let run = DiscreteOptimizerRun(hyperparameters: try ScalableHyperparameters(
            optimizer: .rmsprop, learningRate: 0.2, batchSize: 1, beta2: 0.96, epsilon: 0))
        let start = SDEState(time: 0, theta: [Double](repeating: 1, count: 16), secondMoment: [Double](repeating: 1, count: 16))
        let grid = try SimulationGrid(horizon: 0.5, records: 1)
        let plain = try DiscreteSimulation.simulateSVAG(run, svag: SVAG(ell: 1), oracle: oracle, initial: start, grid: grid,
                                                        paths: 1000, seed: 41, functions: [.meanTheta]).final(.meanTheta)
        let amplified = try DiscreteSimulation.simulateSVAG(run, svag: SVAG(ell: 4), oracle: oracle, initial: start, grid: grid,
                                                            paths: 1000, seed: 42, functions: [.meanTheta]).final(.meanTheta)
        let sde = exp(-1.0)
        expectWithin(amplified, sde, standardErrors: 4, "ℓ = 4")
        let combined = (plain.standardError * plain.standardError + amplified.standardError * amplified.standardError).squareRoot()
        #expect(abs(plain.value - sde) - abs(amplified.value - sde) > 2 * combined,
                "ℓ = 1: \(plain), ℓ = 4: \(amplified), SDE \(sde)")
        #expect(abs(plain.value - 0.343) < 4 * plain.standardError, "ℓ = 1 \(plain) vs digest 0.343")
    }

    /// SVAG for Adam approaches oracle D (stationary Var θ = 0.25, Var m = c₁σ₀²s/2 = 0.5 at σ₀ = 0.5,
    /// c₁ = 4, c₂ = 1, γ ≡ 1): base η = 0.2 (β₁ = 0.84, β₂ = 0.96) and ℓ = 2 (η = 0.1, β₁ = 0.96, β₂ = 0.99),
    /// started at u₀ = s (v₀ = ℓ²σ²s). The slack allows the O(η²/ℓ²) weak error (1% at ℓ = 2).
    @Test func svagAdamMatchesStationaryMoments() throws {
        let oracle = try DiagonalQuadraticOracle(parsing: "quadratic:h=1,s=1,d=8", noiseScale: 2.5)
        let run = DiscreteOptimizerRun(hyperparameters: try ScalableHyperparameters(
            optimizer: .adam, learningRate: 0.2, batchSize: 1, beta1: 0.84, beta2: 0.96, epsilon: 0))
        let zeros = [Double](repeating: 0, count: 8)
        let start = SDEState(time: 0, theta: zeros, firstMoment: zeros, secondMoment: [Double](repeating: 1, count: 8))
        let result = try DiscreteSimulation.simulateSVAG(run, svag: SVAG(ell: 2), oracle: oracle, initial: start,
                                                         grid: SimulationGrid(horizon: 3, records: 1), paths: 600, seed: 43,
                                                         functions: [.meanThetaSquared, .meanFirstMomentSquared])
        expectWithin(result.final(.meanThetaSquared), 0.25, standardErrors: 3, slack: 0.02 * 0.25, "Var θ")
        expectWithin(result.final(.meanFirstMomentSquared), 0.5, standardErrors: 3, slack: 0.02 * 0.5, "Var m")
    }
}
