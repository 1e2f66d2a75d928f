import Curvature
import Foundation
import NN
import Optim
import Tensor
import Testing
@testable import Theory

/// |estimate − oracle| ≤ z·SE + slack, with the numbers in the message.
func expectWithin(_ estimate: Estimate, _ oracle: Double, standardErrors z: Double, slack: Double = 0,
                  _ label: String, sourceLocation: SourceLocation = #_sourceLocation) {
    let allowed = z * estimate.standardError + slack
    #expect(abs(estimate.value - oracle) <= allowed,
            "\(label): \(estimate.value) ± \(estimate.standardError) vs oracle \(oracle) (allowed \(allowed))",
            sourceLocation: sourceLocation)
}

/// Euler–Maruyama on the analytic oracles of digest 004 §10.2 against their closed forms (SDEClosedForms).
/// Coordinates are independent copies, so each path averages d samples; fixed seeds; Δt small enough that
/// the Euler bias is below one standard error unless stated.
struct SDESimulationTests {
    /// Oracle C, transient (digest 004 §10.2 C): h = s = θ₀ = u₀ = 1, σ₀ = 0.5, ε₀ = 0:
    /// E θ(0.5) = e^{−1} = 0.3679, E θ²(0.5) = e^{−2} + ¼(1 − e^{−2}) = 0.3515.
    @Test func rmspropQuadraticTransientMatchesOrnsteinUhlenbeck() throws {
        let oracle = try DiagonalQuadraticOracle(parsing: "quadratic:h=1,s=1,d=4", noiseScale: 5)
        let sde = try AdaptiveSDE(process: .rmsprop, learningRate: 0.1, noiseScale: 5, beta2: 0.99, epsilon: 0)
        #expect(abs(sde.invariants.sigma0 - 0.5) < 1e-15 && abs(sde.invariants.c2! - 1) < 1e-12)
        let start = SDEState(time: 0, theta: [1, 1, 1, 1], secondMoment: [1, 1, 1, 1])
        let result = try EulerMaruyama.simulate(sde, oracle: oracle, initial: start, grid: SimulationGrid(horizon: 0.5, records: 1),
                                                timeStep: 0.0025, paths: 1200, seed: 11,
                                                functions: [.meanTheta, .meanThetaSquared, .meanSecondMoment])
        let closed = SDEClosedForms.rmspropQuadratic(h: 1, s: 1, sigma0: 0.5, eps0: 0, theta0: 1, time: 0.5)
        #expect(abs(closed.mean - exp(-1)) < 1e-15 && abs(closed.secondMoment - 0.3515) < 1e-4)
        expectWithin(result.final(.meanTheta), closed.mean, standardErrors: 4, "E θ(0.5)")
        expectWithin(result.final(.meanThetaSquared), closed.secondMoment, standardErrors: 4, "E θ²(0.5)")
        // u ≡ diag Σ = 1 when it starts there (no diffusion on u).
        #expect(abs(result.final(.meanSecondMoment).value - 1) < 1e-12)
    }

    /// Oracle C, stationary with ε₀ > 0: Var θ = σ₀²s/(2hp), p = σ₀√s + ε₀ = 0.75 → 1/6. Euler bias a·Δt/2 ≈ 0.7%.
    @Test func rmspropStationaryVarianceWithEpsilon() throws {
        let oracle = try DiagonalQuadraticOracle(parsing: "quadratic:h=1,s=1,d=8", noiseScale: 5)
        let sde = try AdaptiveSDE(process: .rmsprop, learningRate: 0.1, noiseScale: 5, beta2: 0.99, epsilon: 2.5)
        let start = SDEState(time: 0, theta: [Double](repeating: 0, count: 8), secondMoment: [Double](repeating: 1, count: 8))
        let result = try EulerMaruyama.simulate(sde, oracle: oracle, initial: start, grid: SimulationGrid(horizon: 3, records: 1),
                                                timeStep: 0.01, paths: 800, seed: 12, functions: [.meanThetaSquared])
        let variance = SDEClosedForms.adaptiveStationaryVariance(h: 1, s: 1, sigma0: 0.5, eps0: 0.25)
        #expect(abs(variance - 1.0 / 6) < 1e-15)
        expectWithin(result.final(.meanThetaSquared), variance, standardErrors: 3, slack: 0.007 * variance, "Var θ_∞")
    }

    /// Oracle D: the Adam SDE (γ ≡ 1, ε₀ = 0, u ≡ s) has stationary Var θ = σ₀√s/(2h) = 0.25 and
    /// Var m = c₁σ₀²s/2 = 0.5 for c₁ = 4, σ₀ = 0.5, h = s = 1. Euler bias O(Δt‖A‖) ≈ 1.5% allowed as slack.
    @Test func adamStationaryMomentsMatchLyapunovSolution() throws {
        let oracle = try DiagonalQuadraticOracle(parsing: "quadratic:h=1,s=1,d=16", noiseScale: 5)
        let sde = try AdaptiveSDE(process: .adam, learningRate: 0.1, noiseScale: 5, beta1: 0.96, beta2: 0.99, epsilon: 0,
                                  biasCorrection: .off)
        #expect(abs(sde.invariants.c1! - 4) < 1e-12)
        let zeros = [Double](repeating: 0, count: 16)
        let start = SDEState(time: 0, theta: zeros, firstMoment: zeros, secondMoment: [Double](repeating: 1, count: 16))
        let result = try EulerMaruyama.simulate(sde, oracle: oracle, initial: start, grid: SimulationGrid(horizon: 3, records: 1),
                                                timeStep: 0.005, paths: 300, seed: 13,
                                                functions: [.meanThetaSquared, .meanFirstMomentSquared])
        expectWithin(result.final(.meanThetaSquared), SDEClosedForms.adaptiveStationaryVariance(h: 1, s: 1, sigma0: 0.5, eps0: 0),
                     standardErrors: 3, slack: 0.015 * 0.25, "Var θ_∞")
        expectWithin(result.final(.meanFirstMomentSquared), SDEClosedForms.adamStationaryFirstMomentVariance(s: 1, sigma0: 0.5, c1: 4),
                     standardErrors: 3, slack: 0.015 * 0.5, "Var m_∞")
    }

    /// Adam SDE on the linear loss ḡθ (γ ≡ 1, m₀ = ḡ, u ≡ s): E θ_t = θ₀ − ḡt/p and
    /// Var θ_t = (σ₀²s/p²)[t − 2(1−e^{−c₁t})/c₁ + (1−e^{−2c₁t})/(2c₁)] (integrated OU).
    @Test func adamLinearLossMomentsMatchIntegratedOrnsteinUhlenbeck() throws {
        let oracle = try DiagonalQuadraticOracle(parsing: "linear:g=0.1,s=1,d=8", noiseScale: 5)
        let sde = try AdaptiveSDE(process: .adam, learningRate: 0.1, noiseScale: 5, beta1: 0.96, beta2: 0.99, epsilon: 0,
                                  biasCorrection: .off)
        let start = SDEState(time: 0, theta: [Double](repeating: 0, count: 8), firstMoment: [Double](repeating: 0.1, count: 8),
                             secondMoment: [Double](repeating: 1, count: 8))
        let result = try EulerMaruyama.simulate(sde, oracle: oracle, initial: start, grid: SimulationGrid(horizon: 1, records: 1),
                                                timeStep: 0.005, paths: 800, seed: 14, functions: [.meanTheta, .meanThetaSquared])
        let closed = SDEClosedForms.adamLinear(meanGradient: 0.1, s: 1, sigma0: 0.5, eps0: 0, c1: 4, theta0: 0, time: 1)
        #expect(abs(closed.mean + 0.2) < 1e-15)
        expectWithin(result.final(.meanTheta), closed.mean, standardErrors: 4, "E θ(1)")
        expectWithin(result.final(.meanThetaSquared), closed.secondMoment, standardErrors: 4, slack: 0.01 * closed.secondMoment, "E θ²(1)")
    }

    /// Oracle B: the RMSprop SDE on the linear loss from u₀ = 4 ≠ s = 1 (c₂ = 2): u_t = s + (u₀ − s)e^{−c₂t}
    /// is deterministic, θ Gaussian with the Simpson moments; the quadrature agrees with the digest's closed-form
    /// integrals (ε₀ = 0).
    @Test func rmspropLinearLossMatchesOracleB() throws {
        let (a, b, c, t) = (0.25, 0.75, 2.0, 1.0) // σ₀²u_s = a + b e^{−cs}: σ₀ = 0.5, s = 1, u₀ = 4
        let closedI1 = SDEClosedForms.reciprocalSquareRootExponentialIntegral(a: a, b: b, c: c, time: t)
        let closedI2 = SDEClosedForms.reciprocalExponentialIntegral(a: a, b: b, c: c, time: t)
        let quadrature = SDEClosedForms.rmspropLinear(meanGradient: 1, s: 1, u0: 4, sigma0: 0.5, eps0: 0, c2: c, theta0: 0, time: t)
        expectClose(-quadrature.mean, closedI1, relative: 1e-9, "I₁")
        expectClose(quadrature.variance / 0.25, closedI2, relative: 1e-9, "I₂")

        let oracle = try DiagonalQuadraticOracle(parsing: "linear:g=0.1,s=1,d=8", noiseScale: 5)
        let sde = try AdaptiveSDE(process: .rmsprop, learningRate: 0.1, noiseScale: 5, beta2: 0.98, epsilon: 0)
        let start = SDEState(time: 0, theta: [Double](repeating: 0, count: 8), secondMoment: [Double](repeating: 4, count: 8))
        let result = try EulerMaruyama.simulate(sde, oracle: oracle, initial: start, grid: SimulationGrid(horizon: t, records: 1),
                                                timeStep: 0.005, paths: 800, seed: 15,
                                                functions: [.meanTheta, .meanThetaSquared, .meanSecondMoment])
        let closed = SDEClosedForms.rmspropLinear(meanGradient: 0.1, s: 1, u0: 4, sigma0: 0.5, eps0: 0, c2: c, theta0: 0, time: t)
        expectWithin(result.final(.meanTheta), closed.mean, standardErrors: 4, "E θ(1)")
        expectWithin(result.final(.meanThetaSquared), closed.secondMoment, standardErrors: 4, "E θ²(1)")
        expectClose(result.final(.meanSecondMoment).value, 1 + 3 * exp(-c * t), relative: 5e-3, "u(1)")
    }

    /// SGD SDE (eq. 2) on ½hθ²: stationary Var θ = ησ²s/(2h) = 0.05 for ησ² = 0.1. Euler bias hΔt/2 = 0.5%.
    @Test func sgdStationaryVariance() throws {
        let oracle = try DiagonalQuadraticOracle(parsing: "quadratic:h=1,s=1,d=4", noiseScale: 1)
        let sde = try AdaptiveSDE(process: .sgd, learningRate: 0.1, noiseScale: 1)
        let result = try EulerMaruyama.simulate(sde, oracle: oracle, initial: SDEState(time: 0, theta: [0, 0, 0, 0]),
                                                grid: SimulationGrid(horizon: 3, records: 1), timeStep: 0.01, paths: 1500,
                                                seed: 16, functions: [.meanThetaSquared])
        let closed = SDEClosedForms.sgdQuadratic(h: 1, s: 1, learningRateOverBatch: 0.1, theta0: 0, time: 3)
        expectWithin(result.final(.meanThetaSquared), closed.variance, standardErrors: 3, slack: 0.005 * 0.05, "Var θ_∞")
    }

    /// Weak error of discrete lagged RMSprop and Adam against their SDEs (Thms 4.2 / 4.4: O(η²) at fixed
    /// invariants σ₀ = 0.5, c₁ = c₂ = 1, ε₀ = 0, no bias correction, from θ₀ = 0, m₀ = 0). Both SDEs keep
    /// u ≡ s = 1 (constant Σ, u₀ = s); the discrete E u = s + h²E θ² η²/σ₀² (digest 004 oracle C: 1.041 / 1.010 at
    /// η = 0.2 / 0.1 from θ₀ = 1, t = 5; oracle D has the same stationary Var θ for Adam), so the error shrinks
    /// with fitted order ≈ 2 in η (tolerance ±0.4; fixed seed, 500 paths × 8 coordinates).
    @Test(arguments: [SDEProcess.rmsprop, .adam])
    func weakErrorShrinksWithOrderTwo(process: SDEProcess) throws {
        let rates = [0.2, 0.1, 0.05]
        let grid = try SimulationGrid(horizon: 2, records: 2)
        let zeros = [Double](repeating: 0, count: 8)
        let runs = try rates.map { eta -> SimulationMoments in
            let sigma = 0.5 / eta
            let oracle = try DiagonalQuadraticOracle(parsing: "quadratic:h=1,s=1,d=8", noiseScale: sigma)
            let run = DiscreteOptimizerRun(hyperparameters: try ScalableHyperparameters(
                optimizer: process.family, learningRate: eta, batchSize: 1, beta1: process == .adam ? 1 - eta * eta : nil,
                beta2: 1 - eta * eta, epsilon: 0))
            let start = SDEState(time: 0, theta: zeros, firstMoment: process == .adam ? zeros : [],
                                 secondMoment: [Double](repeating: 1, count: 8))
            return try DiscreteSimulation.simulate(run, oracle: oracle, initial: start, grid: grid, paths: 500, seed: 21,
                                                   functions: [.meanSecondMoment])
        }
        let study = try WeakErrorStudy(parameters: rates, runs: runs, function: .meanSecondMoment, reference: [1, 1, 1])
        #expect(study.errors[0] > study.errors[1] && study.errors[1] > study.errors[2], "errors \(study.errors)")
        #expect(abs(study.order - 2) < 0.4, "fitted order \(study.order), errors \(study.errors) ± \(study.standardErrors)")
    }

    /// The discrete-to-SDE state map (digest 004 §3.2, Thm 4.4 warm start): t = kη², m unchanged, u = v/σ² = B·v.
    @Test func discreteStateMapsToSDEState() throws {
        let sde = try AdaptiveSDE(process: .adam, learningRate: 0.01, noiseScale: SDEChangeOfVariables.noiseScale(batchSize: 16),
                                  beta1: 0.9, beta2: 0.999, epsilon: 1e-8)
        let state = MomentState(step: 500, firstMoment: [0.5, -1], secondMoment: [2e-3, 4e-3])
        let x = sde.state(theta: [1, 2], optimizerState: state, learningRate: 0.01,
                          noiseScale: SDEChangeOfVariables.noiseScale(batchSize: 16))
        #expect(abs(x.time - 0.05) < 1e-15)
        #expect(x.firstMoment == [0.5, -1])
        #expect(abs(x.secondMoment[0] - 0.032) < 1e-15 && abs(x.secondMoment[1] - 0.064) < 1e-15)
        #expect(abs(SDEChangeOfVariables.rescaledSecondMoment(2e-3, batchSize: 16) - x.secondMoment[0]) < 1e-15)
        // The bias factors are the continuous bias corrections: γᵢ(t) = 1 − e^{−cᵢt} vs 1 − βᵢᵏ.
        let (g1, g2) = sde.biasFactors(at: x.time)
        expectClose(g1, 1 - pow(0.9, 500), relative: 1e-12, "γ₁")
        expectClose(g2, 1 - pow(0.999, 500), relative: 1e-3, "γ₂ (1 − βᵏ = 1 − e^{−c₂t} + O(c₂²η²t))")
    }

    /// Σ^{1/2}ξ := (1/√N) Σᵢ ζᵢ(gᵢ − ḡ) has covariance Σ = (1/N) Σᵢ (gᵢ − ḡ)(gᵢ − ḡ)ᵀ (eq. (1)), checked
    /// against Σ formed entry by entry from the per-sample gradients of a linear-regression objective.
    @Test func datasetOracleNoiseHasTheDataCovariance() throws {
        var generator = RandomGenerator(seed: 3, stream: "data")
        let n = 6
        let inputs = Tensor(shape: [n, 2], scalars: generator.gaussians(2 * n))
        let targets = Tensor(shape: [n, 1], scalars: generator.gaussians(n))
        let objective = SupervisedObjective(model: DenseNetwork(widths: [2, 1], activation: .identity), loss: .mse,
                                            inputs: inputs, targets: targets)
        let oracle = try DatasetGradientOracle(objective: objective, batchSize: 4)
        #expect(oracle.noiseScale == 0.5)
        let theta = [0.3, -0.7, 0.2]
        let g = objective.perSampleGradients(at: theta, batch: nil)
        let d = 3
        let mean = (0..<d).map { j in (0..<n).reduce(0) { $0 + g.scalars[$1 * d + j] } / Double(n) }
        var sigma = [Double](repeating: 0, count: d * d)
        for i in 0..<n { for a in 0..<d { for b in 0..<d {
            sigma[a * d + b] += (g.scalars[i * d + a] - mean[a]) * (g.scalars[i * d + b] - mean[b]) / Double(n)
        } } }
        var draws = RandomGenerator(seed: 4, stream: "noise")
        var products = Array(repeating: [Double](), count: d * d)
        for _ in 0..<20000 {
            let c = oracle.sdeCoefficients(at: theta, using: &draws)
            for a in 0..<d { for b in 0..<d { products[a * d + b].append(c.gaussianNoise[a] * c.gaussianNoise[b]) } }
        }
        let c = oracle.sdeCoefficients(at: theta, using: &draws)
        for a in 0..<d {
            expectClose(c.gradient[a], mean[a], relative: 1e-12, floor: 1e-12, "∇f")
            expectClose(c.covarianceDiagonal[a], sigma[a * d + a], relative: 1e-12, "diag Σ")
            for b in 0..<d {
                expectWithin(Estimate(samples: products[a * d + b], seed: 4), sigma[a * d + b], standardErrors: 4, "Σ[\(a),\(b)]")
            }
        }
    }
}
