import Foundation
import GRDB

/// `results merge`: copies the runs of several stores into one, with their metric rows and
/// checkpoints. Run ids are renumbered in the output; a run is identified across stores by its name
/// and stored config JSON (a sweep point's identity, ``SweepPlan``). A run is not copied when the
/// output already holds a finished (completed or diverged) run of the same name and config, so
/// merging the stores of the shards of one sweep — or merging a store twice — gives each point one result.
public enum StoreMerge {
    public struct Report: Codable, Sendable, Equatable {
        /// Runs copied and runs left out as duplicates of a finished run.
        public let copied: Int
        public let skipped: Int
        public let output: String
    }

    /// Merges `inputs` into `output` (created if needed; runs already in it are kept).
    public static func merge(_ inputs: [URL], into output: URL) throws -> Report {
        let target = try RunStore(url: output)
        var copied = 0, skipped = 0
        for input in inputs {
            guard input.standardizedFileURL.path != output.standardizedFileURL.path else {
                throw ConfigError(path: input.path, "is the output store; give a different -o")
            }
            let source = try RunStore(url: input)
            for run in try source.runs() {
                let existing = RunIndex(try target.runs())
                if existing.finished(name: run.name, config: run.config) != nil {
                    skipped += 1
                    continue
                }
                try copy(run, from: source, to: target)
                copied += 1
            }
        }
        return Report(copied: copied, skipped: skipped, output: output.path)
    }

    /// Copies one run with its metrics and checkpoints in one transaction of the target.
    private static func copy(_ run: RunStore.Run, from source: RunStore, to target: RunStore) throws {
        let (metrics, checkpoints) = try source.pool.read { db in
            (try Row.fetchAll(db, sql: "SELECT step, name, value FROM metrics WHERE run_id = ?", arguments: [run.id]),
             try Row.fetchAll(db, sql: """
                SELECT step, parameters, optimizer_state, sampler_state, probe_states, initial_loss, created_at
                FROM checkpoints WHERE run_id = ?
                """, arguments: [run.id]))
        }
        try target.pool.write { db in
            try db.execute(sql: """
                INSERT INTO runs (name, config, seed, status, step, total_steps, message, started_at, finished_at, biaslab_version)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [run.name, run.config, Int64(bitPattern: run.seed), run.status.rawValue, run.step, run.totalSteps,
                                 run.message, run.startedAt, run.finishedAt, run.biaslabVersion])
            let id = db.lastInsertedRowID
            for row in metrics {
                try db.execute(sql: "INSERT INTO metrics (run_id, step, name, value) VALUES (?, ?, ?, ?)",
                               arguments: [id, row["step"] as Int, row["name"] as String, row["value"] as Double?])
            }
            for row in checkpoints {
                try db.execute(sql: """
                    INSERT INTO checkpoints (run_id, step, parameters, optimizer_state, sampler_state, probe_states, initial_loss, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [id, row["step"] as Int, row["parameters"] as Data, row["optimizer_state"] as String,
                                     row["sampler_state"] as String?, row["probe_states"] as String, row["initial_loss"] as Double?,
                                     row["created_at"] as String])
            }
        }
    }
}
