import Foundation
import GRDB

extension RunStore {
    /// What claiming a sweep point (or a study's run) found, in the one transaction that claimed it.
    public enum PointClaim: Sendable, Equatable {
        /// No run of the point was there: this one was inserted, `running` and claimed by this process.
        case created(runID: Int64)
        /// An interrupted run, or a `running` one with a stale claim: now claimed by this process, to continue.
        case resumable(Run)
        /// The point has a result (its first completed or diverged run).
        case finished(Run)
        /// Another live process works on the point.
        case busy(Run, RunClaim)
    }

    /// Claims run `id` for this process to continue it (`run --resume`): a run with a result throws
    /// ``RunClaimError/ended(runID:status:)``, a run another live process holds throws
    /// ``RunClaimError/busy(runID:owner:secondsSinceHeartbeat:)``; any other run (interrupted, failed,
    /// or `running` with a stale claim) becomes `running`, claimed by this process.
    @discardableResult
    public func claimRun(id: Int64) throws -> Run {
        try write { db in
            guard let run = try Row.fetchOne(db, sql: "SELECT * FROM runs WHERE id = ?", arguments: [id]).map(Self.run) else {
                throw RunClaimError.noRun(runID: id, store: url.path)
            }
            if run.status.isFinal { throw RunClaimError.ended(runID: id, status: run.status) }
            if let owner = run.liveClaim, owner.pid != getpid() || owner.host != RunClaim.thisHost {
                throw RunClaimError.busy(runID: id, owner: owner, secondsSinceHeartbeat: Int(owner.age().rounded()))
            }
            return try Self.take(db, run)
        }
    }

    /// Claims the sweep point `name` + `configJSON` (a point's identity, ``SweepPlan``) atomically: its
    /// finished run, a live owner, or a run to continue are reported as found; otherwise a new run is
    /// inserted, claimed by this process. `failed` runs are ignored (the point is run again).
    public func claimPoint(name: String, configJSON: String, seed: UInt64, totalSteps: Int, version: String) throws -> PointClaim {
        try write { db in
            let runs = try Row.fetchAll(db, sql: "SELECT * FROM runs WHERE name = ? AND config = ? ORDER BY id",
                                        arguments: [name, configJSON]).map(Self.run)
            if let done = runs.first(where: { $0.status.isFinal }) { return .finished(done) }
            if let live = runs.last(where: { $0.liveClaim != nil }), let owner = live.liveClaim { return .busy(live, owner) }
            if let paused = runs.last(where: { $0.status == .interrupted || $0.status == .running }) {
                return .resumable(try Self.take(db, paused))
            }
            return .created(runID: try Self.insertRun(db, name: name, configJSON: configJSON, seed: seed, totalSteps: totalSteps, version: version))
        }
    }

    /// Marks `run` `running` and claimed by this process (inside the caller's transaction).
    private static func take(_ db: Database, _ run: Run) throws -> Run {
        let owner = RunClaim.current()
        try db.execute(sql: """
            UPDATE runs SET status = 'running', finished_at = NULL, message = NULL, owner_pid = ?, owner_host = ?, heartbeat_at = ?
            WHERE id = ?
            """, arguments: [owner.pid, owner.host, owner.heartbeatAt, run.id])
        return try Row.fetchOne(db, sql: "SELECT * FROM runs WHERE id = ?", arguments: [run.id]).map(Self.run) ?? run
    }

    /// Refreshes this process's heartbeat on run `runID`; false when the run is no longer claimed by
    /// this process (it ended, or another process took it over).
    func heartbeat(runID: Int64) throws -> Bool {
        let owner = RunClaim.current()
        return try write { db in
            try db.execute(sql: """
                UPDATE runs SET heartbeat_at = ? WHERE id = ? AND status = 'running' AND owner_pid = ? AND owner_host = ?
                """, arguments: [owner.heartbeatAt, runID, owner.pid, owner.host])
            return db.changesCount > 0
        }
    }
}

/// Keeps this process's claim on a run fresh while it works: a timer refreshes the heartbeat every
/// ``RunClaim/heartbeatInterval`` seconds until ``stop()``, and records when the claim was lost.
final class ClaimHeartbeat: @unchecked Sendable {
    private let timer: DispatchSourceTimer
    private let lock = NSLock()
    private var lostClaim = false

    init(store: RunStore, runID: Int64) {
        timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "biaslab.heartbeat.\(runID)"))
        timer.schedule(deadline: .now() + RunClaim.heartbeatInterval, repeating: RunClaim.heartbeatInterval)
        timer.setEventHandler { [weak self] in
            // A busy store (another writer) only delays a beat; a claim no longer ours is lost.
            if let ours = try? store.heartbeat(runID: runID), !ours { self?.lock.withLock { self?.lostClaim = true } }
        }
        timer.resume()
    }

    /// True once a heartbeat found the run no longer claimed by this process.
    var isLost: Bool { lock.withLock { lostClaim } }

    func stop() { timer.cancel() }

    deinit { timer.cancel() }
}
