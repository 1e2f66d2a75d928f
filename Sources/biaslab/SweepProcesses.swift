import Experiments
import Foundation
import Tensor

/// Runs the pending items of a sweep plan: in this process one after another when `jobs` is 1, or as
/// up to `jobs` concurrent `biaslab run` children (``ChildProcesses``; each point's config written to a
/// temporary JSON file, an interrupted run continued with `biaslab run --resume`). After SIGINT/SIGTERM no
/// further run starts.
enum SweepProcesses {
    /// How one pending point ended.
    struct Result: Encodable, Sendable {
        let index: Int
        let name: String
        /// completed, diverged, interrupted, or failed.
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
                guard let outcome = try item.execute(store: store, options: options) else { continue }
                progress.finish()
                results.append(Result(index: item.point.index, name: item.point.name, status: outcome.status.rawValue,
                                      runID: outcome.runID, message: outcome.message))
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
        for item in items {
            var arguments: [String]
            switch item.action {
            case .skip: continue
            case .resume(let id): arguments = ["run", "--resume", "\(id)"]
            case .start:
                let file = directory.appendingPathComponent("point-\(item.point.index).json")
                try Data(item.point.configJSON.utf8).write(to: file)
                arguments = ["run", file.path]
            }
            arguments += ["--store", store.path, "--json"] + (progressEvery.map { ["--progress-every", "\($0)"] } ?? [])
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
