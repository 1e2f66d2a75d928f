import Experiments
import Foundation
import Tensor

/// Runs the pending items of a sweep plan: in this process one after another when `jobs` is 1, or as
/// up to `jobs` concurrent `biaslab run` subprocesses of this executable (each point's config written
/// to a temporary JSON file; an interrupted run continued with `biaslab run --resume`). With several
/// jobs each child gets OPENBLAS_NUM_THREADS = max(1, cores ÷ jobs) unless the variable is set, so the
/// processes do not oversubscribe the cores. After SIGINT/SIGTERM no further run starts.
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
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("biaslab-sweep-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        // Each child gets its share of this process's threads (ExecutionPolicy), so `jobs` children
        // together keep the same cores busy as one run would, not `jobs` times as many.
        var environment = ProcessInfo.processInfo.environment
        environment["BIASLAB_THREADS"] = "\(ExecutionPolicy.childThreads(jobs: jobs))"
        let queue = OperationQueue()
        queue.maxConcurrentOperationCount = jobs
        let results = Collected()
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
            let point = item.point
            let env = environment, args = arguments
            queue.addOperation {
                guard InterruptSignal.receivedSignal == nil else { return }
                log("sweep: point \(point.index) \(point.name) started (biaslab \(args.prefix(3).joined(separator: " ")) …)")
                let result = launch(executable, args, environment: env, point: point, registry: results)
                log("sweep: point \(point.index) \(point.name): \(result.status)")
                results.append(result)
            }
        }
        // Wait, forwarding SIGINT/SIGTERM to the running children once (each checkpoints and ends as interrupted).
        var forwarded = false
        while queue.operationCount > 0 {
            if !forwarded, let signal = InterruptSignal.receivedSignal {
                for pid in results.running { kill(pid, signal) }
                forwarded = true
            }
            Thread.sleep(forTimeInterval: 0.1)
        }
        queue.waitUntilAllOperationsAreFinished()
        return results.all.sorted { $0.index < $1.index }
    }

    /// Runs one child to completion; its stderr (progress) passes through, its stdout is the run's JSON outcome.
    private static func launch(_ executable: URL, _ arguments: [String], environment: [String: String], point: SweepPoint,
                               registry: Collected) -> Result {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = environment
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.standardError
        do { try process.run() } catch {
            return Result(index: point.index, name: point.name, status: "failed", runID: nil, message: "cannot start \(executable.path): \(error)")
        }
        registry.started(process.processIdentifier)
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        registry.ended(process.processIdentifier)
        let json = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
        guard let status = json?["status"] as? String else {
            return Result(index: point.index, name: point.name, status: "failed", runID: nil,
                          message: "biaslab run exited with status \(process.terminationStatus)")
        }
        return Result(index: point.index, name: point.name, status: status, runID: (json?["run_id"] as? NSNumber)?.int64Value,
                      message: json?["message"] as? String)
    }

    /// Results and running children's ids, updated from the queue's threads.
    final class Collected: @unchecked Sendable {
        private let lock = NSLock()
        private var items: [Result] = []
        private var pids: Set<Int32> = []
        func append(_ result: Result) { lock.withLock { items.append(result) } }
        var all: [Result] { lock.withLock { items } }
        func started(_ pid: Int32) { lock.withLock { _ = pids.insert(pid) } }
        func ended(_ pid: Int32) { lock.withLock { _ = pids.remove(pid) } }
        var running: [Int32] { lock.withLock { Array(pids) } }
    }

    static func log(_ line: String) { FileHandle.standardError.write(Data((line + "\n").utf8)) }
}

extension SweepPlan.Item {
    var isResume: Bool { if case .resume = action { true } else { false } }
}
