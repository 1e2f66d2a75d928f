import DataIO
import Foundation
import GRDB

/// The results store: one SQLite file (WAL mode, through GRDB) holding any number of runs.
///
/// Schema (version 1, in `PRAGMA user_version`; every write is one IMMEDIATE transaction, and a busy
/// store is waited on for up to 60 s, so several processes can write to one file without losing rows):
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
///   biaslab_version TEXT NOT NULL
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
///   parameters      BLOB NOT NULL,            -- θ as d little-endian IEEE-754 float64 values
///   optimizer_state TEXT NOT NULL,            -- OptimizerInstance.encodedState() JSON
///   sampler_state   TEXT,                     -- SamplerState JSON (NULL for full-batch runs)
///   probe_states    TEXT NOT NULL,            -- JSON {probe index: base64 of the probe's encodedState()}
///   initial_loss    REAL,                     -- the divergence reference ℓ₀ (first step's batch loss); NULL before step 0
///   created_at      TEXT NOT NULL,
///   PRIMARY KEY (run_id, step)
/// ) WITHOUT ROWID;
/// ```
/// Randomness needs no further columns: the only generator that lives across steps is the sampler's
/// (in `sampler_state`); probes derive a fresh seed from (run seed, probe, step) at each measurement.
///
/// Later tools build on this without changing it: a sweep writes one run per grid point (the config
/// JSON says which); `results merge` copies rows between stores (run ids are renumbered, metrics and
/// checkpoints follow their run); reports read `metrics` by (run_id, name) ordered by step.
public final class RunStore: Sendable {
    /// The store's file.
    public let url: URL
    let pool: DatabasePool

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

        /// The record with an empty `config` (for listings).
        public var withoutConfig: Run {
            Run(id: id, name: name, config: "", seed: seed, status: status, step: step, totalSteps: totalSteps,
                message: message, startedAt: startedAt, finishedAt: finishedAt, biaslabVersion: biaslabVersion)
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

    /// One row of `checkpoints`.
    public struct Checkpoint: Sendable {
        public let step: Int
        public let parameters: [Double]
        public let optimizerState: Data
        public let samplerState: SamplerState?
        public let probeStates: [Int: Data]
        public let initialLoss: Double?
    }

    /// Opens (creating it and its directory if needed) the store at `url`.
    public init(url: URL) throws {
        self.url = url
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        var configuration = Configuration()
        configuration.busyMode = .timeout(60)
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA foreign_keys = ON") }
        pool = try Self.openPool(path: url.path, configuration: configuration)
        try pool.write { db in
            let version = try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0
            guard version < 1 else { return }
            try db.execute(sql: Self.schema)
            try db.execute(sql: "PRAGMA user_version = 1")
        }
    }

    /// Opens the pool, retrying while another process holds the lock that switching a new database to
    /// WAL mode needs (SQLite answers that switch with SQLITE_BUSY at once, without the busy timeout):
    /// concurrent runs of a sweep may open a new store at the same moment. Gives up after ≈ 30 s.
    private static func openPool(path: String, configuration: Configuration) throws -> DatabasePool {
        var attempt = 0
        while true {
            do {
                return try DatabasePool(path: path, configuration: configuration)
            } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY && attempt < 300 {
                attempt += 1
                usleep(100_000)
            }
        }
    }

    static let schema = """
        CREATE TABLE IF NOT EXISTS runs (
          id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, config TEXT NOT NULL, seed INTEGER NOT NULL,
          status TEXT NOT NULL CHECK (status IN ('running','completed','diverged','interrupted','failed')),
          step INTEGER NOT NULL DEFAULT 0, total_steps INTEGER NOT NULL, message TEXT,
          started_at TEXT NOT NULL, finished_at TEXT, biaslab_version TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS metrics (
          run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE, step INTEGER NOT NULL,
          name TEXT NOT NULL, value REAL, PRIMARY KEY (run_id, step, name)) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS checkpoints (
          run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE, step INTEGER NOT NULL,
          parameters BLOB NOT NULL, optimizer_state TEXT NOT NULL, sampler_state TEXT, probe_states TEXT NOT NULL,
          initial_loss REAL, created_at TEXT NOT NULL, PRIMARY KEY (run_id, step)) WITHOUT ROWID;
        """

    static func now() -> String { ISO8601DateFormatter().string(from: Date()) }

    // MARK: Runs

    /// Inserts a run with status `running`; returns its id.
    public func createRun(name: String, configJSON: String, seed: UInt64, totalSteps: Int, version: String) throws -> Int64 {
        try pool.write { db in
            try db.execute(sql: """
                INSERT INTO runs (name, config, seed, status, step, total_steps, started_at, biaslab_version)
                VALUES (?, ?, ?, 'running', 0, ?, ?, ?)
                """, arguments: [name, configJSON, Int64(bitPattern: seed), totalSteps, Self.now(), version])
            return db.lastInsertedRowID
        }
    }

    /// Sets a run's status (and `finished_at` unless it is `running` again).
    public func setStatus(_ status: Status, runID: Int64, step: Int, message: String? = nil) throws {
        try pool.write { db in
            try db.execute(sql: "UPDATE runs SET status = ?, step = ?, message = ?, finished_at = ? WHERE id = ?",
                           arguments: [status.rawValue, step, message, status == .running ? nil : Self.now(), runID])
        }
    }

    /// Sets a run's total number of steps (for runs whose length is known only at the end, like a study's).
    public func setTotalSteps(_ totalSteps: Int, runID: Int64) throws {
        try pool.write { db in try db.execute(sql: "UPDATE runs SET total_steps = ? WHERE id = ?", arguments: [totalSteps, runID]) }
    }

    public func run(id: Int64) throws -> Run? {
        try pool.read { db in try Row.fetchOne(db, sql: "SELECT * FROM runs WHERE id = ?", arguments: [id]).map(Self.run) }
    }

    public func runs() throws -> [Run] {
        try pool.read { db in try Row.fetchAll(db, sql: "SELECT * FROM runs ORDER BY id").map(Self.run) }
    }

    private static func run(_ row: Row) -> Run {
        Run(id: row["id"], name: row["name"], config: row["config"], seed: UInt64(bitPattern: row["seed"] as Int64),
            status: Status(rawValue: row["status"]) ?? .failed, step: row["step"], totalSteps: row["total_steps"],
            message: row["message"], startedAt: row["started_at"], finishedAt: row["finished_at"],
            biaslabVersion: row["biaslab_version"])
    }

    // MARK: Metrics

    /// Writes the values of one step in one transaction (replacing rows of the same step and name).
    public func record(runID: Int64, step: Int, values: [String: Double]) throws {
        guard !values.isEmpty else { return }
        try pool.write { db in
            for name in values.keys.sorted() {
                let v = values[name]!
                try db.execute(sql: "INSERT OR REPLACE INTO metrics (run_id, step, name, value) VALUES (?, ?, ?, ?)",
                               arguments: [runID, step, name, v.isNaN ? nil : v])
            }
        }
    }

    /// A run's metric rows ordered by (step, name); `name` filters to one metric.
    public func metrics(runID: Int64, name: String? = nil) throws -> [MetricRow] {
        try pool.read { db in
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

    // MARK: Checkpoints

    /// Saves a checkpoint and the run's step in one transaction.
    public func saveCheckpoint(runID: Int64, _ checkpoint: Checkpoint) throws {
        let sampler = try checkpoint.samplerState.map { String(decoding: try JSONEncoder.sorted.encode($0), as: UTF8.self) }
        let probes = Dictionary(uniqueKeysWithValues: checkpoint.probeStates.map { ("\($0.key)", $0.value.base64EncodedString()) })
        let probeJSON = String(decoding: try JSONEncoder.sorted.encode(probes), as: UTF8.self)
        try pool.write { db in
            try db.execute(sql: """
                INSERT OR REPLACE INTO checkpoints
                  (run_id, step, parameters, optimizer_state, sampler_state, probe_states, initial_loss, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [runID, checkpoint.step, ParameterBytes.encode(checkpoint.parameters),
                                 String(decoding: checkpoint.optimizerState, as: UTF8.self), sampler, probeJSON,
                                 checkpoint.initialLoss, Self.now()])
            try db.execute(sql: "UPDATE runs SET step = ? WHERE id = ?", arguments: [checkpoint.step, runID])
        }
    }

    /// The checkpoint with the largest step, if any.
    public func lastCheckpoint(runID: Int64) throws -> Checkpoint? {
        let row = try pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM checkpoints WHERE run_id = ? ORDER BY step DESC LIMIT 1", arguments: [runID])
        }
        guard let row else { return nil }
        let sampler: SamplerState? = try (row["sampler_state"] as String?).map {
            try JSONDecoder().decode(SamplerState.self, from: Data($0.utf8))
        }
        let probes = try JSONDecoder().decode([String: String].self, from: Data((row["probe_states"] as String).utf8))
        var probeStates: [Int: Data] = [:]
        for (key, value) in probes { if let i = Int(key), let data = Data(base64Encoded: value) { probeStates[i] = data } }
        return Checkpoint(step: row["step"], parameters: ParameterBytes.decode(row["parameters"]),
                          optimizerState: Data((row["optimizer_state"] as String).utf8), samplerState: sampler,
                          probeStates: probeStates, initialLoss: row["initial_loss"] as Double?)
    }

    /// Deletes the metric rows of steps ≥ `step` (measurements after the checkpoint a run resumes from).
    public func discardMetrics(runID: Int64, fromStep step: Int) throws {
        try pool.write { db in
            try db.execute(sql: "DELETE FROM metrics WHERE run_id = ? AND step >= ?", arguments: [runID, step])
        }
    }
}

/// θ as bytes: d little-endian float64 values.
public enum ParameterBytes {
    public static func encode(_ values: [Double]) -> Data {
        var data = Data(capacity: values.count * 8)
        for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
        return data
    }

    public static func decode(_ data: Data) -> [Double] {
        let bytes = [UInt8](data)
        return stride(from: 0, to: bytes.count - 7, by: 8).map { i in
            var bits: UInt64 = 0
            for k in 0..<8 { bits |= UInt64(bytes[i + k]) << (8 * UInt64(k)) }
            return Double(bitPattern: bits)
        }
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
