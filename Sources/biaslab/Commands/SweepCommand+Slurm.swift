import ArgumentParser
import Experiments
import Foundation

extension SweepCommand.Run {
    /// `sweep S.yaml --slurm DIR`: DIR/sweep.yaml (the sweep made self-contained, ``SweepSnapshot``) and
    /// DIR/job.sbatch, whose task t runs `sweep run DIR/sweep.yaml [--set …] --shard t+1/N --store DIR/stores/task-t.sqlite`.
    func writeArray() throws {
        let (spec, points, _) = try sweepOptions.load()
        let directory = try slurmOptions.directory()
        let copy = directory.appendingPathComponent("sweep.yaml")
        let arguments = ["sweep", "run", copy.path] + sweepOptions.overrides.flatMap { ["--set", $0] }
            + (progressOptions.progressEvery.map { ["--progress-every", "\($0)"] } ?? [])
        let array = try slurmOptions.array(in: directory, jobName: "biaslab-\(spec.name)", points: points.count, arguments: arguments)
        do {
            try SweepSnapshot(contentsOf: URL(fileURLWithPath: sweepOptions.sweep), overrides: sweepOptions.overrides)
                .write(to: copy, overrides: sweepOptions.overrides)
        } catch let error as ConfigError {
            throw ComputationError("--slurm: \(error)")
        } catch { throw UsageError("--slurm \(directory.path): cannot write \(copy.lastPathComponent): \(error.localizedDescription)") }
        let status = "biaslab sweep status \(copy.path) --stores \(array.storesURL.path)"
            + sweepOptions.overrides.map { " --set \(SlurmArray.quoted($0))" }.joined()
        try slurmOptions.writeAndSubmit(array, points: points.count, statusCommand: status, json: output.json)
    }
}

extension SweepCommand {
    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Each point's state over a job array's stores: done, running, interrupted, failed or not started.",
            discussion: """
                Reads every *.sqlite file of --stores (a `--slurm` array's DIR/stores), or the one --store, \
                read-only. A point is done when a store holds its completed or diverged run, running while a \
                live process claims it, interrupted when its run stopped at a checkpoint (the task resumes it \
                when it runs again), failed when its latest run failed, and not started otherwise. Each line: \
                index, state, step/total, the store, the run name; then the count of each state.

                Examples:
                  biaslab sweep status examples/sweeps/tiny-betas.yaml --stores slurm-betas/stores
                  biaslab sweep status examples/sweeps/tiny-betas.yaml --set training.steps=20 --store sweep-short.sqlite --json
                """)
        @OptionGroup var sweepOptions: SweepOptions
        @Option(help: "A folder of stores (a job array's DIR/stores): every *.sqlite file in it.") var stores: String?
        @OptionGroup var output: OutputOptions

        func run() throws {
            let (_, points, store) = try sweepOptions.load()
            let urls: [URL]
            if let stores {
                do { urls = try SweepStatus.stores(in: URL(fileURLWithPath: stores)) } catch {
                    throw UsageError("--stores \(stores): not a readable folder")
                }
            } else {
                guard FileManager.default.fileExists(atPath: store.path) else {
                    throw UsageError("store \(store.path) does not exist (give --stores DIR/stores or --store)")
                }
                urls = [store]
            }
            let status: SweepStatus
            do { status = try SweepStatus(points: points, stores: urls) } catch { throw ComputationError("sweep status: \(error)") }
            if output.json { try JSONOutput.print(status) } else { print(status.table) }
        }
    }
}
