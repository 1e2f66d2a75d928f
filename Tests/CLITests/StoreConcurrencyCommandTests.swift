import BiasLabTestSupport
import Foundation
import Testing

/// Several processes on one store: two sweeps run each point once, a second resume of a live run exits 2,
/// a SIGKILLed `sweep --jobs 2` leaves no orphans and its restart resumes the interrupted points.
@Suite(.serialized) struct StoreConcurrencyCommandTests {
    /// A sweep of four points of `steps` full-batch steps each on a tiny problem.
    static func sweep(steps: Int, in dir: URL) throws -> String {
        let file = dir.appendingPathComponent("s.yaml")
        try """
            name: race
            base:
              model: mlp:2-3-2:tanh
              data: gaussian-mixture:n=16,d=2,classes=2,seed=1
              optimizer: {name: sgd, lr: 0.01}
              training: {steps: \(steps), batch_size: full, checkpoint_every: 50}
              probes: [{name: train, every: 100}]
            grid:
              optimizer.lr: [0.01, 0.02]
              seed: [0, 1]
            """.write(to: file, atomically: true, encoding: .utf8)
        return file.path
    }

    /// The store's runs (`results list --json`).
    static func runs(_ store: String) throws -> [[String: Any]] {
        guard FileManager.default.fileExists(atPath: store) else { return [] }
        return (try CLIRunner.run(["results", "list", "--store", store, "--json"]).json?["runs"] as? [[String: Any]]) ?? []
    }

    /// Polls (every 0.2 s, up to 60 s) until `condition` holds of the store's runs.
    static func wait(for store: String, _ condition: ([[String: Any]]) -> Bool) throws -> [[String: Any]] {
        for _ in 0..<300 {
            let runs = try Self.runs(store)
            if condition(runs) { return runs }
            Thread.sleep(forTimeInterval: 0.2)
        }
        Issue.record("timed out waiting on \(store): \(try Self.runs(store))")
        return try Self.runs(store)
    }

    /// The pids of processes (other than this one) whose command line mentions `text`.
    static func processes(mentioning text: String) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { Int32($0) }.filter { pid in
            guard pid != getpid(), let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
            return String(decoding: data.map { $0 == 0 ? 32 : $0 }, as: UTF8.self).contains(text)
        }
    }

    /// Oracle: each point exactly one run, completed — two sweeps started together share the points.
    @Test func twoSweepsOnOneStoreRunEachPointOnce() throws {
        let dir = try CLIRunner.temporaryDirectory()
        let sweep = try Self.sweep(steps: 200, in: dir)
        let store = dir.appendingPathComponent("race.sqlite").path
        let statuses = Mutex<[Int32]>([])
        DispatchQueue.concurrentPerform(iterations: 2) { _ in
            let status = (try? CLIRunner.run(["sweep", sweep, "--store", store]))?.status ?? -1
            statuses.withLock { $0.append(status) }
        }
        #expect(statuses.withLock { $0 } == [0, 0])
        let runs = try Self.runs(store)
        let names = runs.compactMap { $0["name"] as? String }
        #expect(names.count == 4 && Set(names).count == 4, "\(names)")
        #expect(runs.allSatisfy { $0["status"] as? String == "completed" })
    }

    /// Oracle: the exit status and the message naming the owner; the run's rows after the first owner ends.
    @Test func aSecondResumeOfALiveRunExitsTwo() throws {
        let dir = try CLIRunner.temporaryDirectory()
        let config = dir.appendingPathComponent("long.yaml")
        try """
            name: long
            model: mlp:2-3-2:tanh
            data: gaussian-mixture:n=16,d=2,classes=2,seed=1
            optimizer: {name: sgd, lr: 0.01}
            training: {steps: 100000, batch_size: full, checkpoint_every: 50}
            """.write(to: config, atomically: true, encoding: .utf8)
        let store = dir.appendingPathComponent("long.sqlite").path
        let first = try CLIRunner.start(["run", config.path, "--store", store])
        _ = try Self.wait(for: store) { ($0.first?["step"] as? Int ?? 0) >= 50 }
        let whileRunning = try CLIRunner.run(["run", "--resume", "1", "--store", store])
        #expect(whileRunning.status == 2)
        #expect(whileRunning.stderr.contains("run 1 is being worked on by pid \(first.processIdentifier)"), "\(whileRunning.stderr)")
        #expect(whileRunning.stderr.split(separator: "\n").count == 1)
        kill(first.processIdentifier, SIGTERM)
        first.waitUntilExit()
        #expect(try Self.runs(store).first?["status"] as? String == "interrupted")
        // Two resumes: the second finds the first's claim.
        let resumeA = try CLIRunner.start(["run", "--resume", "1", "--store", store])
        _ = try Self.wait(for: store) { ($0.first?["claim"] as? [String: Any])?["pid"] as? Int == Int(resumeA.processIdentifier) }
        let resumeB = try CLIRunner.run(["run", "--resume", "1", "--store", store])
        #expect(resumeB.status == 2 && resumeB.stderr.contains("pid \(resumeA.processIdentifier)"), "\(resumeB.stderr)")
        kill(resumeA.processIdentifier, SIGTERM)
        resumeA.waitUntilExit()
        let after = try Self.runs(store)
        #expect(after.count == 1 && after.first?["status"] as? String == "interrupted")
    }

    /// Oracle: /proc after the kill, and the run count after the restart (one run per point, the
    /// interrupted ones continued, not started again).
    @Test func aKilledSweepLeavesNoOrphansAndItsRestartResumes() throws {
        let dir = try CLIRunner.temporaryDirectory()
        let sweep = try Self.sweep(steps: 1500, in: dir)
        let store = dir.appendingPathComponent("killed.sqlite").path
        let parent = try CLIRunner.start(["sweep", sweep, "--jobs", "2", "--store", store])
        _ = try Self.wait(for: store) { runs in runs.filter { ($0["step"] as? Int ?? 0) >= 50 }.count >= 2 }
        kill(parent.processIdentifier, SIGKILL)
        parent.waitUntilExit()
        var orphans: [Int32] = []
        for _ in 0..<50 {
            orphans = Self.processes(mentioning: store)
            if orphans.isEmpty { break }
            Thread.sleep(forTimeInterval: 0.2)
        }
        #expect(orphans.isEmpty, "processes still holding \(store): \(orphans)")
        let stopped = try Self.runs(store)
        #expect(stopped.count == 2 && stopped.allSatisfy { ($0["step"] as? Int ?? 0) >= 50 })
        let restart = try CLIRunner.run(["sweep", sweep, "--jobs", "2", "--store", store, "--json"])
        #expect(restart.status == 0, "\(restart.stderr)")
        let runs = try Self.runs(store)
        #expect(runs.count == 4, "\(runs.map { "\($0["name"] ?? "") \($0["status"] ?? "")" })")
        #expect(runs.allSatisfy { $0["status"] as? String == "completed" })
    }
}

import Synchronization
