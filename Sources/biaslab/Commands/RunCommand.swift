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
            result bit-identical to an uninterrupted run. A diverged run is recorded and exits 1.

            Probes: \(ProbeRegistry.standard.ordered.map { $0.name }.joined(separator: ", ")); 'biaslab probes' \
            lists their options (defaults) and the metrics they record (formulas). Every config key, its \
            accepted values and default: docs/CONFIG.md ('biaslab config-reference').

            Examples:
              biaslab run examples/tiny-synthetic.yaml --store runs.sqlite
              biaslab run examples/gd-eos-fashion.yaml --set optimizer.lr=0.05 --progress-every 10
              biaslab run --resume 3 --store runs.sqlite --json
            """)

    @Argument(help: "The run config (.yaml, .yml or .json).")
    var config: String?

    @Option(name: .customLong("set"), help: "Override a config key before validation: key.path=value (repeatable).")
    var overrides: [String] = []

    @Option(help: "Continue this run from its last checkpoint.")
    var resume: Int64?

    @Option(help: "The results store (SQLite); default: the config's `store`, or runs.sqlite.")
    var store: String?

    @Option(help: "Without a terminal, print a progress line every N steps (default: about every 2 s).")
    var progressEvery: Int?

    @OptionGroup var output: OutputOptions

    func validate() throws {
        switch (config, resume) {
        case (nil, nil): throw ValidationError("give a CONFIG file, or --resume RUN_ID")
        case (_?, _?): throw ValidationError("give either a CONFIG file or --resume RUN_ID, not both")
        default: break
        }
        if resume != nil, !overrides.isEmpty { throw ValidationError("--set cannot change a run being resumed") }
        if let n = progressEvery, n < 1 { throw ValidationError("--progress-every must be at least 1, got \(n)") }
    }

    func run() throws {
        InterruptSignal.install()
        let progress = ProgressLine(every: progressEvery)
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
                outcome = try Runner.start(parsed, store: URL(fileURLWithPath: store ?? parsed.store), options: options)
            }
        } catch let error as ConfigError {
            progress.finish()
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
}
