import DataIO
import Foundation
import GRDB
import Optim

extension RunStore {
    /// One row of `checkpoints`: everything a run needs to continue bit for bit from `step`.
    public struct Checkpoint: Sendable {
        public let step: Int
        public let parameters: [Double]
        public let optimizerState: AnyOptimizerState
        public let samplerState: SamplerState?
        /// Each probe's `encodedState()`, by the probe's index in the config.
        public let probeStates: [Int: Data]
        public let initialLoss: Double?

        public init(step: Int, parameters: [Double], optimizerState: AnyOptimizerState, samplerState: SamplerState?,
                    probeStates: [Int: Data], initialLoss: Double?) {
            self.step = step
            self.parameters = parameters
            self.optimizerState = optimizerState
            self.samplerState = samplerState
            self.probeStates = probeStates
            self.initialLoss = initialLoss
        }
    }

    /// Saves a checkpoint and the run's step, and deletes all but the run's latest `keep` checkpoints,
    /// in one transaction (`keep` ≥ 1: the checkpoint just saved is always kept). The older ones are
    /// deleted before the new one is written, so the file never holds more than `keep` of a run's
    /// checkpoints (their pages are reused for the next).
    public func saveCheckpoint(runID: Int64, _ checkpoint: Checkpoint, keep: Int = RunConfig.Defaults.checkpointKeep) throws {
        let sampler = try checkpoint.samplerState.map { String(decoding: try JSONEncoder.sorted.encode($0), as: UTF8.self) }
        let optimizer = try CheckpointCoding.encode(checkpoint.optimizerState)
        let probes = try CheckpointCoding.encode(checkpoint.probeStates)
        try write { db in
            try db.execute(sql: """
                DELETE FROM checkpoints WHERE run_id = ? AND step NOT IN
                  (SELECT step FROM checkpoints WHERE run_id = ? AND step < ? ORDER BY step DESC LIMIT ?)
                """, arguments: [runID, runID, checkpoint.step, max(1, keep) - 1])
            try db.execute(sql: """
                INSERT OR REPLACE INTO checkpoints
                  (run_id, step, parameters, optimizer_state, sampler_state, probe_states, initial_loss, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [runID, checkpoint.step, ParameterBytes.encode(checkpoint.parameters), optimizer, sampler, probes,
                                 checkpoint.initialLoss, Self.now()])
            try db.execute(sql: "UPDATE runs SET step = ? WHERE id = ?", arguments: [checkpoint.step, runID])
        }
    }

    /// The steps of a run's checkpoints, in order.
    public func checkpointSteps(runID: Int64) throws -> [Int] {
        guard version > 0 else { return [] }
        return try pool.read { db in try Int.fetchAll(db, sql: "SELECT step FROM checkpoints WHERE run_id = ? ORDER BY step", arguments: [runID]) }
    }

    /// The checkpoint with the largest step, if any (of either schema).
    public func lastCheckpoint(runID: Int64) throws -> Checkpoint? {
        guard version > 0 else { return nil }
        let row = try pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM checkpoints WHERE run_id = ? ORDER BY step DESC LIMIT 1", arguments: [runID])
        }
        guard let row else { return nil }
        let sampler: SamplerState? = try (row["sampler_state"] as String?).map {
            try JSONDecoder().decode(SamplerState.self, from: Data($0.utf8))
        }
        let optimizer: AnyOptimizerState, probes: [Int: Data]
        if version < 2 {
            optimizer = try CheckpointCoding.legacyOptimizerState(row["optimizer_state"])
            probes = try CheckpointCoding.legacyProbeStates(row["probe_states"])
        } else {
            optimizer = try CheckpointCoding.optimizerState(row["optimizer_state"])
            probes = try CheckpointCoding.probeStates(row["probe_states"])
        }
        return Checkpoint(step: row["step"], parameters: ParameterBytes.decode(row["parameters"]), optimizerState: optimizer,
                          samplerState: sampler, probeStates: probes, initialLoss: row["initial_loss"] as Double?)
    }

    /// Deletes the metric rows of steps ≥ `step` (measurements after the checkpoint a run resumes from).
    public func discardMetrics(runID: Int64, fromStep step: Int) throws {
        try write { db in
            try db.execute(sql: "DELETE FROM metrics WHERE run_id = ? AND step >= ?", arguments: [runID, step])
        }
    }
}
