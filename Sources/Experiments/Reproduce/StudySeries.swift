import Foundation

/// One run of a study, named by a key unique within the study (e.g. `b=8,seed=0`).
///
/// Two runs are the same run when key and seed match (``StudyMeasurements`` looks runs up that way); the
/// `configuration` (everything the measurement depends on, e.g. model, data, η, steps) is stored with the
/// run, so a study whose code changes its setting measures anew instead of analysing stale series.
public struct StudyRun: Codable, Hashable, Sendable, CustomStringConvertible {
    public let key: String
    /// The run's seed (initialization, batches, label noise).
    public let seed: UInt64
    public let configuration: String

    public init(_ key: String, seed: UInt64 = 0, configuration: String = "") {
        self.key = key
        self.seed = seed
        self.configuration = configuration
    }

    public static func == (a: StudyRun, b: StudyRun) -> Bool { a.key == b.key && a.seed == b.seed }
    public func hash(into hasher: inout Hasher) {
        hasher.combine(key)
        hasher.combine(seed)
    }

    public var description: String { key }
}

/// What one run of a study measured: rows of named values by step, stored as the run store's metric rows
/// (`results export` reads them back for an independent analysis).
public struct StudySeries: Sendable, Equatable {
    /// values[step][name].
    public private(set) var rows: [Int: [String: Double]] = [:]

    public init() {}

    /// Records `values` at `step` (replacing values of the same name there).
    public mutating func record(step: Int, _ values: [String: Double]) {
        rows[step, default: [:]].merge(values) { _, new in new }
    }

    /// The steps at which `name` was recorded, ascending, with its values.
    public func series(_ name: String) -> (steps: [Int], values: [Double]) {
        let steps = rows.keys.sorted().filter { rows[$0]![name] != nil }
        return (steps, steps.map { rows[$0]![name]! })
    }

    /// The values of `name` in step order.
    public func values(_ name: String) -> [Double] { series(name).values }

    /// The value of `name` at its last recorded step.
    public func last(_ name: String) -> Double? { series(name).values.last }

    /// Every metric name recorded.
    public var names: Set<String> { Set(rows.values.flatMap(\.keys)) }
}

/// The series of a study's runs.
public struct StudyMeasurements: Sendable {
    private var byRun: [StudyRun: StudySeries] = [:]

    public init() {}

    public subscript(run: StudyRun) -> StudySeries? {
        get { byRun[run] }
        set { byRun[run] = newValue }
    }

    /// The series of `run`; a study's analysis asks only for the runs it planned, so a missing one is a
    /// programming error of the caller.
    public func series(_ run: StudyRun) throws -> StudySeries {
        guard let s = byRun[run] else { throw StudyError.missingRun(run.key) }
        return s
    }

    public var count: Int { byRun.count }
}

/// Why a study could not run or be analysed.
public enum StudyError: Error, CustomStringConvertible, Equatable {
    case missingRun(String)
    case failedRun(String, String)

    public var description: String {
        switch self {
        case .missingRun(let key): "run '\(key)' has not been measured"
        case .failedRun(let key, let message): "run '\(key)' failed: \(message)"
        }
    }
}
