import ArgumentParser
import Experiments
import Foundation

/// `biaslab run CONFIG.yaml [--set key=value …] [--store PATH] [--json]` and `biaslab run --resume RUN_ID`.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Train with probes from a YAML/JSON config and record everything in a results store.",
        discussion: """
            The config names the model, data, loss, optimizer, training length, stop conditions, seed and \
            probes (see examples/). --set edits a key before validation. SIGINT or SIGTERM checkpoints at \
            the next step and ends the run as interrupted (exit 128 + signal); --resume continues it to a \
            result bit-identical to an uninterrupted run. A diverged run is recorded and exits 1. A run \
            is claimed by the process working on it (pid, host, heartbeat every 10 s): --resume of a run \
            another live process works on exits 2 naming it; a claim whose heartbeat is older than 60 s, \
            or whose process on this host is gone, is taken over. --sweep-point runs CONFIG as a sweep \
            does: the store's finished run of the same name and config, or one another process works \
            on, is left alone (printed with status `finished` or `claimed`, exit 0), an interrupted or \
            abandoned one is resumed, and only a point with no run starts a new one.

            Probes: \(ProbeRegistry.standard.ordered.map { $0.name }.joined(separator: ", ")); 'biaslab probes' \
            lists their options (defaults) and the metrics they record (formulas). Every config key, its \
            accepted values and default: docs/CONFIG.md ('biaslab config-reference').

            Examples:
              biaslab run examples/tiny-synthetic.yaml --store runs.sqlite
              biaslab run examples/tiny-synthetic.yaml --store runs.sqlite --sweep-point --json
              biaslab run examples/gd-eos-fashion.yaml --set optimizer.lr=0.05 --progress-every 10
              biaslab run --resume 3 --store runs.sqlite --json
            """)

    @Argument(help: "The run config (.yaml, .yml or .json).")
    var config: String?

    @Option(name: .customLong("set"), help: "Override a config key before validation: key.path=value (repeatable).")
    var overrides: [String] = []

    @Option(help: "Continue this run from its last checkpoint.")
    var resume: Int64?

    @Flag(help: "Run CONFIG as a sweep point: skip it when the store has its result or another process runs it; resume its interrupted run.")
    var sweepPoint = false

    @Option(help: "The results store (SQLite); default: the config's `store`, or runs.sqlite.")
    var store: String?

    @OptionGroup var progressOptions: ProgressOptions

    @OptionGroup var output: OutputOptions

    func validate() throws {
        switch (config, resume) {
        case (nil, nil): throw ValidationError("give a CONFIG file, or --resume RUN_ID")
        case (_?, _?): throw ValidationError("give either a CONFIG file or --resume RUN_ID, not both")
        default: break
        }
        if resume != nil, !overrides.isEmpty { throw ValidationError("--set cannot change a run being resumed") }
        if resume != nil, sweepPoint { throw ValidationError("--sweep-point takes a CONFIG, not --resume") }
    }

    func run() throws {
        InterruptSignal.install()
        let progress = ProgressLine(every: progressOptions.progressEvery)
        let options = RunOptions(softwareVersion: BiasLabVersion.string, progress: { progress.show($0) },
                                 shouldStop: { _ in InterruptSignal.receivedSignal != nil })
        let outcome: RunOutcome
        do {
            if let resume {
                outcome = try Runner.resume(runID: resume, store: URL(fileURLWithPath: store ?? "runs.sqlite"), options: options)
            } else {
                let path = config!
                let parsed: RunConfig
                do {
                    parsed = try RunConfig.load(contentsOf: URL(fileURLWithPath: path), overrides: overrides)
                } catch let error as ConfigError {
                    throw UsageError(error.path.isEmpty ? error.problem : "\(path): \(error)")
                }
                let url = URL(fileURLWithPath: store ?? parsed.store)
                if sweepPoint {
                    switch try Runner.runPoint(parsed, store: url, options: options) {
                    case .ran(let ran): outcome = ran
                    case .finished(let run): return try report(skipped: run, status: "finished", message: "run \(run.id) has its result (\(run.status.rawValue))")
                    case .claimed(let run, let owner): return try report(skipped: run, status: "claimed", message: "run \(run.id) is being worked on by \(owner)")
                    }
                } else {
                    outcome = try Runner.start(parsed, store: url, options: options)
                }
            }
        } catch let error as ConfigError {
            progress.finish()
            throw UsageError(error.description)
        } catch let error as StoreError {
            progress.finish()
            throw UsageError("--store: \(error)")
        } catch let error as RunClaimError {
            progress.finish()
            if case .lost = error { throw ComputationError(error.description) }
            throw UsageError(error.description)
        } catch let error as UsageError {
            progress.finish()
            throw error
        } catch {
            progress.finish()
            throw ComputationError("run failed: \(error)")
        }
        progress.finish()
        if output.json {
            try JSONOutput.print(outcome)
        } else {
            let summary = outcome.message ?? "\(outcome.status.rawValue) at step \(outcome.step)/\(outcome.totalSteps)"
            print("run \(outcome.runID) (\(outcome.name)): \(outcome.status.rawValue); \(summary)"
                  + (outcome.lastBatchLoss.map { "; last batch loss \($0)" } ?? "") + "; store \(outcome.store)")
        }
        switch outcome.status {
        case .diverged: throw ComputationError("run \(outcome.runID) \(outcome.message ?? "diverged")")
        case .interrupted: throw ExitCode(128 + (InterruptSignal.receivedSignal ?? SIGINT))
        default: break
        }
    }

    /// A sweep point left alone (`--sweep-point`): `{"status": "finished" | "claimed", "run_id": …, "message": …}` with --json.
    private func report(skipped run: RunStore.Run, status: String, message: String) throws {
        if output.json {
            struct Skipped: Encodable { let status: String; let runID: Int64; let name: String; let message: String }
            try JSONOutput.print(Skipped(status: status, runID: run.id, name: run.name, message: message))
        } else {
            print("\(run.name): \(message); left alone")
        }
    }
}
