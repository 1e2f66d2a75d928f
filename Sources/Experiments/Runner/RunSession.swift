import Curvature
import DataIO
import Foundation
import NN
import Optim
import Tensor

/// Everything a run needs, built from a validated ``RunConfig`` before anything touches the store:
/// data, model, objective, optimizer, sampler, probes and θ₀. Any problem here is a ``ConfigError``
/// (bad config, missing or truncated data file), so a failing setup leaves the store as it was.
struct RunSession {
    let config: RunConfig
    let objective: any Objective
    let testObjective: (any Objective)?
    /// (L_{B_t}, ∇L_{B_t}) at step t, with the config's label noise (``Problem/trainingEvaluation(seed:)``).
    let evaluate: @Sendable (_ step: Int, _ parameters: [Double], _ batch: [Int]?) -> (loss: Double?, gradient: [Double])
    var optimizer: OptimizerInstance
    var sampler: BatchSampler?
    var probes: [any Probe]
    var parameters: [Double]
    let totalSteps: Int
    /// Each probe's period in steps (its cadence at this run's steps per epoch).
    let probePeriods: [Int]
    let sampling: BatchSampling
    /// The learning-rate and weight-decay schedules in steps.
    let schedules: Schedules

    init(config: RunConfig, registry: ProbeRegistry) throws(ConfigError) {
        self.config = config
        let problem: Problem
        do { problem = try config.problem.build(testData: config.testData) } catch { throw ConfigError(error) }
        objective = problem.objective
        testObjective = problem.testObjective
        evaluate = problem.trainingEvaluation(seed: config.seed)
        let structure = ProblemStructure(dimension: objective.dimension, blocks: objective.blocks)
        schedules = config.resolvedSchedules(sampleCount: objective.sampleCount)
        do {
            optimizer = OptimizerInstance(optimizer: try config.optimizer.makeOptimizer(structure: structure).with(schedules: schedules),
                                          dimension: objective.dimension)
        } catch let error as HyperparameterError {
            throw ConfigError(path: "optimizer.\(error.parameter)", "must be \(error.expected), got \(error.value)")
        } catch {
            throw ConfigError(path: "optimizer", "\(error)")
        }
        let n = objective.sampleCount
        if let b = config.batchSize {
            do {
                sampler = try BatchSampler(count: n, batchSize: b, scheme: config.sampling, lastBatch: config.lastBatch, seed: config.seed)
            } catch {
                throw ConfigError(path: "training.batch_size", error.problem)
            }
        }
        sampling = config.sampling
        if let b = config.batchSize, let problem = BatchSampler.batchSizeProblem(count: n, batchSize: b, scheme: sampling) {
            throw ConfigError(path: "training.batch_size", problem)
        }
        totalSteps = config.totalSteps(sampleCount: n)
        let stepsPerEpoch = config.stepsPerEpoch(sampleCount: n)
        probePeriods = config.probes.map { $0.cadence.period(stepsPerEpoch: stepsPerEpoch) }
        parameters = problem.initialParameters(seed: config.seed)
        let adaptive = optimizer.optimizer.preconditionerDiagonal(state: optimizer.state) != nil
        probes = []
        for entry in config.probes {
            let probe = try registry.make(entry)
            try probe.check(ProbeSetup(path: entry.path, hasTestData: testObjective != nil, optimizerIsAdaptive: adaptive,
                                       sampling: sampling, sampleCount: n, dimension: objective.dimension))
            probes.append(probe)
        }
    }

    /// η_t = η·s(t), from the typed η of the optimizer and its schedule.
    func learningRate(atStep t: Int) -> Double {
        schedules.learningRate(atStep: t, base: config.optimizer.learningRate)
    }

    /// The seed of probe `index` at step t: derived from the run seed, so measurements never shift
    /// the sampler's or the initializer's streams.
    func probeSeed(index: Int, step t: Int) -> UInt64 {
        var generator = RandomGenerator(seed: config.seed, stream: "probe/\(index)/\(config.probes[index].name)/\(t)")
        return generator.next()
    }
}
