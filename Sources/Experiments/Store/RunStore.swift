import DataIO
import Foundation
import GRDB

/// The results store: one SQLite file (WAL mode, through GRDB) holding any number of runs.
///
/// **Opening.** `RunStore(url:mode:)` checks what the file holds before writing anything: a new or empty
/// file becomes a store (``AccessMode/readWrite`` only); a BiasLab store of an older schema is
/// migrated in place when opened read-write (read as it is when opened read-only); anything else —
/// not SQLite, or a database with other tables or another `user_version` — is refused with
/// ``StoreError/notAStore(_:reason:)`` naming the file and its tables, and is never written to.
/// ``AccessMode/readOnly`` opens a connection that cannot write, so a store in a read-only file,
/// folder or mount can be listed, shown, exported and reported.
///
/// Schema (version 2, in `PRAGMA user_version`; version 1 is BiasLab's first, see ``StoreSchema``).
/// Every write is one IMMEDIATE transaction, and a busy store is waited on for up to 60 s, so several
/// processes can write to one file without losing rows:
/// ```sql
/// CREATE TABLE runs (
///   id              INTEGER PRIMARY KEY AUTOINCREMENT,
///   name            TEXT NOT NULL,            -- config `name`
///   config          TEXT NOT NULL,            -- the resolved config tree as JSON (sorted keys); RunConfig(document:) rebuilds it
///   seed            INTEGER NOT NULL,
///   status          TEXT NOT NULL CHECK (status IN ('running','completed','diverged','interrupted','failed')),
///   step            INTEGER NOT NULL DEFAULT 0,  -- updates applied so far (at the last checkpoint or end)
///   total_steps     INTEGER NOT NULL,
///   message         TEXT,                     -- why it stopped (diverged at …, target reached, error text)
///   started_at      TEXT NOT NULL,            -- ISO 8601, UTC
///   finished_at     TEXT,                     -- NULL while running
///   biaslab_version TEXT NOT NULL,
///   uuid            TEXT NOT NULL,            -- the run's identity across stores (RunIdentity), kept by `results merge`
///   owner_pid       INTEGER,                  -- the claim: the process working on the run (NULL when none) …
///   owner_host      TEXT,                     -- … on this host (gethostname) …
///   heartbeat_at    REAL                      -- … alive at this Unix time (seconds)
/// );
/// CREATE TABLE metrics (                      -- one row per probe value
///   run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
///   step   INTEGER NOT NULL,                  -- t: measured at θ_t, before the update of step t
///   name   TEXT NOT NULL,                     -- e.g. batch_loss, train_loss, lambda_max, gd_threshold
///   value  REAL,                              -- NULL when the value was NaN (SQLite has no NaN); ±∞ are kept
///   PRIMARY KEY (run_id, step, name)
/// ) WITHOUT ROWID;
/// CREATE TABLE checkpoints (
///   run_id          INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
///   step            INTEGER NOT NULL,         -- θ_t and the states after t updates, before step t's probes
///   parameters      BLOB NOT NULL,            -- θ as d little-endian IEEE-754 float64 values (8d bytes)
///   optimizer_state BLOB NOT NULL,            -- AnyOptimizerState as a StateArchive (moment vectors raw float64)
///   sampler_state   TEXT,                     -- SamplerState JSON (NULL for full-batch runs)
///   probe_states    BLOB NOT NULL,            -- StateArchive of the probes' states (state vectors raw float64)
///   initial_loss    REAL,                     -- the divergence reference ℓ₀ (first step's batch loss); NULL before step 0
///   created_at      TEXT NOT NULL,
///   PRIMARY KEY (run_id, step)
/// ) WITHOUT ROWID;
/// ```
/// Randomness needs no further columns: the only generator that lives across steps is the sampler's
/// (in `sampler_state`); probes derive a fresh seed from (run seed, probe, step) at each measurement.
///
/// **Checkpoints** (``CheckpointCoding``) are binary: θ and every `[Double]` of the optimizer's and the
/// probes' states as raw little-endian float64, so a checkpoint of an Adam run takes ≈ 8d (θ) + 16d
/// (m, v) bytes, and a resumed run continues bit for bit. **Retention:** saving a checkpoint deletes, in
/// the same transaction, all but the run's latest `training.checkpoint_keep` checkpoints (default 2,
/// ``RunConfig/Defaults/checkpointKeep``), so a running, interrupted or failed run has its latest k; a
/// run with a result (completed or diverged) keeps only its final checkpoint (``setStatus(_:runID:step:message:)``).
///
/// **Claims.** A run being worked on is `running` with a claim: its owner's pid and host and a heartbeat
/// time, refreshed every ``RunClaim/heartbeatInterval`` (10 s) by a background timer (``ClaimHeartbeat``)
/// while the owner trains or measures. A claim is *live* while its heartbeat is younger than
/// ``RunClaim/staleAfter`` (60 s) and, when the owner is on this host, its pid is alive; otherwise it is
/// *stale* and may be taken over. Ending a run (any status but `running`) releases its claim. Claiming is
/// atomic (one IMMEDIATE transaction reads the run or the sweep point's runs and writes the claim):
/// ``claimRun(id:)`` (`run --resume`) refuses a live claim with ``RunClaimError/busy(runID:owner:secondsSinceHeartbeat:)``;
/// ``claimPoint(name:configJSON:seed:totalSteps:version:)`` (sweeps, studies) finds the point's finished
/// run, its live owner, or an interrupted or stale run to resume before it inserts a new run — so two
/// sweeps on one store never run one point twice.
///
/// Later tools build on this: a sweep writes one run per grid point (the config JSON says which);
/// `results merge` copies rows between stores (run ids are renumbered, a run keeps its `uuid`, metrics
/// and checkpoints follow their run); reports read `metrics` by (run_id, name) ordered by step.
public final class RunStore: Sendable {
    /// The store's file.
    public let url: URL
    /// How the file was opened.
    public let mode: AccessMode
    /// The schema version of the file (``StoreSchema/current`` once opened read-write; 0 for an empty
    /// database opened read-only, which reads as a store with no runs).
    let version: Int
    let pool: any DatabaseWriter

    /// How a store is opened.
    public enum AccessMode: Sendable {
        /// Reads only; the file, its folder or its mount may be read-only. The file must be a store.
        case readOnly
        /// Reads and writes; creates the file (and its folder) when absent, migrates an older store.
        case readWrite
    }

    /// The status of a run.
    public enum Status: String, Codable, Sendable, CaseIterable {
        case running, completed, diverged, interrupted, failed
    }

    /// One row of `runs`.
    public struct Run: Codable, Sendable, Equatable {
        public let id: Int64
        public let name: String
        public let config: String
        public let seed: UInt64
        public let status: Status
        public let step: Int
        public let totalSteps: Int
        public let message: String?
        public let startedAt: String
        public let finishedAt: String?
        public let biaslabVersion: String
        /// The run's identity across stores (``RunIdentity``).
        public let uuid: String
        /// Who works on the run, while it is `running` and claimed.
        public let claim: RunClaim?

        /// The record with an empty `config` (for listings).
        public var withoutConfig: Run {
            Run(id: id, name: name, config: "", seed: seed, status: status, step: step, totalSteps: totalSteps,
                message: message, startedAt: startedAt, finishedAt: finishedAt, biaslabVersion: biaslabVersion,
                uuid: uuid, claim: claim)
        }

        /// The live claim of a `running` run (nil when it has none, or a stale one).
        public var liveClaim: RunClaim? {
            guard status == .running, let claim, claim.isLive() else { return nil }
            return claim
        }
    }

    /// One row of `metrics`.
    public struct MetricRow: Codable, Sendable, Equatable {
        public let step: Int
        public let name: String
        /// NaN when stored as NULL.
        public let value: Double
        public init(step: Int, name: String, value: Double) {
            self.step = step
            self.name = name
            self.value = value
        }
        public static func == (a: MetricRow, b: MetricRow) -> Bool {
            a.step == b.step && a.name == b.name && a.value.bitPattern == b.value.bitPattern
        }
    }

    /// Opens the store at `url` (see the type's documentation for what is checked before anything is written).
    public init(url: URL, mode: AccessMode = .readWrite) throws {
        self.url = url
        self.mode = mode
        let path = url.path
        let exists = FileManager.default.fileExists(atPath: path)
        switch mode {
        case .readOnly:
            guard exists else { throw StoreError.missing(path) }
            // An empty database (a store another process is creating) reads as a store with no runs.
            let (queue, contents) = try StoreFile.openReadOnly(url)
            version = try Self.check(contents, path: path)
            pool = queue
        case .readWrite:
            if exists && StoreFile.hasContent(url) {
                // Decide from a read-only look, so a file that is not a store is never opened for writing.
                _ = try Self.check(try StoreFile.openReadOnly(url).1, path: path)
            }
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            let pool = try StoreFile.openReadWrite(url)
            let migrated = try pool.write { db in
                let contents = try StoreSchema.inspect(db)
                switch contents {
                case .empty: try StoreSchema.create(db)
                case .store(let version) where version < StoreSchema.current:
                    try StoreSchema.migrate(db, from: version)
                    return true
                default: _ = try Self.check(contents, path: path)
                }
                return false
            }
            // A migration rewrites (and prunes) the checkpoints: give the pages it freed back to the file system.
            if migrated { try? pool.writeWithoutTransaction { try $0.execute(sql: "VACUUM") } }
            self.pool = pool
            version = StoreSchema.current
        }
    }

    /// The schema version of a store (0 for an empty database), or the error for a file that is not one
    /// this BiasLab reads.
    private static func check(_ contents: StoreSchema.Contents, path: String) throws -> Int {
        switch contents {
        case .empty:
            return 0
        case .store(let version):
            guard version <= StoreSchema.current else { throw StoreError.newer(path, version: version) }
            return version
        case .foreign(let tables, let userVersion):
            throw StoreError.foreign(path, tables: tables, userVersion: userVersion)
        }
    }

    /// A write transaction; a read-only store throws ``StoreError/readOnly(_:)``.
    func write<T>(_ body: (Database) throws -> T) throws -> T {
        guard mode == .readWrite else { throw StoreError.readOnly(url.path) }
        return try pool.write(body)
    }

    static func now() -> String { ISO8601DateFormatter().string(from: Date()) }

    // MARK: Runs

    /// Inserts a run with status `running`, claimed by this process; returns its id.
    public func createRun(name: String, configJSON: String, seed: UInt64, totalSteps: Int, version: String) throws -> Int64 {
        try write { db in try Self.insertRun(db, name: name, configJSON: configJSON, seed: seed, totalSteps: totalSteps, version: version) }
    }

    static func insertRun(_ db: Database, name: String, configJSON: String, seed: UInt64, totalSteps: Int, version: String) throws -> Int64 {
        let owner = RunClaim.current()
        try db.execute(sql: """
            INSERT INTO runs (name, config, seed, status, step, total_steps, started_at, biaslab_version, uuid, owner_pid, owner_host, heartbeat_at)
            VALUES (?, ?, ?, 'running', 0, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [name, configJSON, Int64(bitPattern: seed), totalSteps, now(), version, RunIdentity.fresh(),
                             owner.pid, owner.host, owner.heartbeatAt])
        return db.lastInsertedRowID
    }

    /// Sets a run's status (and `finished_at` unless it is `running` again); any status but `running`
    /// releases the run's claim, and a result (completed or diverged) deletes all but the run's final
    /// checkpoint (a finished run is never resumed; its final θ and states stay).
    public func setStatus(_ status: Status, runID: Int64, step: Int, message: String? = nil) throws {
        try write { db in
            if status.isFinal {
                try db.execute(sql: """
                    DELETE FROM checkpoints WHERE run_id = ? AND step < (SELECT max(step) FROM checkpoints WHERE run_id = ?)
                    """, arguments: [runID, runID])
            }
            if status == .running {
                try db.execute(sql: "UPDATE runs SET status = ?, step = ?, message = ?, finished_at = NULL WHERE id = ?",
                               arguments: [status.rawValue, step, message, runID])
            } else {
                try db.execute(sql: """
                    UPDATE runs SET status = ?, step = ?, message = ?, finished_at = ?, owner_pid = NULL, owner_host = NULL, heartbeat_at = NULL
                    WHERE id = ?
                    """, arguments: [status.rawValue, step, message, Self.now(), runID])
            }
        }
    }

    /// Sets a run's total number of steps (for runs whose length is known only at the end, like a study's).
    public func setTotalSteps(_ totalSteps: Int, runID: Int64) throws {
        try write { db in try db.execute(sql: "UPDATE runs SET total_steps = ? WHERE id = ?", arguments: [totalSteps, runID]) }
    }

    public func run(id: Int64) throws -> Run? {
        guard version > 0 else { return nil }
        return try pool.read { db in try Row.fetchOne(db, sql: "SELECT * FROM runs WHERE id = ?", arguments: [id]).map(Self.run) }
    }

    public func runs() throws -> [Run] {
        guard version > 0 else { return [] }
        return try pool.read { db in try Row.fetchAll(db, sql: "SELECT * FROM runs ORDER BY id").map(Self.run) }
    }

    /// A `runs` row of either schema (a schema-1 row has no uuid or claim columns).
    static func run(_ row: Row) -> Run {
        let name: String = row["name"], config: String = row["config"], startedAt: String = row["started_at"]
        let uuid = (row["uuid"] as String?).flatMap { $0.isEmpty ? nil : $0 }
            ?? RunIdentity.legacy(name: name, config: config, startedAt: startedAt)
        var claim: RunClaim?
        if let pid = row["owner_pid"] as Int32?, let host = row["owner_host"] as String?, let heartbeat = row["heartbeat_at"] as Double? {
            claim = RunClaim(pid: pid, host: host, heartbeatAt: heartbeat)
        }
        return Run(id: row["id"], name: name, config: config, seed: UInt64(bitPattern: row["seed"] as Int64),
                   status: Status(rawValue: row["status"]) ?? .failed, step: row["step"], totalSteps: row["total_steps"],
                   message: row["message"], startedAt: startedAt, finishedAt: row["finished_at"],
                   biaslabVersion: row["biaslab_version"], uuid: uuid, claim: claim)
    }

    // MARK: Metrics

    /// Writes the values of one step in one transaction (replacing rows of the same step and name).
    public func record(runID: Int64, step: Int, values: [String: Double]) throws {
        guard !values.isEmpty else { return }
        try write { db in
            for name in values.keys.sorted() {
                let v = values[name]!
                try db.execute(sql: "INSERT OR REPLACE INTO metrics (run_id, step, name, value) VALUES (?, ?, ?, ?)",
                               arguments: [runID, step, name, v.isNaN ? nil : v])
            }
        }
    }

    /// A run's metric rows ordered by (step, name); `name` filters to one metric.
    public func metrics(runID: Int64, name: String? = nil) throws -> [MetricRow] {
        guard version > 0 else { return [] }
        return try pool.read { db in
            let rows = if let name {
                try Row.fetchAll(db, sql: "SELECT step, name, value FROM metrics WHERE run_id = ? AND name = ? ORDER BY step",
                                 arguments: [runID, name])
            } else {
                try Row.fetchAll(db, sql: "SELECT step, name, value FROM metrics WHERE run_id = ? ORDER BY step, name",
                                 arguments: [runID])
            }
            return rows.map { MetricRow(step: $0["step"], name: $0["name"], value: ($0["value"] as Double?) ?? .nan) }
        }
    }
}

/// θ as bytes: d little-endian float64 values.
public enum ParameterBytes {
    public static func encode(_ values: [Double]) -> Data {
        #if _endian(little)
        return values.withUnsafeBytes { Data($0) }
        #else
        var data = Data(capacity: values.count * 8)
        for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
        return data
        #endif
    }

    /// The ⌊count/8⌋ values of `data` (a trailing partial value is ignored).
    public static func decode(_ data: Data) -> [Double] {
        let count = data.count / 8
        var values = [Double](repeating: 0, count: count)
        values.withUnsafeMutableBytes { out in _ = data.copyBytes(to: out, from: data.startIndex..<data.startIndex + count * 8) }
        #if !_endian(little)
        for i in values.indices { values[i] = Double(bitPattern: UInt64(littleEndian: values[i].bitPattern)) }
        #endif
        return values
    }

    /// FNV-1a (64-bit) of the bytes, as 16 hex digits: a short fingerprint to compare two θ.
    public static func digest(_ values: [Double]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in encode(values) { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        return String(format: "%016llx", hash)
    }
}

extension JSONEncoder {
    /// Sorted keys, non-finite numbers as strings: the store's JSON encoder.
    static var sorted: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return encoder
    }
}

extension RunStore {
    /// Rewrites the file without its free pages (`VACUUM`): the pages of deleted checkpoints are otherwise
    /// kept for the next checkpoints to reuse. For a store no other process is writing to.
    public func compact() throws {
        guard mode == .readWrite else { throw StoreError.readOnly(url.path) }
        if let pool = pool as? DatabasePool { try pool.writeWithoutTransaction { try $0.execute(sql: "VACUUM") } }
    }

    /// Folds the write-ahead log into the database file (so the file alone holds every row, and no
    /// `-wal` file is left behind) and closes the store's connections; the store cannot be used
    /// afterwards. Waits for other processes' transactions on the store to end.
    public func close() throws {
        if let pool = pool as? DatabasePool {
            try pool.writeWithoutTransaction { db in _ = try db.checkpoint(.truncate) }
            try pool.close()
        } else if let queue = pool as? DatabaseQueue {
            try queue.close()
        }
    }
}
