import Foundation
import GRDB

/// The store's schema: what a file holds (``inspect(_:)``), how an empty file becomes a store, and
/// the migrations that upgrade a store written by an older BiasLab in place (see ``RunStore``).
enum StoreSchema {
    /// The version this BiasLab writes, in `PRAGMA user_version`.
    static let current = 2

    /// What a database file holds.
    enum Contents: Equatable {
        /// No tables and user_version 0: a new file, which becomes a store.
        case empty
        /// A BiasLab store of this schema version.
        case store(version: Int)
        /// Anything else: never written to.
        case foreign(tables: [String], userVersion: Int)
    }

    /// The tables every BiasLab store has, with a column of `runs` only BiasLab's has.
    static let tables: Set<String> = ["runs", "metrics", "checkpoints"]

    static func inspect(_ db: Database) throws -> Contents {
        let version = try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0
        let names = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        if names.isEmpty && version == 0 { return .empty }
        if version >= 1, tables.isSubset(of: names) {
            let columns = try Set(Row.fetchAll(db, sql: "PRAGMA table_info(runs)").map { $0["name"] as String })
            if columns.isSuperset(of: ["config", "biaslab_version", "total_steps"]) { return .store(version: version) }
        }
        return .foreign(tables: names, userVersion: version)
    }

    /// Creates the current schema in an empty database: version 1's tables, then every migration, so a
    /// new store and an upgraded one have the same definition.
    static func create(_ db: Database) throws {
        try db.execute(sql: version1)
        try db.execute(sql: "PRAGMA user_version = 1")
        try migrate(db, from: 1)
    }

    /// Upgrades a store of schema `version` to ``current``, step by step, in the caller's transaction.
    static func migrate(_ db: Database, from version: Int) throws {
        var version = version
        while version < current {
            switch version {
            case 1: try migrate1to2(db)
            default: throw StoreError.unknownSchema(version)
            }
            version += 1
            try db.execute(sql: "PRAGMA user_version = \(version)")
        }
    }

    /// Version 1 (BiasLab 0.1.0 before claims and binary checkpoints).
    static let version1 = """
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

    /// 1 → 2: runs get a `uuid` (old runs: ``RunIdentity/legacy(name:config:startedAt:)``) and the claim
    /// columns; the retention of schema 2 is applied (a run with a result keeps its final checkpoint,
    /// any other run its latest ``RunConfig/Defaults/checkpointKeep``) and the checkpoints kept are
    /// rewritten in the binary form (``CheckpointCoding``).
    private static func migrate1to2(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE runs ADD COLUMN uuid TEXT NOT NULL DEFAULT '';
            ALTER TABLE runs ADD COLUMN owner_pid INTEGER;
            ALTER TABLE runs ADD COLUMN owner_host TEXT;
            ALTER TABLE runs ADD COLUMN heartbeat_at REAL;
            CREATE INDEX IF NOT EXISTS runs_by_name ON runs (name);
            CREATE INDEX IF NOT EXISTS runs_by_uuid ON runs (uuid);
            CREATE TABLE checkpoints_v2 (
              run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE, step INTEGER NOT NULL,
              parameters BLOB NOT NULL, optimizer_state BLOB NOT NULL, sampler_state TEXT, probe_states BLOB NOT NULL,
              initial_loss REAL, created_at TEXT NOT NULL, PRIMARY KEY (run_id, step)) WITHOUT ROWID;
            """)
        for row in try Row.fetchAll(db, sql: "SELECT id, name, config, started_at FROM runs") {
            try db.execute(sql: "UPDATE runs SET uuid = ? WHERE id = ?", arguments: [
                RunIdentity.legacy(name: row["name"], config: row["config"], startedAt: row["started_at"]), row["id"] as Int64])
        }
        try db.execute(sql: """
            DELETE FROM checkpoints WHERE run_id IN (SELECT id FROM runs WHERE status IN ('completed', 'diverged'))
              AND step < (SELECT max(c.step) FROM checkpoints c WHERE c.run_id = checkpoints.run_id);
            DELETE FROM checkpoints WHERE step NOT IN
              (SELECT c.step FROM checkpoints c WHERE c.run_id = checkpoints.run_id ORDER BY c.step DESC LIMIT \(RunConfig.Defaults.checkpointKeep));
            """)
        // One checkpoint at a time, so memory holds one θ and one optimizer state however large the store.
        for key in try Row.fetchAll(db, sql: "SELECT run_id, step FROM checkpoints ORDER BY run_id, step") {
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM checkpoints WHERE run_id = ? AND step = ?",
                                             arguments: [key["run_id"] as Int64, key["step"] as Int]) else { continue }
            let binary = try CheckpointCoding.binaryColumns(ofSchema1: row)
            try db.execute(sql: "INSERT INTO checkpoints_v2 VALUES (?, ?, ?, ?, ?, ?, ?, ?)", arguments: [
                row["run_id"] as Int64, row["step"] as Int, row["parameters"] as Data, binary.optimizer,
                row["sampler_state"] as String?, binary.probes, row["initial_loss"] as Double?, row["created_at"] as String])
        }
        try db.execute(sql: "DROP TABLE checkpoints; ALTER TABLE checkpoints_v2 RENAME TO checkpoints")
    }
}

/// Why a file cannot be used as a store; every message names the file.
public enum StoreError: Error, CustomStringConvertible, Equatable {
    case missing(String)
    case notAStore(String, reason: String)
    case newer(String, version: Int)
    case unknownSchema(Int)
    case readOnly(String)
    /// A read-only location holds the store's non-empty write-ahead log but SQLite cannot open it.
    case unreadableLog(String)

    public var description: String {
        switch self {
        case .missing(let path): "\(path) does not exist (expected a results store written by biaslab run or sweep)"
        case .notAStore(let path, let reason): "\(path) is not a BiasLab results store (\(reason))"
        case .newer(let path, let version):
            "\(path) was written by a newer BiasLab (store schema \(version); this version reads schemas up to \(StoreSchema.current))"
        case .unknownSchema(let version): "no migration from store schema \(version)"
        case .readOnly(let path): "\(path) is open read-only"
        case .unreadableLog(let path):
            "\(path)-wal holds rows SQLite cannot read here (no \(path)-shm and none can be created); copy the store's files to a writable folder"
        }
    }

    /// The reason a foreign database is refused, naming its tables.
    static func foreign(_ path: String, tables: [String], userVersion: Int) -> StoreError {
        if tables.isEmpty { return .notAStore(path, reason: "it has no tables and user_version \(userVersion)") }
        return .notAStore(path, reason: "it has table\(tables.count == 1 ? "" : "s") \(tables.joined(separator: ", "))")
    }
}
