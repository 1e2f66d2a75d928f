import Foundation
import GRDB

/// `results merge`: copies the runs of several stores into one, with their metric rows and checkpoints.
///
/// - **Identity.** A run is the same run in every store by its `uuid` (``RunIdentity``): a run whose
///   uuid the output already holds is not copied again, whatever its state — unless the input's copy is
///   further along (it finished since, or reached a later step), which replaces the output's. A run is
///   also left out when the output holds a finished (completed or diverged) run of the same name and
///   config (a sweep point's identity, ``SweepPlan``), so merging the stores of a sweep's shards gives
///   each point one result. Merging a store twice adds nothing.
/// - **Atomicity.** The output is written to a temporary file in its folder (a copy of the existing
///   output, if any, plus the new runs) that replaces it by `rename` once complete; a failure leaves the
///   output as it was and removes the temporary file.
/// - **Inputs** are opened read-only (``RunStore/AccessMode/readOnly``), so they may be read-only files
///   or older-schema stores; an input that cannot be read fails the merge with an error naming it.
///
/// Run ids are renumbered in the output; claims are not copied (a copied `running` run is one to resume).
/// No other process may write to the output while it is merged into: the rename replaces the file.
public enum StoreMerge {
    public struct Report: Codable, Sendable, Equatable {
        /// Runs copied, runs replaced by a further-along copy, and runs left out (already there, or a
        /// duplicate of a finished run).
        public let copied: Int
        public let updated: Int
        public let skipped: Int
        public let output: String
    }

    /// Why a merge failed, naming the store at fault.
    public enum Failure: Error, CustomStringConvertible {
        /// An input store could not be opened or read.
        case input(String, any Error)
        /// The output could not be read or written.
        case output(String, any Error)

        public var description: String {
            switch self {
            case .input(let path, let error): "cannot read \(path): \(error)"
            case .output(let path, let error): "cannot write \(path): \(error)"
            }
        }

        /// True when the input or output is not a store (bad input) rather than an I/O failure.
        public var isBadInput: Bool {
            switch self {
            case .input(_, let error), .output(_, let error): error is StoreError || error is ConfigError
            }
        }
    }

    /// Merges `inputs` into `output` (created if needed; runs already in it are kept).
    public static func merge(_ inputs: [URL], into output: URL) throws -> Report {
        for input in inputs where input.standardizedFileURL.path == output.standardizedFileURL.path {
            throw Failure.input(input.path, ConfigError(path: "", "is the output store; give a different -o"))
        }
        let sources = try inputs.map { input in
            do { return try RunStore(url: input, mode: .readOnly) } catch { throw Failure.input(input.path, error) }
        }
        let folder = output.deletingLastPathComponent()
        let temporary = folder.appendingPathComponent(".\(output.lastPathComponent).merge-\(UUID().uuidString)")
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: temporary.path + suffix) } }
        var counts = (copied: 0, updated: 0, skipped: 0)
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            if FileManager.default.fileExists(atPath: output.path) && StoreFile.hasContent(output) {
                let existing = try RunStore(url: output, mode: .readOnly)
                let copy = try DatabaseQueue(path: temporary.path)
                try existing.pool.backup(to: copy)
                try copy.close()
            }
        } catch { throw Failure.output(output.path, error) }
        let target: RunStore
        do { target = try RunStore(url: temporary) } catch { throw Failure.output(output.path, error) }
        for (input, source) in zip(inputs, sources) {
            let runs: [RunStore.Run]
            do { runs = try source.runs() } catch { throw Failure.input(input.path, error) }
            for run in runs {
                let present: [RunStore.Run]
                do { present = try target.runs() } catch { throw Failure.output(output.path, error) }
                if let same = present.first(where: { $0.uuid == run.uuid }) {
                    guard run.isFurther(than: same) else { counts.skipped += 1; continue }
                    try copy(run, from: source, input: input, to: target, output: output, replacing: same.id)
                    counts.updated += 1
                } else if RunIndex(present).finished(name: run.name, config: run.config) != nil {
                    counts.skipped += 1
                } else {
                    try copy(run, from: source, input: input, to: target, output: output, replacing: nil)
                    counts.copied += 1
                }
            }
        }
        do {
            try target.close()
            for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: output.path + suffix) }
            guard rename(temporary.path, output.path) == 0 else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: String(cString: strerror(errno))])
            }
        } catch { throw Failure.output(output.path, error) }
        return Report(copied: counts.copied, updated: counts.updated, skipped: counts.skipped, output: output.path)
    }

    /// Copies one run with its metrics and checkpoints (in the current checkpoint form) in one
    /// transaction of the target, first deleting the target's run `replacing` (an older copy).
    private static func copy(_ run: RunStore.Run, from source: RunStore, input: URL, to target: RunStore, output: URL,
                             replacing: Int64?) throws {
        let metrics: [Row], checkpoints: [(row: Row, optimizer: Data, probes: Data)]
        do {
            let rows: [Row]
            (metrics, rows) = try source.pool.read { db in
                (try Row.fetchAll(db, sql: "SELECT step, name, value FROM metrics WHERE run_id = ?", arguments: [run.id]),
                 try Row.fetchAll(db, sql: "SELECT * FROM checkpoints WHERE run_id = ? ORDER BY step", arguments: [run.id]))
            }
            // Schema-1 checkpoints are converted to the binary form here, so a bad one names its input.
            let legacy = source.version < 2
            checkpoints = try rows.map { row in
                let binary = legacy ? try CheckpointCoding.binaryColumns(ofSchema1: row) : (row["optimizer_state"], row["probe_states"])
                return (row, binary.optimizer, binary.probes)
            }
        } catch { throw Failure.input(input.path, error) }
        do {
            try target.write { db in
                if let replacing { try db.execute(sql: "DELETE FROM runs WHERE id = ?", arguments: [replacing]) }
                try db.execute(sql: """
                    INSERT INTO runs (name, config, seed, status, step, total_steps, message, started_at, finished_at, biaslab_version, uuid)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [run.name, run.config, Int64(bitPattern: run.seed), run.status.rawValue, run.step, run.totalSteps,
                                     run.message, run.startedAt, run.finishedAt, run.biaslabVersion, run.uuid])
                let id = db.lastInsertedRowID
                for row in metrics {
                    try db.execute(sql: "INSERT INTO metrics (run_id, step, name, value) VALUES (?, ?, ?, ?)",
                                   arguments: [id, row["step"] as Int, row["name"] as String, row["value"] as Double?])
                }
                for (row, optimizer, probes) in checkpoints {
                    try db.execute(sql: """
                        INSERT INTO checkpoints (run_id, step, parameters, optimizer_state, sampler_state, probe_states, initial_loss, created_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                        """, arguments: [id, row["step"] as Int, row["parameters"] as Data, optimizer, row["sampler_state"] as String?,
                                         probes, row["initial_loss"] as Double?, row["created_at"] as String])
                }
            }
        } catch { throw Failure.output(output.path, error) }
    }
}

extension RunStore.Run {
    /// True when this copy of a run is further along than `other` (same uuid): it has a result and the
    /// other has not, or neither has and it reached a later step.
    func isFurther(than other: RunStore.Run) -> Bool {
        if status.isFinal != other.status.isFinal { return status.isFinal }
        return !status.isFinal && step > other.step
    }
}
