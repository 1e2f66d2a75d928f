import Foundation

/// `AGG:METRIC` or `METRIC`: one number per run from a metric's series ordered by step — `final` (the
/// value at the largest step; the aggregate when none is written), `min` or `max` (over finite values).
/// E.g. `min:test_loss`, `final:train_loss`, `test_accuracy` (= `final:test_accuracy`).
public struct SummaryMetric: Sendable, Equatable, CustomStringConvertible {
    public enum Aggregate: String, Sendable, CaseIterable { case final, min, max }
    public let aggregate: Aggregate
    public let metric: String

    public init(_ aggregate: Aggregate, _ metric: String) {
        self.aggregate = aggregate
        self.metric = metric
    }

    public init(parsing text: String, path: String) throws(ConfigError) {
        let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        let aggregate = parts.count == 2 ? Aggregate(rawValue: parts[0]) : .final
        guard let aggregate, let metric = parts.last, !metric.isEmpty, !metric.contains(":") else {
            throw ConfigError(path: path, "expected METRIC or AGG:METRIC with AGG one of final, min, max (e.g. min:test_loss), got '\(text)'")
        }
        self.init(aggregate, metric)
    }

    /// The aggregate of `rows` (one metric, ordered by step); nil when there is no finite value.
    public func value(of rows: [RunStore.MetricRow]) -> Double? {
        let finite = rows.map(\.value).filter(\.isFinite)
        switch aggregate {
        case .final: return rows.last.flatMap { $0.value.isFinite ? $0.value : nil }
        case .min: return finite.min()
        case .max: return finite.max()
        }
    }

    public var description: String { "\(aggregate.rawValue):\(metric)" }
}

/// Whether a sweep's best cell has the smallest (`min`, the default) or the largest (`max`) mean
/// objective: `summary.goal` in a sweep file.
public enum SummaryGoal: String, Sendable, Codable, CaseIterable {
    case min, max

    /// Whether `candidate` beats `incumbent` under this goal (ties keep the incumbent, the earlier cell).
    public func prefers(_ candidate: Double, over incumbent: Double) -> Bool {
        switch self {
        case .min: candidate < incumbent
        case .max: candidate > incumbent
        }
    }

    /// "lower is better" or "higher is better".
    public var phrase: String { self == .min ? "lower is better" : "higher is better" }
}
