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
    let objective: SupervisedObjective
    let testObjective: SupervisedObjective?
    var optimizer: OptimizerInstance
    var sampler: BatchSampler?
    var probes: [any Probe]
    var parameters: [Double]
    let totalSteps: Int
    let sampling: BatchSampling

    init(config: RunConfig, registry: ProbeRegistry) throws(ConfigError) {
        self.config = config
        let model = try ModelFactory.makeModel(spec: config.model)
        let train = try Self.load(config.trainData, key: "data.train")
        objective = try Self.objective(model: model, data: train, loss: config.loss, key: "data.train")
        testObjective = try config.testData.map { spec throws(ConfigError) in
            try Self.objective(model: model, data: try Self.load(spec, key: "data.test"), loss: config.loss, key: "data.test")
        }
        let structure = ProblemStructure(dimension: model.parameterCount, blocks: model.blocks)
        do {
            optimizer = OptimizerInstance(optimizer: try config.optimizer.makeOptimizer(structure: structure).with(schedules: config.schedules),
                                          dimension: model.parameterCount)
        } catch let error as HyperparameterError {
            throw ConfigError(path: "optimizer.\(error.parameter)", "must be \(error.expected), got \(error.value)")
        } catch {
            throw ConfigError(path: "optimizer", "\(error)")
        }
        let n = objective.sampleCount
        if let b = config.batchSize {
            do {
                sampler = try BatchSampler(count: n, batchSize: b, scheme: config.sampler, lastBatch: config.lastBatch, seed: config.seed)
            } catch {
                throw ConfigError(path: "training.batch_size", error.problem)
            }
        }
        sampling = config.sampler == .withReplacement ? .withReplacement : .withoutReplacement
        if sampling == .withoutReplacement, let b = config.batchSize, b > n {
            throw ConfigError(path: "training.batch_size", "must be at most N = \(n) without replacement, got \(b)")
        }
        totalSteps = config.totalSteps(sampleCount: n)
        var generator = RandomGenerator(seed: config.seed, stream: "init")
        parameters = model.initialParameters(using: &generator)
        let adaptive = optimizer.optimizer.preconditionerDiagonal(state: optimizer.state) != nil
        probes = []
        for entry in config.probes {
            let probe = try registry.make(entry)
            try probe.check(ProbeSetup(path: entry.path, hasTestData: testObjective != nil, optimizerIsAdaptive: adaptive,
                                       sampleCount: n, dimension: objective.dimension))
            probes.append(probe)
        }
    }

    private static func load(_ spec: String, key: String) throws(ConfigError) -> Dataset {
        do {
            return try DataSource(parsing: spec).load()
        } catch {
            throw ConfigError(path: key, error.description)
        }
    }

    private static func objective(model: any Model, data: Dataset, loss: Loss, key: String) throws(ConfigError) -> SupervisedObjective {
        let n = data.count
        let features = n == 0 ? 0 : data.x.count / n
        guard let mlp = model as? DenseNetwork else {
            return SupervisedObjective(model: model, loss: loss, inputs: data.x, targets: data.y, labels: data.labels)
        }
        guard n > 0 else { throw ConfigError(path: key, "\(data.name) has no samples") }
        guard mlp.widths[0] == features else {
            throw ConfigError(path: "model", "input width \(mlp.widths[0]) does not match \(features) features per sample of \(data.name)")
        }
        let outputs = data.y.rank == 2 ? data.y.shape[1] : 1
        guard mlp.outputCount == outputs else {
            throw ConfigError(path: "model", "output width \(mlp.outputCount) does not match the \(outputs) target columns of \(data.name)")
        }
        if case .crossEntropy = loss, data.labels == nil {
            throw ConfigError(path: "loss", "cross-entropy needs class labels, but \(data.name) is a regression set")
        }
        return SupervisedObjective(model: model, loss: loss, inputs: data.x, targets: data.y, labels: data.labels)
    }

    /// η_t = η·s(t), from the typed η of the optimizer and its schedule.
    func learningRate(atStep t: Int) -> Double {
        config.schedules.learningRate(atStep: t, base: config.optimizer.learningRate)
    }

    /// The seed of probe `index` at step t: derived from the run seed, so measurements never shift
    /// the sampler's or the initializer's streams.
    func probeSeed(index: Int, step t: Int) -> UInt64 {
        var generator = RandomGenerator(seed: config.seed, stream: "probe/\(index)/\(config.probes[index].name)/\(t)")
        return generator.next()
    }
}
