import Foundation

/// `AGG:METRIC`: one number per run from a metric's series ordered by step — `final` (the value at
/// the largest step), `min` or `max` (over finite values). E.g. `min:test_loss`, `final:train_loss`.
public struct SummaryMetric: Sendable, Equatable, CustomStringConvertible {
    public enum Aggregate: String, Sendable, CaseIterable { case final, min, max }
    public let aggregate: Aggregate
    public let metric: String

    public init(_ aggregate: Aggregate, _ metric: String) {
        self.aggregate = aggregate
        self.metric = metric
    }

    public init(parsing text: String, path: String) throws(ConfigError) {
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2, let aggregate = Aggregate(rawValue: parts[0]), !parts[1].isEmpty else {
            throw ConfigError(path: path, "expected AGG:METRIC with AGG one of final, min, max (e.g. min:test_loss), got '\(text)'")
        }
        self.init(aggregate, parts[1])
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

/// A sweep's results in a store: one row per point (its run, status and summary numbers) and, per
/// group (the values of ``SweepSpec/groupBy``), the point minimizing the objective metric among runs
/// that completed. Diverged, missing and unfinished runs have no objective value.
public struct SweepSummary: Codable, Sendable, Equatable {
    public let sweep: String
    /// The objective, e.g. `min:test_loss`.
    public let metric: String
    public let variedKeys: [String]
    public let groupBy: [String]
    public let rows: [Row]
    public let best: [Best]

    public struct Row: Codable, Sendable, Equatable {
        public let index: Int
        public let name: String
        /// The point's assignments as text, by key path.
        public let assignments: [String: String]
        /// nil when the store holds no run of this point.
        public let runID: Int64?
        /// `completed`, `diverged`, `interrupted`, `running`, `failed`, or `missing`.
        public let status: String
        public let step: Int
        /// The objective (nil unless completed with a finite value).
        public let objective: Double?
        /// final/min/max of train and test loss and accuracy, as `final_train_loss`, `min_test_loss`, ….
        public let values: [String: Double]
    }

    public struct Best: Codable, Sendable, Equatable {
        /// The group's values, by key path (empty for the whole sweep).
        public let group: [String: String]
        public let index: Int
        public let name: String
        public let objective: Double
    }

    /// Metrics summarized in ``Row/values``.
    static let summarized = [TrainMetricsProbe.loss, TestMetricsProbe.loss, TrainMetricsProbe.accuracy, TestMetricsProbe.accuracy].map(\.name)

    public init(spec: SweepSpec, points: [SweepPoint], store: RunStore) throws {
        let runs = RunIndex(try store.runs())
        var series: [Int64: [String: [RunStore.MetricRow]]] = [:]
        var records: [(SweepPoint, RunStore.Run?)] = []
        for point in points {
            let run = runs.finished(name: point.name, config: point.configJSON)
                ?? runs.latest(name: point.name, config: point.configJSON, status: .interrupted)
            if let run { series[run.id] = Dictionary(grouping: try store.metrics(runID: run.id), by: \.name) }
            records.append((point, run))
        }
        let hasTest = series.values.contains { $0["test_loss"] != nil }
        let objective = spec.metric ?? SummaryMetric(hasTest ? .min : .final, hasTest ? "test_loss" : "train_loss")
        sweep = spec.name
        metric = objective.description
        variedKeys = spec.variedKeys
        groupBy = spec.groupBy
        rows = records.map { point, run in
            let metrics = run.flatMap { series[$0.id] } ?? [:]
            var values: [String: Double] = [:]
            for name in Self.summarized {
                guard let rows = metrics[name] else { continue }
                for aggregate in SummaryMetric.Aggregate.allCases {
                    if let v = SummaryMetric(aggregate, name).value(of: rows) { values["\(aggregate.rawValue)_\(name)"] = v }
                }
            }
            let objectiveValue = run?.status == .completed ? metrics[objective.metric].flatMap(objective.value(of:)) : nil
            return Row(index: point.index, name: point.name,
                       assignments: Dictionary(uniqueKeysWithValues: point.assignments.map { ($0.key, $0.value.text) }),
                       runID: run?.id, status: run?.status.rawValue ?? "missing", step: run?.step ?? 0,
                       objective: objectiveValue, values: values)
        }
        var groups: [[String: String]: Row] = [:]
        var order: [[String: String]] = []
        for row in rows {
            let group = Dictionary(uniqueKeysWithValues: spec.groupBy.map { ($0, row.assignments[$0] ?? "-") })
            if !order.contains(group) { order.append(group) }
            guard let value = row.objective else { continue }
            if let current = groups[group]?.objective, current <= value { continue }
            groups[group] = row
        }
        best = order.compactMap { group in
            groups[group].map { Best(group: group, index: $0.index, name: $0.name, objective: $0.objective!) }
        }
    }

    /// The summary as an aligned text table, then the best point of each group.
    public var table: String {
        let keys = variedKeys
        let valueColumns = ["final_train_loss", "final_train_accuracy", "final_test_loss", "final_test_accuracy"]
            .filter { name in name != metric.replacingOccurrences(of: ":", with: "_") && rows.contains { $0.values[name] != nil } }
        let header = ["#"] + keys.map { String($0.split(separator: ".").last ?? "") } + ["status", "step", metric] + valueColumns
        var lines: [[String]] = [header]
        for row in rows {
            lines.append(["\(row.index)"] + keys.map { row.assignments[$0] ?? "-" } + [row.status, "\(row.step)", Self.format(row.objective)]
                         + valueColumns.map { Self.format(row.values[$0]) })
        }
        var out = TextTable.lines(lines)
        for b in best {
            let group = b.group.isEmpty ? "" : " for " + b.group.keys.sorted().map { "\($0)=\(b.group[$0]!)" }.joined(separator: ", ")
            out.append("best\(group): #\(b.index) \(b.name) with \(metric) = \(Self.format(b.objective))")
        }
        return out.joined(separator: "\n")
    }

    static func format(_ value: Double?) -> String {
        guard let value else { return "-" }
        return String(format: "%.5g", value)
    }
}
