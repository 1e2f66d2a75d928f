import ArgumentParser
import Experiments
import Foundation

/// `biaslab sweep SWEEP.yaml [--jobs N] [--shard i/n] [--store PATH] [--slurm DIR …]`, `sweep plan`, `sweep summary`, `sweep status`.
struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Run a grid or list of configs (a sweep file), restartably and shardable; summarize it.",
        discussion: """
            A sweep file names a base config (a path or an inline mapping) and a `grid` (the Cartesian \
            product of lists of values for config key paths, as in `biaslab run --set`) and/or a `list` \
            of points. Point k's run is named SWEEP/key=value,… and is identified in a store by that name \
            and its full config, so re-running a sweep skips finished runs (completed or diverged), \
            resumes interrupted ones and starts the rest. --shard i/n takes points k with k mod n = i − 1, \
            for Slurm job arrays or any scheduler; merge the shards' stores with `biaslab results merge`.

              name: adam-betas
              base: ../tiny-synthetic.yaml
              grid:
                optimizer.beta1: [0.0, 0.9]
                optimizer.beta2: [0.9, 0.999]
                training.batch_size: [8, 32]
              summary: {metric: min:test_loss, goal: min, group_by: [training.batch_size]}

            Examples:
              biaslab sweep examples/sweeps/tiny-betas.yaml --jobs 2 --store sweep.sqlite
              biaslab sweep plan examples/sweeps/tiny-betas.yaml --store sweep.sqlite
              biaslab sweep examples/sweeps/tiny-betas.yaml --shard $((SLURM_ARRAY_TASK_ID + 1))/$SLURM_ARRAY_TASK_COUNT --store shard-$SLURM_ARRAY_TASK_ID.sqlite
              biaslab sweep summary examples/sweeps/tiny-betas.yaml --store sweep.sqlite --json
              biaslab report examples/sweeps/tiny-betas.yaml --store sweep.sqlite -o sweep.html
              biaslab sweep examples/sweeps/tiny-betas.yaml --slurm slurm-betas --points-per-task 4 --time 30
              biaslab sweep status examples/sweeps/tiny-betas.yaml --stores slurm-betas/stores
            """,
        subcommands: [Run.self, Plan.self, Summary.self, Status.self],
        defaultSubcommand: Run.self)

    /// `--shard i/n`, or the whole sweep.
    static func shard(_ text: String?) throws -> SweepShard {
        guard let text else { return .all }
        do { return try SweepShard(parsing: text) } catch { throw UsageError(error.description) }
    }

    /// The sweep file, `--set` overrides of its base config, and `--store`.
    struct SweepOptions: ParsableArguments {
        @Argument(help: "The sweep file (.yaml).")
        var sweep: String

        @Option(name: .customLong("set"), help: "Override a key of the base config: key.path=value (repeatable).")
        var overrides: [String] = []

        @Option(help: "The results store (default: the base config's `store`, or runs.sqlite).")
        var store: String?

        /// The parsed sweep, its validated points, and the store's URL.
        func load() throws -> (SweepSpec, [SweepPoint], URL) {
            do {
                let spec = try SweepSpec.load(contentsOf: URL(fileURLWithPath: sweep), overrides: overrides)
                let points = try spec.points()
                let path = store ?? points.first?.config.store ?? "runs.sqlite"
                return (spec, points, URL(fileURLWithPath: path))
            } catch {
                throw UsageError(error.path.isEmpty ? "\(sweep): \(error.problem)" : "\(sweep): \(error)")
            }
        }
    }

    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the sweep's pending points (the default subcommand), then print its summary.",
            discussion: """
                Each point is claimed in the store before it runs, so sweeps started together on one store \
                share the points: a point another live process runs is left to it (reported as `claimed`), \
                and a point whose process died is resumed from its checkpoint. Exit status: 0 when every \
                point has a result (completed or diverged) or is claimed by another process, 1 when a run \
                failed, 128 + signal after SIGINT/SIGTERM (running points are checkpointed; run the sweep \
                again to resume). Killing the sweep (even with SIGKILL) stops its --jobs children, which \
                checkpoint their runs.

                --slurm DIR runs nothing: it writes a Slurm job array (README § Running on a cluster). Task t \
                of N = ⌈points / --points-per-task⌉ runs shard t+1/N into DIR/stores/task-t.sqlite with \
                BIASLAB_THREADS = SLURM_CPUS_PER_TASK; DIR/sweep.yaml is the sweep copied self-contained. On \
                the --signal warning before the --time limit a task checkpoints its running point (and with \
                --requeue requeues itself; the requeued task resumes it bit for bit). --submit runs sbatch.

                Examples:
                  biaslab sweep run examples/sweeps/tiny-betas.yaml --jobs 2 --store sweep.sqlite
                  biaslab sweep run examples/sweeps/tiny-betas.yaml --set training.steps=20 --shard 1/2 --store sweep-short.sqlite --progress-every 10 --json
                  biaslab sweep run examples/sweeps/tiny-betas.yaml --slurm slurm-betas --points-per-task 4 --partition cpu --time 1:00:00 --cpus-per-task 2 --mem 4G --array-parallelism 8 --requeue --signal B:USR1@300
                  biaslab sweep run examples/sweeps/tiny-betas.yaml --slurm slurm-betas --sbatch-line "--account=lab" --binary dist/biaslab --submit
                """)
        @OptionGroup var sweepOptions: SweepOptions
        @Option(help: "Concurrent runs: 1 runs in this process; N > 1 spawns up to N `biaslab run` processes.")
        var jobs = 1
        @Option(help: "Run only shard i of n (1 ≤ i ≤ n): the points k with k mod n = i − 1.")
        var shard: String?
        @OptionGroup var progressOptions: ProgressOptions
        @OptionGroup var slurmOptions: SlurmOptions
        @OptionGroup var output: OutputOptions

        func validate() throws {
            if jobs < 1 { throw ValidationError("--jobs must be at least 1, got \(jobs)") }
            if slurmOptions.isRequested, shard != nil { throw ValidationError("--slurm makes its own shards (one per task); drop --shard") }
            if slurmOptions.isRequested, jobs != 1 { throw ValidationError("--slurm runs one point at a time per task; drop --jobs (use --cpus-per-task)") }
        }

        func run() throws {
            if slurmOptions.isRequested { return try writeArray() }
            let (spec, points, store) = try sweepOptions.load()
            let part = try SweepCommand.shard(shard)
            let plan = try SweepPlan(points: part.select(points), store: store)
            SweepProcesses.log("sweep \(spec.name): \(points.count) points; shard \(part): \(plan.items.count), "
                               + "\(plan.skippedCount) already finished, \(plan.busyCount) claimed by other processes, "
                               + "\(plan.pending.count) to run; store \(store.path)")
            InterruptSignal.install()
            do { _ = try RunStore(url: store) } catch let error as StoreError {  // create the store (and its WAL mode) before any child opens it
                throw UsageError("--store: \(error)")
            }
            let results = try SweepProcesses.run(plan.pending, jobs: jobs, store: store, progressEvery: progressOptions.progressEvery)
            let summary = try SweepSummary(spec: spec, points: part.select(points), store: RunStore(url: store, mode: .readOnly))
            if output.json {
                struct Output: Encodable { let shard: String; let skipped: Int; let ran: [SweepProcesses.Result]; let summary: SweepSummary }
                try JSONOutput.print(Output(shard: part.description, skipped: plan.skippedCount, ran: results, summary: summary))
            } else {
                print(summary.table)
            }
            if let signal = InterruptSignal.receivedSignal { throw ExitCode(128 + signal) }
            let failed = results.filter { $0.status == "failed" || $0.status == "interrupted" }
            if let first = failed.first {
                throw ComputationError("\(failed.count) of \(results.count) runs did not finish; first: \(first.name): \(first.message ?? first.status)")
            }
        }
    }

    struct Plan: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the sweep's points in order: index, run name, and what a run of the sweep would do.",
            discussion: """
                Examples:
                  biaslab sweep plan examples/sweeps/tiny-betas.yaml --shard 2/3 --store sweep.sqlite --json
                  biaslab sweep plan examples/sweeps/tiny-betas.yaml --set training.steps=20 --store sweep-short.sqlite --json
                """)
        @OptionGroup var sweepOptions: SweepOptions
        @Option(help: "Only shard i of n.") var shard: String?
        @OptionGroup var output: OutputOptions

        func run() throws {
            let (_, points, store) = try sweepOptions.load()
            let part = try SweepCommand.shard(shard)
            let plan = try SweepPlan(points: part.select(points), store: store)
            struct Entry: Encodable { let index: Int; let name: String; let action: String; let runID: Int64? }
            let entries = plan.items.map { item -> Entry in
                switch item.action {
                case .skip(let id): Entry(index: item.point.index, name: item.point.name, action: "skip", runID: id)
                case .resume(let id): Entry(index: item.point.index, name: item.point.name, action: "resume", runID: id)
                case .busy(let id, _): Entry(index: item.point.index, name: item.point.name, action: "busy", runID: id)
                case .start: Entry(index: item.point.index, name: item.point.name, action: "start", runID: nil)
                }
            }
            if output.json {
                struct Output: Encodable { let shard: String; let points: [Entry] }
                try JSONOutput.print(Output(shard: part.description, points: entries))
            } else {
                for e in entries { print("\(e.index)\t\(e.action)\(e.runID.map { " (run \($0))" } ?? "")\t\(e.name)") }
            }
        }
    }

    struct Summary: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The sweep's results: one row per point, one per cell (seeds averaged), and the best cell of each group.",
            discussion: """
                The objective is summary.metric of the sweep file (AGG:METRIC, AGG = final | min | max, or METRIC \
                for final:METRIC; default min:test_loss when runs have a test loss, else final:train_loss). A cell \
                is the points that differ only in seed: its objective is averaged over the seeds, with the \
                standard error s/√n, min and max. The best cell of each summary.group_by group has the least \
                (summary.goal: min, the default) or greatest (goal: max) mean among cells whose every seed completed.

                Examples:
                  biaslab sweep summary examples/sweeps/tiny-betas.yaml --store sweep.sqlite --json
                  biaslab sweep summary examples/sweeps/tiny-betas.yaml --set training.steps=20 --store sweep-short.sqlite
                """)
        @OptionGroup var sweepOptions: SweepOptions
        @OptionGroup var output: OutputOptions

        func run() throws {
            let (spec, points, store) = try sweepOptions.load()
            guard FileManager.default.fileExists(atPath: store.path) else {
                throw UsageError("store \(store.path) does not exist (run the sweep first, or give --store)")
            }
            let summary = try SweepSummary(spec: spec, points: points, store: ResultsCommand.openReadOnly(store.path))
            if output.json { try JSONOutput.print(summary) } else { print(summary.table) }
        }
    }
}
