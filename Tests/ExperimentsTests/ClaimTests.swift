import BiasLabTestSupport
@testable import Experiments
import Foundation
import GRDB
import Synchronization
import Testing

/// Claims on runs: a live owner keeps a run, a stale or dead one loses it; sweep plans leave live runs
/// alone and resume abandoned ones; claiming a point is atomic; retention keeps the latest k checkpoints
/// and a resumed run is still bit-identical after pruning.
struct ClaimTests {
    /// Sets run `id`'s claim to (pid, this host, heartbeat `age` seconds ago) and its status `running`.
    static func claim(_ store: RunStore, run id: Int64, pid: Int32, age: Double) throws {
        try store.write { db in
            try db.execute(sql: "UPDATE runs SET status = 'running', owner_pid = ?, owner_host = ?, heartbeat_at = ? WHERE id = ?",
                           arguments: [pid, RunClaim.thisHost, Date().timeIntervalSince1970 - age, id])
        }
    }

    /// The pid of a process that has ended (and been reaped).
    static func deadPID() throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/true")
        try process.run()
        process.waitUntilExit()
        return process.processIdentifier
    }

    /// Oracle: pid 1 exists on every Linux host; a reaped child's pid does not; a heartbeat 120 s old is
    /// beyond ``RunClaim/staleAfter`` whatever the pid.
    @Test func liveClaimsRefuseAResumeAndStaleOnesAreTakenOver() throws {
        let url = try RunnerTests.store()
        let stopped = try Runner.start(try RunnerTests.config(), store: url, options: RunnerTests.options(stopAt: 8))
        let store = try RunStore(url: url)
        #expect(try store.run(id: stopped.runID)?.claim == nil)  // ending released the claim
        try Self.claim(store, run: stopped.runID, pid: 1, age: 1)
        #expect(throws: RunClaimError.self) { try Runner.resume(runID: stopped.runID, store: url, options: RunnerTests.options()) }
        do { try store.claimRun(id: stopped.runID) } catch let error as RunClaimError {
            #expect(error.description.hasPrefix("run \(stopped.runID) is being worked on by pid 1 on \(RunClaim.thisHost)"))
        }
        #expect(try store.run(id: stopped.runID)?.status == .running)
        try Self.claim(store, run: stopped.runID, pid: 1, age: RunClaim.staleAfter + 60)
        #expect(try store.claimRun(id: stopped.runID).claim?.pid == getpid())
        try Self.claim(store, run: stopped.runID, pid: try Self.deadPID(), age: 1)
        let resumed = try Runner.resume(runID: stopped.runID, store: url, options: RunnerTests.options())
        #expect(resumed.status == .completed && resumed.step == 20)
        #expect(try store.run(id: stopped.runID)?.claim == nil)
        #expect(throws: ConfigError.self) { try Runner.resume(runID: stopped.runID, store: url, options: RunnerTests.options()) }
    }

    /// Oracle: the points written out — a `running` run with a live claim is busy (neither started nor
    /// resumed); one whose owner is dead is resumed from its checkpoint; afterwards each point has
    /// exactly one run, all completed.
    @Test func sweepsLeaveLiveRunsAloneAndResumeAbandonedOnes() throws {
        let url = try SweepTests.store()
        let points = Array(try SweepTests.spec().points().prefix(3))
        let options = RunOptions(softwareVersion: "test")
        let a = try Runner.start(points[0].config, store: url, options: RunOptions(softwareVersion: "test", shouldStop: { $0 == 3 }))
        let b = try Runner.start(points[1].config, store: url, options: RunOptions(softwareVersion: "test", shouldStop: { $0 == 3 }))
        let store = try RunStore(url: url)
        try Self.claim(store, run: a.runID, pid: 1, age: 0)
        try Self.claim(store, run: b.runID, pid: try Self.deadPID(), age: 0)
        let plan = try SweepPlan(points: points, store: url)
        #expect(plan.items.map(\.action) == [.busy(runID: a.runID, owner: try #require(try store.run(id: a.runID)?.claim)),
                                            .resume(runID: b.runID), .start])
        #expect(plan.pending.count == 2 && plan.busyCount == 1)
        for item in plan.items { _ = try item.execute(store: url, options: options) }
        // The busy point, run anyway (as a second sweep would): the claim leaves it alone.
        guard case .claimed(let run, let owner) = try Runner.runPoint(points[0].config, store: url, options: options) else {
            Issue.record("a live claim must keep the point")
            return
        }
        #expect(run.id == a.runID && owner.pid == 1)
        let runs = try store.runs()
        #expect(runs.count == 3)
        #expect(runs.first { $0.id == b.runID }?.status == .completed && runs.last?.status == .completed)
        #expect(try store.checkpointSteps(runID: b.runID) == [6])
    }

    /// Oracle: row counts. Eight threads (eight connections) claim one point at once: one inserts the
    /// run, the others find it busy (claimed by this live process).
    @Test func claimingAPointIsAtomic() throws {
        let url = try SweepTests.store()
        _ = try RunStore(url: url)
        let outcomes = Mutex<[RunStore.PointClaim]>([])
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            if let store = try? RunStore(url: url),
               let claim = try? store.claimPoint(name: "p", configJSON: "{}", seed: 0, totalSteps: 1, version: "test") {
                outcomes.withLock { $0.append(claim) }
            }
        }
        let all = outcomes.withLock { $0 }
        #expect(all.count == 8)
        #expect(all.filter { if case .created = $0 { true } else { false } }.count == 1)
        #expect(all.filter { if case .busy = $0 { true } else { false } }.count == 7)
        #expect(try RunStore(url: url).runs().count == 1)
    }

    /// Oracle: an uninterrupted run (same config). With `checkpoint_keep: 1` and a checkpoint every 2
    /// steps, only the latest checkpoint survives; the run resumed from it ends bit-identical. The
    /// default keeps two while a run is unfinished, and a finished run keeps its final one.
    @Test func retentionKeepsTheLatestCheckpointsAndResumeStaysBitIdentical() throws {
        let url = try RunnerTests.store()
        let config = try RunnerTests.config(RunnerTests.yaml, ["training.checkpoint_every=2", "training.checkpoint_keep=1"])
        let straight = try Runner.start(config, store: url, options: RunnerTests.options())
        let stopped = try Runner.start(config, store: url, options: RunnerTests.options(stopAt: 9))
        let store = try RunStore(url: url)
        #expect(try store.checkpointSteps(runID: straight.runID) == [20])
        #expect(try store.checkpointSteps(runID: stopped.runID) == [9])
        let resumed = try Runner.resume(runID: stopped.runID, store: url, options: RunnerTests.options())
        #expect(resumed.parametersDigest == straight.parametersDigest)
        #expect(try store.metrics(runID: resumed.runID) == store.metrics(runID: straight.runID))
        let a = try #require(try store.lastCheckpoint(runID: straight.runID)), b = try #require(try store.lastCheckpoint(runID: resumed.runID))
        #expect(try StateArchive.encode(a.optimizerState) == StateArchive.encode(b.optimizerState))
        #expect(a.probeStates == b.probeStates)
        let byDefault = try Runner.start(try RunnerTests.config(), store: url, options: RunnerTests.options(stopAt: 17))
        #expect(try store.checkpointSteps(runID: byDefault.runID) == [15, 17])
        _ = try Runner.resume(runID: byDefault.runID, store: url, options: RunnerTests.options())
        #expect(try store.checkpointSteps(runID: byDefault.runID) == [20])
        #expect(throws: ConfigError.self) { try RunnerTests.config(RunnerTests.yaml, ["training.checkpoint_keep=0"]) }
    }
}
