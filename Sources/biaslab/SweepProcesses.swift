import Experiments
import Foundation
import Tensor

/// Runs the pending items of a sweep plan: in this process one after another when `jobs` is 1, or as
/// up to `jobs` concurrent `biaslab run` children (``ChildProcesses``; each point's config written to a
/// temporary JSON file and run with `biaslab run --sweep-point`, which claims the point atomically — it
/// starts it, resumes its interrupted or abandoned run, or leaves it to the process that has it). After
/// SIGINT/SIGTERM no further run starts.
enum SweepProcesses {
    /// How one pending point ended.
    struct Result: Encodable, Sendable {
        let index: Int
        let name: String
        /// completed, diverged, interrupted, or failed; finished (the store had its result by the time it
        /// was claimed) or claimed (another live process runs it).
        let status: String
        let runID: Int64?
        let message: String?
    }

    static func run(_ items: [SweepPlan.Item], jobs: Int, store: URL, progressEvery: Int?) throws -> [Result] {
        jobs <= 1 ? try inProcess(items, store: store, progressEvery: progressEvery) : try subprocesses(items, jobs: jobs, store: store, progressEvery: progressEvery)
    }

    private static func inProcess(_ items: [SweepPlan.Item], store: URL, progressEvery: Int?) throws -> [Result] {
        var results: [Result] = []
        for item in items {
            guard InterruptSignal.receivedSignal == nil else { break }
            let progress = ProgressLine(every: progressEvery)
            let options = RunOptions(softwareVersion: BiasLabVersion.string, progress: { progress.show($0) },
                                     shouldStop: { _ in InterruptSignal.receivedSignal != nil })
            log("sweep: point \(item.point.index) \(item.point.name)" + (item.isResume ? " (resuming)" : ""))
            do {
                let outcome = try Runner.runPoint(item.point.config, store: store, options: options)
                progress.finish()
                switch outcome {
                case .ran(let o):
                    results.append(Result(index: item.point.index, name: item.point.name, status: o.status.rawValue, runID: o.runID, message: o.message))
                case .finished(let run):
                    results.append(Result(index: item.point.index, name: item.point.name, status: "finished", runID: run.id, message: nil))
                case .claimed(let run, let owner):
                    log("sweep: point \(item.point.index) is being run by \(owner); left to it")
                    results.append(Result(index: item.point.index, name: item.point.name, status: "claimed", runID: run.id,
                                          message: "worked on by \(owner)"))
                }
            } catch let error as ConfigError {
                progress.finish()
                throw UsageError("\(item.point.name): \(error)")
            } catch {
                progress.finish()
                results.append(Result(index: item.point.index, name: item.point.name, status: "failed", runID: nil, message: "\(error)"))
            }
        }
        return results
    }

    private static func subprocesses(_ items: [SweepPlan.Item], jobs: Int, store: URL, progressEvery: Int?) throws -> [Result] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("biaslab-sweep-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var tasks: [ChildProcesses.Task] = [], points: [SweepPoint] = []
        for item in items where item.isPending {
            let file = directory.appendingPathComponent("point-\(item.point.index).json")
            try Data(item.point.configJSON.utf8).write(to: file)
            let arguments = ["run", file.path, "--sweep-point", "--store", store.path, "--json"]
                + (progressEvery.map { ["--progress-every", "\($0)"] } ?? [])
            tasks.append(ChildProcesses.Task(label: "sweep: point \(item.point.index) \(item.point.name)", arguments: arguments))
            points.append(item.point)
        }
        let ended = ChildProcesses.run(tasks, jobs: jobs, log: { log($0) })
        let byLabel = Dictionary(uniqueKeysWithValues: zip(tasks.map(\.label), points))
        return ended.map { e in
            let point = byLabel[e.task.label]!
            let json = (try? JSONSerialization.jsonObject(with: e.output)) as? [String: Any]
            guard let status = json?["status"] as? String else {
                return Result(index: point.index, name: point.name, status: "failed", runID: nil,
                              message: e.failure ?? "biaslab run exited with status \(e.exitStatus ?? -1)")
            }
            return Result(index: point.index, name: point.name, status: status, runID: (json?["run_id"] as? NSNumber)?.int64Value,
                          message: json?["message"] as? String)
        }.sorted { $0.index < $1.index }
    }

    static func log(_ line: String) { StandardStreams.error(line + "\n") }
}

extension SweepPlan.Item {
    var isResume: Bool { if case .resume = action { true } else { false } }
}
