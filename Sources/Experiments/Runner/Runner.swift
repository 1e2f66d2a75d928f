import DataIO
import Foundation
import NN
import Optim
import Tensor

/// How a run is driven: the version recorded with it, a progress callback, and the stop check.
public struct RunOptions {
    /// Recorded in `runs.biaslab_version`.
    public var softwareVersion: String
    /// Called after every update.
    public var progress: ((RunProgress) -> Void)?
    /// Checked at every step boundary with the number of updates applied; true ⇒ checkpoint there
    /// and end the run as `interrupted` (the CLI wires it to SIGINT/SIGTERM, see ``InterruptSignal``).
    public var shouldStop: (Int) -> Bool
    public var registry: ProbeRegistry

    public init(softwareVersion: String, progress: ((RunProgress) -> Void)? = nil,
                shouldStop: @escaping (Int) -> Bool = { _ in false }, registry: ProbeRegistry = .standard) {
        self.softwareVersion = softwareVersion
        self.progress = progress
        self.shouldStop = shouldStop
        self.registry = registry
    }
}

/// A progress report after an update.
public struct RunProgress: Sendable {
    public let runID: Int64
    /// Updates applied so far, and in total.
    public let step: Int
    public let totalSteps: Int
    /// The batch loss of the last update.
    public let batchLoss: Double
    /// The last λ_max (or λ_max(P⁻¹H)) measured, if a sharpness probe runs.
    public let lambdaMax: Double?
    /// Seconds since this session started, and the updates it applied (for an ETA).
    public let elapsed: Double
    public let sessionSteps: Int

    /// Seconds left at this session's pace.
    public var estimatedSecondsLeft: Double {
        sessionSteps > 0 ? elapsed / Double(sessionSteps) * Double(totalSteps - step) : .nan
    }
}

/// How a run ended.
public struct RunOutcome: Codable, Sendable, Equatable {
    public let runID: Int64
    public let name: String
    public let status: RunStore.Status
    /// Updates applied.
    public let step: Int
    public let totalSteps: Int
    public let message: String?
    /// The last batch loss seen.
    public let lastBatchLoss: Double?
    /// ``ParameterBytes/digest(_:)`` of the final θ.
    public let parametersDigest: String
    public let store: String
}

/// Instrumented training on a flat θ: per step t = 0, 1, …, T−1
/// ```
/// B_t      = sampler.next()            (all N samples for full batch)
/// ℓ, g     = L_{B_t}(θ_t), ∇L_{B_t}(θ_t)   → metric batch_loss at step t
/// diverged if ℓ or g is NaN/±∞, or ℓ > divergence_factor · ℓ₀
/// probes due at t (t mod P = 0, P the probe's period: ``ProbeCadence``) measure at θ_t → their metrics at step t
/// stop if a train probe reached train_loss_below / train_accuracy_above
/// θ_{t+1}  = optimizer step(θ_t, g)
/// ```
/// and after the last update every probe measures θ_T (metrics at step T). A checkpoint (θ_t and all
/// states after t updates, before step t's probes) is written every `checkpoint_every` updates, at
/// an interrupt, and at the end, so ``resume(runID:store:options:)`` continues bit-identically.
public enum Runner {
    /// Builds everything from `config` (throwing ``ConfigError`` before touching the store), then
    /// creates a run in the store at `store`, claimed by this process, and trains.
    public static func start(_ config: RunConfig, store url: URL, options: RunOptions) throws -> RunOutcome {
        let session = try RunSession(config: config, registry: options.registry)
        let store = try RunStore(url: url)
        let id = try store.createRun(name: config.name, configJSON: config.document.jsonString, seed: config.seed,
                                     totalSteps: session.totalSteps, version: options.softwareVersion)
        var loop = TrainingLoop(session: session, store: store, runID: id, step: 0, initialLoss: nil)
        return try loop.run(options: options)
    }

    /// How running a sweep point ended.
    public enum PointOutcome: Sendable {
        /// The point was run here: started, or continued from its interrupted or abandoned run.
        case ran(RunOutcome)
        /// The store already holds the point's result.
        case finished(RunStore.Run)
        /// Another live process works on the point; it was left alone.
        case claimed(RunStore.Run, RunClaim)
    }

    /// Runs `config` as a sweep point (identified by its name and config JSON): claims it atomically
    /// (``RunStore/claimPoint(name:configJSON:seed:totalSteps:version:)``), then starts it, continues its
    /// interrupted run (or a `running` one whose owner died) from its last checkpoint, or does nothing
    /// when it has a result or a live owner. Two processes running one point never both train it.
    public static func runPoint(_ config: RunConfig, store url: URL, options: RunOptions) throws -> PointOutcome {
        var session = try RunSession(config: config, registry: options.registry)
        let store = try RunStore(url: url)
        switch try store.claimPoint(name: config.name, configJSON: config.document.jsonString, seed: config.seed,
                                    totalSteps: session.totalSteps, version: options.softwareVersion) {
        case .created(let id):
            var loop = TrainingLoop(session: session, store: store, runID: id, step: 0, initialLoss: nil)
            return .ran(try loop.run(options: options))
        case .resumable(let run):
            return .ran(try continueRun(run.id, session: &session, store: store, options: options))
        case .finished(let run):
            return .finished(run)
        case .busy(let run, let owner):
            return .claimed(run, owner)
        }
    }

    /// Continues run `runID` from its last checkpoint (or from scratch if it has none). Metric rows
    /// at or after the checkpoint's step are discarded first, so the result equals an uninterrupted run.
    /// The run is claimed first: a run another live process works on throws
    /// ``RunClaimError/busy(runID:owner:secondsSinceHeartbeat:)`` and is left alone.
    public static func resume(runID: Int64, store url: URL, options: RunOptions) throws -> RunOutcome {
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw ConfigError(path: "", "store \(url.path) does not exist")
        }
        let store = try RunStore(url: url)
        guard let stored = try store.run(id: runID) else { throw ConfigError(path: "", RunClaimError.noRun(runID: runID, store: url.path).description) }
        let document = try ConfigValue.parse(yaml: stored.config, source: "the config stored with run \(runID)")
        var session = try RunSession(config: try RunConfig(document: document, registry: options.registry), registry: options.registry)
        do { try store.claimRun(id: runID) } catch let error as RunClaimError {
            switch error {
            case .noRun, .ended: throw ConfigError(path: "", error.description)
            case .busy, .lost: throw error
            }
        }
        return try continueRun(runID, session: &session, store: store, options: options)
    }

    /// Restores `session` from the run's last checkpoint and trains on (the run is claimed by this process).
    private static func continueRun(_ runID: Int64, session: inout RunSession, store: RunStore, options: RunOptions) throws -> RunOutcome {
        var step = 0, initialLoss: Double? = nil
        if let checkpoint = try store.lastCheckpoint(runID: runID) {
            step = checkpoint.step
            initialLoss = checkpoint.initialLoss
            session.parameters = checkpoint.parameters
            try session.optimizer.restoreState(checkpoint.optimizerState)
            if let saved = checkpoint.samplerState, let s = session.sampler {
                session.sampler = try BatchSampler(count: s.count, batchSize: s.batchSize, scheme: s.scheme, lastBatch: s.lastBatch, state: saved)
            }
            for (index, data) in checkpoint.probeStates where session.probes.indices.contains(index) {
                try session.probes[index].restoreState(from: data)
            }
        }
        try store.discardMetrics(runID: runID, fromStep: step)
        try store.setStatus(.running, runID: runID, step: step)
        var loop = TrainingLoop(session: session, store: store, runID: runID, step: step, initialLoss: initialLoss)
        return try loop.run(options: options)
    }
}
