import Experiments
import Foundation
import Tensor

/// Runs this executable as up to `jobs` concurrent child processes, one per task, each with its share of
/// this process's threads (`BIASLAB_THREADS` = ``ExecutionPolicy/childThreads(jobs:)``) so the children
/// together keep the same cores busy as one process would. A child's stderr passes through; its stdout is
/// collected. After SIGINT/SIGTERM no further child starts and the running ones receive the signal once
/// (each ends its current work cleanly). Each child gets `BIASLAB_PARENT_PID` and so dies with this
/// process (``ParentDeath``), even when it is killed with SIGKILL. Used by `sweep --jobs` and `reproduce --jobs`.
/// A child is started from (and waited for on) one queue thread, which lives as long as the child — the
/// parent-death signal follows the thread that started the child.
enum ChildProcesses {
    /// One child to run: a label for the log and its arguments.
    struct Task: Sendable {
        let label: String
        let arguments: [String]
    }

    /// How a child ended: its exit status (nil when it could not start, with the reason) and its stdout.
    struct Ended: Sendable {
        let task: Task
        let exitStatus: Int32?
        let output: Data
        let failure: String?
    }

    static func run(_ tasks: [Task], jobs: Int, log: @escaping @Sendable (String) -> Void) -> [Ended] {
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var environment = ProcessInfo.processInfo.environment
        environment["BIASLAB_THREADS"] = "\(ExecutionPolicy.childThreads(jobs: jobs))"
        environment[ParentDeath.variable] = "\(getpid())"
        let queue = OperationQueue()
        queue.maxConcurrentOperationCount = max(1, jobs)
        let results = Collected()
        for (k, task) in tasks.enumerated() {
            let env = environment
            queue.addOperation {
                guard InterruptSignal.receivedSignal == nil else { return }
                log("\(task.label) started (biaslab \(task.arguments.prefix(3).joined(separator: " ")) …)")
                let ended = launch(executable, task, environment: env, registry: results)
                log("\(task.label): " + (ended.failure ?? "exit \(ended.exitStatus ?? -1)"))
                results.append(k, ended)
            }
        }
        var forwarded = false
        while queue.operationCount > 0 {
            if !forwarded, let signal = InterruptSignal.receivedSignal {
                for pid in results.running { kill(pid, signal) }
                forwarded = true
            }
            Thread.sleep(forTimeInterval: 0.1)
        }
        queue.waitUntilAllOperationsAreFinished()
        return results.all
    }

    private static func launch(_ executable: URL, _ task: Task, environment: [String: String], registry: Collected) -> Ended {
        let process = Process()
        process.executableURL = executable
        process.arguments = task.arguments
        process.environment = environment
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.standardError
        do { try process.run() } catch {
            return Ended(task: task, exitStatus: nil, output: Data(), failure: "cannot start \(executable.path): \(error)")
        }
        registry.started(process.processIdentifier)
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        registry.ended(process.processIdentifier)
        return Ended(task: task, exitStatus: process.terminationStatus, output: data, failure: nil)
    }

    /// Results in task order and running children's ids, updated from the queue's threads.
    final class Collected: @unchecked Sendable {
        private let lock = NSLock()
        private var items: [(Int, Ended)] = []
        private var pids: Set<Int32> = []
        func append(_ index: Int, _ ended: Ended) { lock.withLock { items.append((index, ended)) } }
        var all: [Ended] { lock.withLock { items.sorted { $0.0 < $1.0 }.map(\.1) } }
        func started(_ pid: Int32) { lock.withLock { _ = pids.insert(pid) } }
        func ended(_ pid: Int32) { lock.withLock { _ = pids.remove(pid) } }
        var running: [Int32] { lock.withLock { Array(pids) } }
    }
}
