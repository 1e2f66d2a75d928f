import DataIO
import NN
import Optim

/// A classifier trained for a fixed number of epochs and measured at every epoch boundary — the shape of
/// the batch-size studies (paper 004's scaling rules, paper 003's LSSR), where runs at different batch
/// sizes are compared at equal epochs.
///
/// Epoch e ends after e·⌊n/B⌋ steps; at e = 0…E the run records the full training loss `train_loss` plus
/// `measure`'s values at θ, and at the end `test_loss` and `test_accuracy` on the held-out set. A non-finite
/// training loss stops the run and records `diverged` = 1 at that epoch (and no test metrics).
struct EpochRun {
    let problem: StudyProblem
    let epochs: Int
    let sampling: BatchSampling

    /// Trains from the initialization of `seed` with batches of `batchSize` (sampler seeded by seed + 1);
    /// `prepare` may set the optimizer's initial state.
    func run(_ settings: any OptimizerSettings, batchSize: Int, seed: UInt64,
             prepare: (SupervisedObjective, [Double], inout OptimizerInstance) throws -> Void = { _, _, _ in },
             measure: (SupervisedObjective, [Double]) -> [String: Double] = { _, _ in [:] }) throws -> StudySeries {
        let (objective, test, problem) = try self.problem.objectives()
        var theta = problem.initialParameters(seed: seed)
        var optimizer = try settings.instance(dimension: theta.count)
        try prepare(objective, theta, &optimizer)
        var batches = try BatchSampler(count: objective.sampleCount, batchSize: batchSize, scheme: sampling, seed: seed &+ 1)
        let stepsPerEpoch = objective.sampleCount / batchSize
        var series = StudySeries()
        var diverged = false
        try Training.run(objective: objective, optimizer: &optimizer, parameters: &theta, batches: &batches,
                         steps: 0..<(epochs * stepsPerEpoch + 1),
                         observe: { step, _ in
                             guard step.step % stepsPerEpoch == 0 else { return .proceed }
                             let epoch = step.step / stepsPerEpoch
                             let loss = objective.loss(at: step.parameters)
                             guard loss.isFinite else {
                                 diverged = true
                                 series.record(step: epoch, ["diverged": 1])
                                 return .stop
                             }
                             series.record(step: epoch, measure(objective, step.parameters).merging(["train_loss": loss]) { _, b in b })
                             return epoch == epochs ? .stop : .proceed
                         })
        if !diverged {
            let metrics = test.metrics(at: theta)
            series.record(step: epochs, ["test_loss": metrics.loss, "test_accuracy": metrics.accuracy ?? .nan])
        }
        return series
    }
}
