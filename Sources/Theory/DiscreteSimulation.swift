import Optim
import Tensor

/// A discrete optimizer configuration run on a `NoisyGradientOracle`: Optim's SGD, RMSprop or Adam with ε
/// outside the root and the paper's second-moment timing (paper 004 Defs. 2.1, 2.2; lagged v_k by default).
public struct DiscreteOptimizerRun: Codable, Equatable, Sendable {
    public let hyperparameters: ScalableHyperparameters
    /// Adam only: `.on` divides m and v by 1 − βᵗ (matches the SDE's γ₁, γ₂); always `.off` for SGD and RMSprop.
    public let biasCorrection: BiasCorrection
    /// `.lagged` (paper 004: v_k in the step for θ_k) or `.current`.
    public let secondMomentTiming: SecondMomentTiming

    /// - Parameter hyperparameters: η, β's, ε of the family; its batch size is not used (the oracle carries σ).
    public init(hyperparameters: ScalableHyperparameters, biasCorrection: BiasCorrection = .off,
                secondMomentTiming: SecondMomentTiming = .lagged) {
        self.hyperparameters = hyperparameters
        self.biasCorrection = hyperparameters.optimizer == .adam ? biasCorrection : .off
        self.secondMomentTiming = secondMomentTiming
    }

    /// η_e of one step (η for SGD, η² otherwise).
    public var effectiveStep: Double {
        TimeMaps.effectiveStep(learningRate: hyperparameters.learningRate, optimizer: hyperparameters.optimizer)
    }
}

/// Monte-Carlo runs of a discrete optimizer on an oracle, recorded on the continuous-time grid of the SDE
/// (t = t₀ + kη_e) so they can be compared with `EulerMaruyama.simulate` and the closed forms; and SVAG
/// (paper 004 Def. 6.2; digest 004 §5.2).
public enum DiscreteSimulation {
    /// P paths from the SDE state `initial` (θ₀, m₀, u₀ at time t₀): the discrete state is k₀ = t₀/η_e,
    /// m = m₀, v = σ²u₀ (σ = the oracle's noise scale). Each record time is rounded to the nearest step.
    public static func simulate(_ run: DiscreteOptimizerRun, oracle: some NoisyGradientOracle, initial: SDEState,
                                grid: SimulationGrid, paths: Int, seed: UInt64,
                                functions: [SDETestFunction]) throws -> SimulationMoments {
        guard paths >= 2 else { throw TheoryInputError(name: "paths", value: Double(paths), expected: "≥ 2") }
        let h = run.hyperparameters
        let process: SDEProcess = switch h.optimizer {
        case .sgd: .sgd
        case .rmsprop: .rmsprop
        case .adam: .adam
        }
        let shapeCheck = try AdaptiveSDE(process: process, learningRate: h.learningRate, noiseScale: oracle.noiseScale,
                                         beta1: h.beta1, beta2: h.beta2, epsilon: h.epsilon, biasCorrection: .off)
        try EulerMaruyama.checkShape(initial, sde: shapeCheck, dimension: oracle.dimension)
        let eta = h.learningRate
        let startStep = Int((grid.start / run.effectiveStep).rounded())
        let recordSteps = grid.times.map { Int((($0 - grid.start) / run.effectiveStep).rounded()) }
        let sigmaSquared = oracle.noiseScale * oracle.noiseScale
        let toSDE: ([Double], MomentState?) -> SDEState = { theta, state in
            SDEState(time: 0, theta: theta, firstMoment: process == .adam ? state!.firstMoment : [],
                     secondMoment: state.map { $0.secondMoment.map { $0 / sigmaSquared } } ?? [])
        }
        switch h.optimizer {
        case .sgd:
            let optimizer = SGD(try SGD.Hyperparameters(learningRate: eta))
            return record(optimizer, initialState: MomentumState(step: startStep, momentum: []), theta: initial.theta,
                          oracle: oracle, recordSteps: recordSteps, grid: grid, paths: paths, seed: seed,
                          functions: functions) { theta, _ in toSDE(theta, nil) }
        case .rmsprop:
            let optimizer = RMSprop(try RMSprop.Hyperparameters(
                learningRate: eta, beta2: h.beta2!, epsilon: h.epsilon!, biasCorrection: .off,
                secondMomentTiming: run.secondMomentTiming))
            let state = MomentState(step: startStep, firstMoment: [], secondMoment: initial.secondMoment.map { $0 * sigmaSquared })
            return record(optimizer, initialState: state, theta: initial.theta, oracle: oracle, recordSteps: recordSteps,
                          grid: grid, paths: paths, seed: seed, functions: functions, toSDE: toSDE)
        case .adam:
            let optimizer = Adam(try Adam.Hyperparameters(
                learningRate: eta, beta1: h.beta1!, beta2: h.beta2!, epsilon: h.epsilon!,
                biasCorrection: run.biasCorrection, secondMomentTiming: run.secondMomentTiming))
            let state = MomentState(step: startStep, firstMoment: initial.firstMoment,
                                    secondMoment: initial.secondMoment.map { $0 * sigmaSquared })
            return record(optimizer, initialState: state, theta: initial.theta, oracle: oracle, recordSteps: recordSteps,
                          grid: grid, paths: paths, seed: seed, functions: functions, toSDE: toSDE)
        }
    }

    /// SVAG with parameter ℓ: the oracle becomes `SVAGOracle` (ĝ = r₁g₁ + r₂g₂, noise ℓσ) and the
    /// hyperparameters `svag.transform(…)` (η/ℓ, 1−β ← (1−β)/ℓ², εℓ; SGD η/ℓ²), so the run takes ℓ² times the
    /// steps to the same continuous time t = kη²/ℓ² and starts from v₀ = (ℓσ)²u₀ = ℓ²·σ²u₀
    /// (`secondMomentInitScale`). Thm 6.3: weak error Cη²/ℓ² against the SDE of `run`.
    public static func simulateSVAG(_ run: DiscreteOptimizerRun, svag: SVAG, oracle: some NoisyGradientOracle,
                                    initial: SDEState, grid: SimulationGrid, paths: Int, seed: UInt64,
                                    functions: [SDETestFunction]) throws -> SimulationMoments {
        let scaled = svag.transform(run.hyperparameters).hyperparameters
        let svagRun = DiscreteOptimizerRun(hyperparameters: scaled, biasCorrection: run.biasCorrection,
                                           secondMomentTiming: run.secondMomentTiming)
        return try simulate(svagRun, oracle: SVAGOracle(base: oracle, svag: svag), initial: initial, grid: grid,
                            paths: paths, seed: seed, functions: functions)
    }

    private static func record<O: Optimizer>(_ optimizer: O, initialState: O.State, theta: [Double],
                                             oracle: some NoisyGradientOracle, recordSteps: [Int], grid: SimulationGrid,
                                             paths: Int, seed: UInt64, functions: [SDETestFunction],
                                             toSDE: ([Double], O.State?) -> SDEState) -> SimulationMoments {
        var recorder = MomentRecorder(functions: functions, grid: grid)
        let root = RandomGenerator(seed: seed, stream: "discrete")
        for p in 0..<paths {
            var generator = root.stream("path-\(p)")
            var x = theta
            var state = initialState
            var k = 0
            for (r, target) in recordSteps.enumerated() {
                while k < target {
                    optimizer.step(parameters: &x, gradient: oracle.stochasticGradient(at: x, using: &generator), state: &state)
                    k += 1
                }
                recorder.record(toSDE(x, state), at: r, loss: oracle.loss)
            }
        }
        return recorder.moments(paths: paths, seed: seed)
    }
}
