import Foundation

/// A sweep's results in a store: one row per point (its run, status and summary numbers), one cell
/// per combination of the varied keys other than `seed` (the seeds of a cell averaged: ``SeedSpread``
/// — mean, standard error, min and max of the objective over its seeds), and per group (the values of
/// ``SweepSpec/groupBy``) the cell whose mean objective is best under ``SweepSpec/goal``. When `seed`
/// is a group key, or not varied, every cell is one point. Diverged, missing and unfinished runs have
/// no objective; a cell competes for best only when every one of its seeds has one.
public struct SweepSummary: Codable, Sendable, Equatable {
    public let sweep: String
    /// The objective, e.g. `min:test_loss`.
    public let metric: String
    /// Whether the best cell minimizes or maximizes the mean objective.
    public let goal: SummaryGoal
    public let variedKeys: [String]
    public let groupBy: [String]
    public let rows: [Row]
    /// The cells in sweep order (of their first point).
    public let cells: [Cell]
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

    /// The points that differ only in their seed.
    public struct Cell: Codable, Sendable, Equatable {
        /// The point's label without `seed=…`, e.g. `beta1=0.9,beta2=0.99`.
        public let name: String
        /// The cell's values of the varied keys other than `seed`, by key path.
        public let assignments: [String: String]
        /// The points of the cell (sweep indices), one per seed.
        public let indices: [Int]
        /// The objective over the seeds that have one (nil when none has).
        public let spread: SeedSpread?
        /// Whether every point of the cell has an objective (only then can the cell be best).
        public var isComplete: Bool { spread?.count == indices.count }
    }

    public struct Best: Codable, Sendable, Equatable {
        /// The group's values, by key path (empty for the whole sweep).
        public let group: [String: String]
        /// The cell's first point.
        public let index: Int
        /// The cell's name (``Cell/name``).
        public let name: String
        /// The cell's mean objective over its seeds.
        public let objective: Double
        /// Its spread over the seeds.
        public let spread: SeedSpread
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
        goal = spec.goal
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
        cells = Self.cells(rows, keys: spec.cellKeys)
        best = Self.best(cells, groupBy: spec.groupBy, goal: spec.goal)
    }

    /// The rows grouped by their values of `keys`, in order of first appearance.
    static func cells(_ rows: [Row], keys: [String]) -> [Cell] {
        var order: [[String: String]] = []
        var members: [[String: String]: [Row]] = [:]
        for row in rows {
            let key = Dictionary(uniqueKeysWithValues: keys.map { ($0, row.assignments[$0] ?? "-") })
            if members[key] == nil { order.append(key) }
            members[key, default: []].append(row)
        }
        return order.map { key in
            let rows = members[key]!
            return Cell(name: cellName(rows[0]), assignments: key, indices: rows.map(\.index), spread: SeedSpread(rows.compactMap(\.objective)))
        }
    }

    /// A point's label (after `SWEEP/`) without its `seed=…` part.
    static func cellName(_ row: Row) -> String {
        let label = row.name.split(separator: "/", maxSplits: 1).last.map(String.init) ?? row.name
        guard let seed = row.assignments["seed"] else { return label }
        return label.split(separator: ",").filter { $0 != "seed=\(seed)" }.joined(separator: ",")
    }

    /// Per group, the complete cell with the best mean under `goal` (the first on ties).
    static func best(_ cells: [Cell], groupBy: [String], goal: SummaryGoal) -> [Best] {
        var order: [[String: String]] = []
        var winners: [[String: String]: Best] = [:]
        for cell in cells {
            let group = Dictionary(uniqueKeysWithValues: groupBy.map { ($0, cell.assignments[$0] ?? "-") })
            if !order.contains(group) { order.append(group) }
            guard cell.isComplete, let spread = cell.spread else { continue }
            if let current = winners[group], !goal.prefers(spread.mean, over: current.objective) { continue }
            winners[group] = Best(group: group, index: cell.indices[0], name: cell.name, objective: spread.mean, spread: spread)
        }
        return order.compactMap { winners[$0] }
    }

    /// Whether cells hold more than one point (seeds averaged).
    public var averagesSeeds: Bool { cells.contains { $0.indices.count > 1 } }

    /// The summary as aligned text tables — the points, then (when seeds are averaged) the cells — and
    /// the best cell of each group.
    public var table: String {
        let keys = variedKeys
        let valueColumns = ["final_train_loss", "final_train_accuracy", "final_test_loss", "final_test_accuracy"]
            .filter { name in name != metric.replacingOccurrences(of: ":", with: "_") && rows.contains { $0.values[name] != nil } }
        let header = ["#"] + keys.map(Self.shortKey) + ["status", "step", metric] + valueColumns
        var lines: [[String]] = [header]
        for row in rows {
            lines.append(["\(row.index)"] + keys.map { row.assignments[$0] ?? "-" } + [row.status, "\(row.step)", Self.format(row.objective)]
                         + valueColumns.map { Self.format(row.values[$0]) })
        }
        var out = TextTable.lines(lines)
        if averagesSeeds {
            out.append("")
            out += TextTable.lines([cellHeader.map { $0 == "cell" ? $0 : $0.replacingOccurrences(of: " ", with: "_") }] + cellRows)
        }
        for b in best {
            let group = b.group.isEmpty ? "" : " for " + b.group.keys.sorted().map { "\($0)=\(b.group[$0]!)" }.joined(separator: ", ")
            out.append("best\(group) (\(goal.rawValue)): \(b.name) with \(describe(b.spread))")
        }
        return out.joined(separator: "\n")
    }

    /// Columns of ``cellRows``.
    public var cellHeader: [String] { ["cell", "seeds", "mean \(metric)", "se", "min", "max"] }

    /// One row per cell: name, seeds with an objective / points, mean, standard error, min, max.
    public var cellRows: [[String]] {
        cells.map { cell in
            let s = cell.spread
            return [cell.name, "\(s?.count ?? 0)/\(cell.indices.count)", Self.format(s?.mean), Self.format(s?.standardError),
                    Self.format(s?.min), Self.format(s?.max)]
        }
    }

    /// `mean METRIC = x ± se over n seeds (min … max)`, or `METRIC = x` for a single point.
    public func describe(_ spread: SeedSpread) -> String {
        guard spread.count > 1 else { return "\(metric) = \(Self.format(spread.mean))" }
        return "mean \(metric) = \(Self.format(spread.mean)) ± \(Self.format(spread.standardError)) (SE over \(spread.count) seeds; "
            + "min \(Self.format(spread.min)), max \(Self.format(spread.max)))"
    }

    static func shortKey(_ key: String) -> String { String(key.split(separator: ".").last ?? "") }

    static func format(_ value: Double?) -> String {
        guard let value else { return "-" }
        return String(format: "%.5g", value)
    }
}
