import BiasLabTestSupport
@testable import Experiments
import Foundation
import GRDB
import Optim
import Testing

/// What `RunStore(url:mode:)` does with files: a foreign database or file is refused and left byte for
/// byte as it was; a store opens read-only without writing; a schema-1 store is read as it is and
/// migrated in place on opening for writing, and a run interrupted under schema 1 resumes bit for bit.
struct StoreFileTests {
    static func bytes(_ url: URL) throws -> Data { try Data(contentsOf: url) }

    /// Oracle: the file's bytes before and after, and the error naming the file and its tables.
    @Test func aForeignDatabaseIsRefusedAndUntouched() throws {
        let dir = try CLIRunner.temporaryDirectory()
        let url = dir.appendingPathComponent("other.sqlite")
        let queue = try DatabaseQueue(path: url.path)
        try queue.write { db in
            try db.execute(sql: "CREATE TABLE runs (id INTEGER PRIMARY KEY, what TEXT); CREATE TABLE notes (text TEXT)")
            try db.execute(sql: "INSERT INTO runs (what) VALUES ('mine')")
        }
        try queue.close()
        let before = try Self.bytes(url)
        for mode in [RunStore.AccessMode.readWrite, .readOnly] {
            #expect(throws: StoreError.notAStore(url.path, reason: "it has tables notes, runs")) { try RunStore(url: url, mode: mode) }
        }
        #expect(try Self.bytes(url) == before)
        #expect(!FileManager.default.fileExists(atPath: url.path + "-wal"))
        // Not SQLite at all.
        let text = dir.appendingPathComponent("notes.sqlite")
        try Data("just some text that is long enough to look like a header of something\n".utf8).write(to: text)
        let textBefore = try Self.bytes(text)
        #expect(throws: StoreError.notAStore(text.path, reason: "not an SQLite database")) { try RunStore(url: text) }
        #expect(try Self.bytes(text) == textBefore)
        // A database with no tables but a user_version of its own.
        let versioned = dir.appendingPathComponent("versioned.sqlite")
        let q2 = try DatabaseQueue(path: versioned.path)
        try q2.write { try $0.execute(sql: "PRAGMA user_version = 7") }
        try q2.close()
        #expect(throws: StoreError.notAStore(versioned.path, reason: "it has no tables and user_version 7")) { try RunStore(url: versioned) }
    }

    /// Oracle: the bytes of the store are unchanged by reading it read-only, and writing through a
    /// read-only store is refused.
    @Test func readOnlyOpeningWritesNothing() throws {
        let url = try RunnerTests.store()
        let outcome = try Runner.start(try RunnerTests.config(), store: url, options: RunnerTests.options())
        try RunStore(url: url).close()
        let before = try Self.bytes(url)
        let store = try RunStore(url: url, mode: .readOnly)
        #expect(try store.runs().map(\.status) == [.completed])
        #expect(try store.lastCheckpoint(runID: outcome.runID)?.step == 20)
        #expect(throws: StoreError.readOnly(url.path)) { try store.setStatus(.failed, runID: outcome.runID, step: 0) }
        #expect(try Self.bytes(url) == before)
        #expect(throws: StoreError.missing(url.path + ".nope")) { try RunStore(url: URL(fileURLWithPath: url.path + ".nope"), mode: .readOnly) }
    }

    /// The schema-1 tables, as BiasLab 0.1.0 wrote them (kept here, apart from the library, as the oracle
    /// of what an old store looks like).
    static let schema1 = """
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
        PRAGMA user_version = 1;
        """

    /// Writes `run` of `source` (with its metrics and last checkpoint) into a new schema-1 store at `url`,
    /// in schema 1's JSON forms: `OptimizerInstance.encodedState()` and base64 probe states.
    static func writeSchema1(_ run: RunStore.Run, from source: RunStore, to url: URL) throws {
        let checkpoint = try #require(try source.lastCheckpoint(runID: run.id))
        var optimizer = try OptimizerSpec(parsing: "adam:torch,lr=0.02").makeInstance(structure: ProblemStructure(dimension: checkpoint.parameters.count))
        try optimizer.restoreState(checkpoint.optimizerState)
        let optimizerJSON = String(decoding: try optimizer.encodedState(), as: UTF8.self)
        let probes = Dictionary(uniqueKeysWithValues: checkpoint.probeStates.map { ("\($0.key)", $0.value.base64EncodedString()) })
        let probeJSON = String(decoding: try JSONEncoder().encode(probes), as: UTF8.self)
        let sampler = try checkpoint.samplerState.map { String(decoding: try JSONEncoder().encode($0), as: UTF8.self) }
        let queue = try DatabaseQueue(path: url.path)
        try queue.write { db in
            try db.execute(sql: schema1)
            try db.execute(sql: """
                INSERT INTO runs (name, config, seed, status, step, total_steps, started_at, biaslab_version)
                VALUES (?, ?, ?, 'interrupted', ?, ?, ?, '0.1.0')
                """, arguments: [run.name, run.config, Int64(run.seed), run.step, run.totalSteps, run.startedAt])
            for row in try source.metrics(runID: run.id) {
                try db.execute(sql: "INSERT INTO metrics VALUES (1, ?, ?, ?)", arguments: [row.step, row.name, row.value.isNaN ? nil : row.value])
            }
            try db.execute(sql: "INSERT INTO checkpoints VALUES (1, ?, ?, ?, ?, ?, ?, '2026-01-01T00:00:00Z')", arguments: [
                checkpoint.step, ParameterBytes.encode(checkpoint.parameters), optimizerJSON, sampler, probeJSON, checkpoint.initialLoss])
        }
        try queue.close()
    }

    /// Oracle: an uninterrupted run. A run interrupted at step 8 is written as a schema-1 store; read-only
    /// it lists and its checkpoint decodes (the file unchanged); opened for writing it is migrated to
    /// schema 2 (binary checkpoints, uuid, claim columns) and resumes to the uninterrupted run's θ and rows.
    @Test func aSchema1StoreIsReadAndMigratedAndResumesBitIdentically() throws {
        let config = try RunnerTests.config()
        let scratch = try RunnerTests.store()
        let straight = try Runner.start(config, store: scratch, options: RunnerTests.options())
        let stopped = try Runner.start(config, store: scratch, options: RunnerTests.options(stopAt: 8))
        let source = try RunStore(url: scratch)
        let old = try CLIRunner.temporaryDirectory().appendingPathComponent("old.sqlite")
        try Self.writeSchema1(try #require(try source.run(id: stopped.runID)), from: source, to: old)
        let before = try Self.bytes(old)

        let readOnly = try RunStore(url: old, mode: .readOnly)
        #expect(readOnly.version == 1)
        let listed = try readOnly.runs()
        #expect(listed.map(\.status) == [.interrupted] && listed[0].uuid.hasPrefix("legacy-"))
        let oldCheckpoint = try #require(try readOnly.lastCheckpoint(runID: 1))
        let newCheckpoint = try #require(try source.lastCheckpoint(runID: stopped.runID))
        #expect(oldCheckpoint.step == 8 && ParameterBytes.encode(oldCheckpoint.parameters) == ParameterBytes.encode(newCheckpoint.parameters))
        #expect(try StateArchive.encode(oldCheckpoint.optimizerState) == StateArchive.encode(newCheckpoint.optimizerState))
        try readOnly.close()
        #expect(try Self.bytes(old) == before)

        let migrated = try RunStore(url: old)
        #expect(migrated.version == 2)
        let version = try migrated.pool.read { try Int.fetchOne($0, sql: "PRAGMA user_version") }
        #expect(version == StoreSchema.current)
        let columns = try migrated.pool.read { db in
            try Row.fetchAll(db, sql: "PRAGMA table_info(checkpoints)").map { "\($0["name"] as String):\($0["type"] as String)" }
        }
        #expect(columns.contains("optimizer_state:BLOB") && columns.contains("probe_states:BLOB"))
        #expect(try migrated.runs()[0].uuid == listed[0].uuid)
        let resumed = try Runner.resume(runID: 1, store: old, options: RunnerTests.options())
        #expect(resumed.status == .completed && resumed.parametersDigest == straight.parametersDigest)
        #expect(try migrated.metrics(runID: 1) == source.metrics(runID: straight.runID))
    }

    /// Oracle: the retention of schema 2 written out — an unfinished schema-1 run keeps its latest two
    /// checkpoints after the migration, a completed one its final checkpoint.
    @Test func theMigrationAppliesRetention() throws {
        let scratch = try RunnerTests.store()
        let stopped = try Runner.start(try RunnerTests.config(), store: scratch, options: RunnerTests.options(stopAt: 8))
        let source = try RunStore(url: scratch)
        let dir = try CLIRunner.temporaryDirectory()
        for (name, status, expected) in [("interrupted.sqlite", "interrupted", [5, 8]), ("completed.sqlite", "completed", [8])] {
            let url = dir.appendingPathComponent(name)
            try Self.writeSchema1(try #require(try source.run(id: stopped.runID)), from: source, to: url)
            let queue = try DatabaseQueue(path: url.path)
            try queue.write { db in
                for step in [2, 5] {
                    try db.execute(sql: """
                        INSERT INTO checkpoints SELECT run_id, ?, parameters, optimizer_state, sampler_state, probe_states, initial_loss, created_at
                        FROM checkpoints WHERE step = 8
                        """, arguments: [step])
                }
                try db.execute(sql: "UPDATE runs SET status = ?", arguments: [status])
            }
            try queue.close()
            #expect(try RunStore(url: url, mode: .readOnly).checkpointSteps(runID: 1) == [2, 5, 8])
            #expect(try RunStore(url: url).checkpointSteps(runID: 1) == expected, "\(status)")
        }
    }

    /// Oracle: sizes. θ ∈ ℝ^d is 8d bytes; Adam's state (m, v ∈ ℝ^d) is 16d bytes plus a header of a few
    /// hundred bytes at most (JSON text would take ≈ 20 bytes per value); a probe's state vector is 8d + small.
    @Test func checkpointsAreBinary() throws {
        let url = try RunnerTests.store()
        let outcome = try Runner.start(try RunnerTests.config(), store: url, options: RunnerTests.options())
        let store = try RunStore(url: url)
        let d = 44
        let sizes = try store.pool.read { db in
            try Row.fetchOne(db, sql: """
                SELECT length(parameters) AS p, length(optimizer_state) AS o, length(probe_states) AS s
                FROM checkpoints WHERE run_id = ? ORDER BY step DESC LIMIT 1
                """, arguments: [outcome.runID])
        }
        let row = try #require(sizes)
        #expect(row["p"] as Int == 8 * d)
        #expect((16 * d...16 * d + 300).contains(row["o"] as Int), "optimizer state \(row["o"] as Int) bytes for d = \(d)")
        // Two sharpness probes keep a warm-start vector each.
        #expect((2 * 8 * d...2 * 8 * d + 300).contains(row["s"] as Int), "probe states \(row["s"] as Int) bytes")
        // At a larger d the ratio is exact up to the header.
        let big = (0..<100_000).map { Double($0) * 1e-3 + .pi }
        #expect(ParameterBytes.encode(big).count == 800_000)
        let moments = AnyOptimizerState.moments(MomentState(step: 7, firstMoment: big, secondMoment: big))
        let archived = try StateArchive.encode(moments)
        #expect(archived.count >= 1_600_000 && archived.count < 1_600_200)
        #expect(try StateArchive.decode(AnyOptimizerState.self, from: archived) == moments)
    }

    /// Round trip of nested values: enums with payloads, optionals, empty arrays, NaN payload bits, Data.
    @Test func stateArchiveRoundTrips() throws {
        struct Inner: Codable, Equatable { var label: String; var values: [Double]; var counts: [Int]; var flag: Bool? }
        struct Outer: Codable, Equatable { var inner: [Inner]; var bytes: Data; var small: Int8; var big: UInt64; var f: Float }
        let nan = Double(bitPattern: 0x7ff8_0000_dead_beef)
        let value = Outer(inner: [Inner(label: "é", values: [1, -0.0, .infinity, nan], counts: [], flag: nil),
                                  Inner(label: "", values: [], counts: [3, -4], flag: true)],
                          bytes: Data([0, 1, 255]), small: -3, big: .max, f: 1.5)
        let back = try StateArchive.decode(Outer.self, from: try StateArchive.encode(value))
        #expect(back.inner[0].values.map(\.bitPattern) == value.inner[0].values.map(\.bitPattern))
        #expect(back.inner[1] == value.inner[1] && back.bytes == value.bytes && back.small == -3 && back.big == .max && back.f == 1.5)
        #expect(throws: ArchiveError.self) { try StateArchive.decode(Outer.self, from: Data("BLA1".utf8) + Data([7, 255, 255, 255, 255, 255, 255, 255, 127])) }
        #expect(throws: ArchiveError.self) { try StateArchive.decode(Outer.self, from: Data("{}".utf8)) }
    }
}
