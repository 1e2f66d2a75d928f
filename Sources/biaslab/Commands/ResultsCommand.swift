import ArgumentParser
import Experiments
import Foundation

/// `biaslab results list|show|export`: read a results store.
struct ResultsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "results",
        abstract: "List, inspect and export the runs of a results store.",
        discussion: """
            Examples:
              biaslab results list --store runs.sqlite
              biaslab results show 3 --store runs.sqlite --json
              biaslab results export 3 --format csv --store runs.sqlite > run3.csv
              biaslab results merge shard-*.sqlite -o sweep.sqlite
            """,
        subcommands: [List.self, Show.self, Export.self, Merge.self])

    /// `--store PATH`, which must exist; opened read-only.
    struct StoreOptions: ParsableArguments {
        @Option(help: "The results store (SQLite).")
        var store = "runs.sqlite"

        func open() throws -> RunStore { try ResultsCommand.openReadOnly(store) }

        func run(_ id: Int64, in store: RunStore) throws -> RunStore.Run {
            guard let run = try store.run(id: id) else { throw UsageError("no run \(id) in \(self.store)") }
            return run
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "One line per run: id, name, status, step, start and end times.",
            discussion: """
                With --json: {"runs":[{"id":…,"name":…,"status":…,"step":…,"total_steps":…,…}]}.

                Examples:
                  biaslab results list --store runs.sqlite --json
                """)
        @OptionGroup var storeOptions: StoreOptions
        @OptionGroup var output: OutputOptions

        func run() throws {
            let runs = try storeOptions.open().runs()
            if output.json {
                struct Listing: Encodable { let runs: [RunStore.Run] }
                try JSONOutput.print(Listing(runs: runs.map(\.withoutConfig)))
                return
            }
            let header = ["id", "name", "status", "step", "started", "finished"]
            let rows = runs.map { r in
                ["\(r.id)", r.name, r.status.rawValue, "\(r.step)/\(r.totalSteps)", r.startedAt, r.finishedAt ?? "-"]
            }
            TextTable.lines([header] + rows).forEach { print($0) }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A run's record, config, last value of each metric and last checkpoint.",
            discussion: """
                With --json: {"run":{…},"config":{…},"metrics":{"NAME":{"count":…,"last_step":…,"last":…}},
                "checkpoint":{"step":…,"parameters_digest":…}}. The digest (FNV-1a of θ's float64 bytes)
                compares the final parameters of two runs.

                Examples:
                  biaslab results show 3 --store runs.sqlite --json
                """)
        @Argument(help: "The run id.") var runID: Int64
        @OptionGroup var storeOptions: StoreOptions
        @OptionGroup var output: OutputOptions

        func run() throws {
            let store = try storeOptions.open()
            let run = try storeOptions.run(runID, in: store)
            var metrics: [String: MetricSummary] = [:]
            for row in try store.metrics(runID: runID) {
                let count = (metrics[row.name]?.count ?? 0) + 1
                metrics[row.name] = MetricSummary(count: count, lastStep: row.step, last: row.value)
            }
            let checkpoint = try store.lastCheckpoint(runID: runID).map {
                CheckpointSummary(step: $0.step, parametersDigest: ParameterBytes.digest($0.parameters), dimension: $0.parameters.count)
            }
            let config = try? ConfigValue.parse(yaml: run.config, source: "the stored config")
            if try output.printJSON(ShowResult(run: run.withoutConfig, config: config, metrics: metrics, checkpoint: checkpoint)) { return }
            print("run \(run.id) \(run.name): \(run.status.rawValue) at step \(run.step)/\(run.totalSteps), seed \(run.seed), biaslab \(run.biaslabVersion)")
            print("started \(run.startedAt), finished \(run.finishedAt ?? "-")" + (run.message.map { "; \($0)" } ?? ""))
            if let checkpoint { print("last checkpoint: step \(checkpoint.step), d = \(checkpoint.dimension), parameters digest \(checkpoint.parametersDigest)") }
            for name in metrics.keys.sorted() {
                let m = metrics[name]!
                print("  \(name): \(m.last) at step \(m.lastStep) (\(m.count) values)")
            }
            print("config: \(run.config)")
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a run's metric rows (run_id, step, name, value) as CSV or JSON lines.",
            discussion: """
                Examples:
                  biaslab results export 3 --format jsonl --store runs.sqlite > run3.jsonl
                """)
        @Argument(help: "The run id.") var runID: Int64
        @Option(help: "csv or jsonl.") var format: String
        @OptionGroup var storeOptions: StoreOptions

        func run() throws {
            guard let format = MetricsExport.Format(rawValue: format) else {
                throw UsageError("--format must be csv or jsonl, got '\(format)'")
            }
            let store = try storeOptions.open()
            _ = try storeOptions.run(runID, in: store)
            print(MetricsExport.text(try store.metrics(runID: runID), runID: runID, format: format), terminator: "")
        }
    }
}

extension ResultsCommand {
    /// Opens an existing store read-only (a read-only file, folder or mount is fine): a missing file or
    /// one that is not a store is bad input (exit 2), a store that cannot be read a failure (exit 1).
    static func openReadOnly(_ path: String) throws -> RunStore {
        do { return try RunStore(url: URL(fileURLWithPath: path), mode: .readOnly) } catch let error as StoreError {
            throw UsageError("store \(error)")
        } catch {
            throw ComputationError("store \(path): cannot read: \(error)")
        }
    }

    struct Merge: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Merge results stores into one: runs with their metrics and checkpoints.",
            discussion: """
                Runs get new ids in OUT and keep their identity (uuid): a run OUT already holds is not \
                copied again, whatever its state, unless the input's copy is further along (finished since, \
                or at a later step), which replaces it. A run is also left out when OUT holds a finished \
                (completed or diverged) run with the same name and config — so the stores of a sharded sweep \
                merge into the store one unsharded sweep would have written, and merging twice changes \
                nothing. OUT may exist (its runs are kept); it is written to a temporary file in its folder \
                and renamed over OUT when complete, so a failed merge leaves OUT as it was. Inputs are \
                opened read-only. With --json: {"copied":…,"updated":…,"skipped":…,"output":…}.

                Examples:
                  biaslab results merge shard-*.sqlite -o sweep.sqlite
                  biaslab results merge shard-*.sqlite -o merged.sqlite --json
                """)
        @Argument(help: "The stores to merge.") var inputs: [String]
        @Option(name: [.short, .customLong("output")], help: "The merged store (created if needed).") var output: String
        @OptionGroup var format: OutputOptions

        func validate() throws {
            if inputs.isEmpty { throw ValidationError("give at least one store to merge") }
        }

        func run() throws {
            for input in inputs where !FileManager.default.fileExists(atPath: input) {
                throw UsageError("store \(input) does not exist (expected a results store written by biaslab run or sweep)")
            }
            let report: StoreMerge.Report
            do {
                report = try StoreMerge.merge(inputs.map { URL(fileURLWithPath: $0) }, into: URL(fileURLWithPath: output))
            } catch let error as StoreMerge.Failure {
                throw error.isBadInput ? UsageError("results merge: \(error)") as any Error : ComputationError("results merge: \(error)")
            }
            if format.json { try JSONOutput.print(report) } else {
                print("merged \(inputs.count) store(s) into \(report.output): \(report.copied) runs copied, \(report.updated) updated, "
                      + "\(report.skipped) already there or duplicates of finished runs")
            }
        }
    }
}

struct MetricSummary: Encodable {
    let count: Int
    let lastStep: Int
    let last: Double
}

struct CheckpointSummary: Encodable {
    let step: Int
    let parametersDigest: String
    let dimension: Int
}

struct ShowResult: Encodable {
    let run: RunStore.Run
    let config: ConfigValue?
    let metrics: [String: MetricSummary]
    let checkpoint: CheckpointSummary?
}

