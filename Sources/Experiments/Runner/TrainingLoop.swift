import Foundation
import Optim
import Tensor

/// The step loop of one run (see ``Runner``), writing metrics, checkpoints and the final status.
struct TrainingLoop {
    var session: RunSession
    let store: RunStore
    let runID: Int64
    /// Updates applied.
    var step: Int
    /// ℓ₀, the first batch loss (the divergence reference); nil until step 0 runs.
    var initialLoss: Double?
    var lastBatchLoss: Double?
    var lastLambdaMax: Double?

    /// Trains with this process's claim on the run kept fresh (``ClaimHeartbeat``); an error ends the run
    /// `failed`, except a lost claim, which leaves the run to the process that took it over.
    mutating func run(options: RunOptions) throws -> RunOutcome {
        let heartbeat = ClaimHeartbeat(store: store, runID: runID)
        defer { heartbeat.stop() }
        do {
            return try train(options: options, heartbeat: heartbeat)
        } catch let error as RunClaimError {
            throw error
        } catch {
            try? store.setStatus(.failed, runID: runID, step: step, message: "\(error)")
            throw error
        }
    }

    /// The run through ``Training/run(optimizer:parameters:batches:steps:evaluate:observe:afterUpdate:)``
    /// (the batch loss with the config's label noise, if any),
    /// one stretch between checkpoints at a time (so a checkpoint is written with the loop's state in hand):
    /// before each update the observer records the batch loss and the probes due, and stops the run when it
    /// diverges or reaches a target; after each update it reports progress, honours an interruption, and
    /// stops (throwing ``RunClaimError/lost(runID:)``) when another process took the run over.
    private mutating func train(options: RunOptions, heartbeat: ClaimHeartbeat) throws -> RunOutcome {
        let started = Date()
        let firstStep = step
        let total = session.totalSteps
        let stop = session.config.stop
        let every = session.config.checkpointEvery
        let periods = session.probePeriods
        var parameters = session.parameters, optimizer = session.optimizer, sampler = session.sampler
        var ending: (status: RunStore.Status, message: String?, checkpoint: Bool)?
        while step < total {
            let boundary = min(total, (step / every + 1) * every)
            try Training.run(optimizer: &optimizer, parameters: &parameters, batches: &sampler, steps: step..<boundary,
                             evaluate: session.evaluate, observe: { current, optimizer in
                let loss = current.loss ?? .nan, gradient = current.gradient
                let reference = initialLoss ?? loss
                initialLoss = reference
                lastBatchLoss = loss
                if !loss.isFinite || !gradient.allSatisfy(\.isFinite) || loss > stop.divergenceFactor * reference {
                    try store.record(runID: runID, step: current.step, values: ["batch_loss": loss])
                    let why = loss.isFinite && gradient.allSatisfy(\.isFinite)
                        ? "batch loss \(loss) exceeds \(stop.divergenceFactor) × the initial \(reference)"
                        : "non-finite loss or gradient (loss \(loss))"
                    ending = (.diverged, "diverged at step \(current.step): \(why)", false)
                    return .stop
                }
                let t = current.step
                var values = try measure(due: { t % periods[$0] == 0 }, parameters: current.parameters, optimizer: optimizer)
                values["batch_loss"] = loss
                try store.record(runID: runID, step: t, values: values)
                if let reached = Self.targetReached(values, stop) {
                    ending = (.completed, "\(reached) at step \(t)", true)
                    return .stop
                }
                return .proceed
            }, afterUpdate: { t, _ in
                step = t
                if heartbeat.isLost { throw RunClaimError.lost(runID: runID) }
                options.progress?(RunProgress(runID: runID, step: t, totalSteps: total, batchLoss: lastBatchLoss ?? .nan,
                                              lambdaMax: lastLambdaMax, elapsed: Date().timeIntervalSince(started), sessionSteps: t - firstStep))
                if options.shouldStop(t) && t < total {
                    ending = (.interrupted, "interrupted at step \(t); resume with biaslab run --resume \(runID)", true)
                    return .stop
                }
                return .proceed
            })
            session.parameters = parameters
            session.optimizer = optimizer
            session.sampler = sampler
            if let ending {
                if ending.checkpoint { try checkpoint() }
                return try finish(ending.status, message: ending.message)
            }
            if step < total { try checkpoint() }
        }
        let values = try measure(due: { _ in true }, parameters: session.parameters, optimizer: session.optimizer)
        try store.record(runID: runID, step: step, values: values)
        try checkpoint()
        return try finish(.completed, message: Self.targetReached(values, stop).map { "\($0) at step \(step)" })
    }

    /// Runs the probes `due` selects (by index) at θ_step (`parameters`, with `optimizer` in its state after step updates).
    private mutating func measure(due: (Int) -> Bool, parameters: [Double],
                                  optimizer: OptimizerInstance) throws -> [String: Double] {
        var values: [String: Double] = [:]
        for index in session.probes.indices where due(index) {
            let context = ProbeContext(step: step, parameters: parameters, objective: session.objective,
                                       testObjective: session.testObjective, optimizer: optimizer,
                                       hyperparameters: session.config.optimizer.hyperparameters, learningRate: session.learningRate(atStep: step),
                                       batchSize: session.config.batchSize ?? session.objective.sampleCount,
                                       sampling: session.sampling, seed: session.probeSeed(index: index, step: step),
                                       groundTruth: session.groundTruth)
            for (name, value) in try session.probes[index].measure(context) { values[name] = value }
        }
        if let lambda = values[SharpnessProbe.lambdaMax.name] ?? values[PreconditionedSharpnessProbe.sharpness.name] { lastLambdaMax = lambda }
        return values
    }

    private static func targetReached(_ values: [String: Double], _ stop: RunConfig.StopConditions) -> String? {
        if let target = stop.trainLossBelow, let loss = values[TrainMetricsProbe.loss.name], loss < target {
            return "train loss \(loss) below \(target)"
        }
        if let target = stop.trainAccuracyAbove, let accuracy = values[TrainMetricsProbe.accuracy.name], accuracy >= target {
            return "train accuracy \(accuracy) reached \(target)"
        }
        return nil
    }

    private func checkpoint() throws {
        var probeStates: [Int: Data] = [:]
        for (index, probe) in session.probes.enumerated() {
            if let data = try probe.encodedState() { probeStates[index] = data }
        }
        try store.saveCheckpoint(runID: runID, RunStore.Checkpoint(
            step: step, parameters: session.parameters, optimizerState: session.optimizer.state,
            samplerState: session.sampler?.state, probeStates: probeStates, initialLoss: initialLoss),
            keep: session.config.checkpointKeep)
    }

    private func finish(_ status: RunStore.Status, message: String?) throws -> RunOutcome {
        try store.setStatus(status, runID: runID, step: step, message: message)
        return RunOutcome(runID: runID, name: session.config.name, status: status, step: step, totalSteps: session.totalSteps,
                          message: message, lastBatchLoss: lastBatchLoss,
                          parametersDigest: ParameterBytes.digest(session.parameters), store: store.url.path)
    }
}
