import Foundation
import GRDB
import Optim

/// The columns of a checkpoint row (schema 2), and the reading of schema 1's JSON columns:
///
/// - `parameters`: θ as d raw little-endian float64 (``ParameterBytes``), 8d bytes;
/// - `optimizer_state`: the optimizer's `AnyOptimizerState` as a ``StateArchive`` — its moment vectors raw float64;
/// - `probe_states`: a ``StateArchive`` of `[ProbeState]`, one entry per probe with memory. A probe's
///   `encodedState()` that is a JSON array of numbers (a state vector, e.g. the sharpness probes'
///   warm-start vector) is kept as raw float64 and given back as the identical JSON bytes
///   (`JSONEncoder().encode(vector)`, checked equal when saving); any other state is kept as its bytes.
enum CheckpointCoding {
    /// One probe's saved memory.
    struct ProbeState: Codable, Equatable {
        let probe: Int
        /// The state as a vector, when its JSON is exactly `JSONEncoder().encode(vector)`.
        var vector: [Double]?
        /// The state's bytes otherwise.
        var bytes: Data?
    }

    static func encode(_ state: AnyOptimizerState) throws -> Data { try StateArchive.encode(state) }

    static func optimizerState(_ data: Data) throws -> AnyOptimizerState {
        try StateArchive.decode(AnyOptimizerState.self, from: data)
    }

    static func encode(_ probeStates: [Int: Data]) throws -> Data {
        let entries = probeStates.keys.sorted().map { index -> ProbeState in
            let data = probeStates[index]!
            if let vector = try? JSONDecoder().decode([Double].self, from: data), (try? JSONEncoder().encode(vector)) == data {
                return ProbeState(probe: index, vector: vector)
            }
            return ProbeState(probe: index, bytes: data)
        }
        return try StateArchive.encode(entries)
    }

    static func probeStates(_ data: Data) throws -> [Int: Data] {
        var states: [Int: Data] = [:]
        for entry in try StateArchive.decode([ProbeState].self, from: data) {
            if let vector = entry.vector { states[entry.probe] = try JSONEncoder().encode(vector) } else if let bytes = entry.bytes {
                states[entry.probe] = bytes
            }
        }
        return states
    }

    // MARK: Schema 1

    /// A schema-1 row's `optimizer_state` and `probe_states` in the binary form (migration, merge).
    static func binaryColumns(ofSchema1 row: Row) throws -> (optimizer: Data, probes: Data) {
        (try encode(legacyOptimizerState(row["optimizer_state"])), try encode(legacyProbeStates(row["probe_states"])))
    }

    /// Schema 1's `optimizer_state`: `OptimizerInstance.encodedState()` JSON (non-finite numbers as strings).
    static func legacyOptimizerState(_ json: String) throws -> AnyOptimizerState {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try decoder.decode(AnyOptimizerState.self, from: Data(json.utf8))
    }

    /// Schema 1's `probe_states`: JSON `{probe index: base64 of the probe's encodedState()}`.
    static func legacyProbeStates(_ json: String) throws -> [Int: Data] {
        let probes = try JSONDecoder().decode([String: String].self, from: Data(json.utf8))
        var states: [Int: Data] = [:]
        for (key, value) in probes { if let i = Int(key), let data = Data(base64Encoded: value) { states[i] = data } }
        return states
    }
}

/// The identity of a run across stores (`runs.uuid`): a fresh UUID for a run created by schema 2; for
/// a run written by schema 1, an FNV-1a digest of its name, config and start time, the same whether
/// the store was migrated or is read as it is.
enum RunIdentity {
    static func fresh() -> String { UUID().uuidString.lowercased() }

    static func legacy(name: String, config: String, startedAt: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in Array(name.utf8) + [0] + Array(config.utf8) + [0] + Array(startedAt.utf8) {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        return "legacy-" + String(format: "%016llx", hash)
    }
}
