import Foundation
import Tensor
import Yams

/// A sweep: a base run config and the values to vary, expanded into runs with deterministic names.
/// Every key with its default: docs/CONFIG.md § Sweeps (``ConfigReference/sweepKeys``).
///
/// ```yaml
/// name: adam-betas                        # default: the sweep file's base name
/// base: ../tiny-synthetic.yaml            # a config file (relative to this file) or an inline mapping
/// grid:                                   # the Cartesian product, first key slowest (odometer order)
///   optimizer.beta1: [0.0, 0.9]           # any config key path, as in `biaslab run --set`
///   optimizer.beta2: [0.9, 0.999]
///   seed: [0, 1]
/// list:                                   # optional: explicit points (outer loop when a grid is given too);
///   - {name: gd, optimizer: sgd}          #   `name` labels the point, other keys are key paths
///   - {name: adam, optimizer.name: adam:torch, optimizer.lr: 1e-3}
/// summary:
///   metric: min:test_loss                 # AGG:METRIC with AGG in final | min | max, or METRIC (= final:METRIC)
///   goal: min                             # min (default) or max: the best cell has the least/greatest mean
///   group_by: [training.batch_size]       # the best cell within each group (default: one group)
/// report:
///   heatmap: {x: optimizer.beta1, y: optimizer.beta2}   # default: the first two grid keys
/// ```
///
/// Point `i`'s run is named `SWEEP/LABEL`, where LABEL is the list entry's `name` (if any) followed by
/// `key=value` for each assigned key path (the last path component when that is unambiguous), e.g.
/// `adam-betas/beta1=0.9,beta2=0.999,seed=1`. A run in a store belongs to a point when both its name
/// and its stored config JSON equal the point's, so editing the base config never reuses stale runs.
///
/// The summary averages each cell — the points that differ only in `seed` — over its seeds before it
/// ranks cells (``SweepSummary``).
public struct SweepSpec: Sendable {
    public var name: String
    /// The base config tree (before the point's assignments).
    public var base: ConfigValue
    /// Grid axes in the order written.
    public var grid: [Axis]
    /// Explicit points: assignments in the order written.
    public var list: [[Assignment]]
    /// The summary's objective (`min:test_loss`); nil: `min:test_loss` when runs have a test loss, else `final:train_loss`.
    public var metric: SummaryMetric?
    /// Whether the summary's best cell minimizes or maximizes the mean objective (`summary.goal`).
    public var goal: SummaryGoal
    /// Key paths whose values form the summary's groups.
    public var groupBy: [String]
    /// The heatmap axes of the report (key paths); nil: the first two grid keys.
    public var heatmapX: String?
    public var heatmapY: String?

    /// One grid axis: a key path and its values.
    public struct Axis: Sendable, Equatable {
        public let key: String
        public let values: [ConfigValue]
    }

    /// `key.path = value`.
    public struct Assignment: Sendable, Equatable {
        public let key: String
        public let value: ConfigValue
    }

    /// Reads a sweep file; `overrides` (`key.path=value`) edit the base config of every point.
    public static func load(contentsOf url: URL, overrides: [String] = []) throws(ConfigError) -> SweepSpec {
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw ConfigError(path: "", "cannot read sweep file \(url.path)")
        }
        return try parse(yaml: text, source: url.path, defaultName: url.deletingPathExtension().lastPathComponent,
                         directory: url.deletingLastPathComponent(), overrides: overrides)
    }

    /// Parses a sweep document; a `base:` path is resolved against `directory`.
    /// The most points a sweep may have (grid and list together); a sweep is planned point by point.
    public static let maxPoints = 100_000

    public static func parse(yaml text: String, source: String, defaultName: String, directory: URL,
                             overrides: [String] = []) throws(ConfigError) -> SweepSpec {
        let document = try ConfigValue.parse(yaml: text, source: source)
        let order = KeyOrder(yaml: text)
        var root = try ConfigReader(document, path: "")
        let name = try root.string("name", default: defaultName)
        guard !name.isEmpty, !name.contains("/") else { throw ConfigError(path: "name", "must be a non-empty name without '/', got '\(name)'") }

        var base: ConfigValue
        switch root.value("base") {
        case .string(let path)?:
            let url = path.hasPrefix("/") ? URL(fileURLWithPath: path) : directory.appendingPathComponent(path)
            let baseText: String
            do { baseText = try String(contentsOf: url, encoding: .utf8) } catch {
                throw ConfigError(path: "base", "cannot read the base config \(url.path)")
            }
            base = try ConfigValue.parse(yaml: baseText, source: url.path)
        case .map(let m)?: base = .map(m)
        case nil: throw ConfigError(path: "base", "is required (a config file path or an inline config mapping)")
        case let other?: throw ConfigError(path: "base", "expected a config file path or a mapping, got \(other.text)")
        }
        try RunConfig.applyOverrides(overrides, to: &base)

        var grid: [Axis] = []
        if let value = root.value("grid") {
            guard case .map(let axes) = value else { throw ConfigError(path: "grid", "expected a mapping of key paths to lists of values, got \(value.text)") }
            for key in order.keys(of: ["grid"], fallback: axes.keys.sorted()) {
                guard case .list(let values)? = axes[key], !values.isEmpty else {
                    throw ConfigError(path: "grid.\(key)", "expected a non-empty list of values")
                }
                grid.append(Axis(key: key, values: values))
            }
        }
        var list: [[Assignment]] = []
        for (i, item) in try root.list("list").enumerated() {
            guard case .map(let entry) = item, !entry.isEmpty else {
                throw ConfigError(path: "list[\(i)]", "expected a mapping of key paths to values, got \(item.text)")
            }
            list.append(order.keys(of: ["list", "\(i)"], fallback: entry.keys.sorted()).map { Assignment(key: $0, value: entry[$0]!) })
        }
        guard !grid.isEmpty || !list.isEmpty else { throw ConfigError(path: "grid", "a sweep needs a grid or a list of points") }
        let gridPoints = grid.isEmpty ? 0 : InputSizeLimit.product(grid.map(\.values.count)) ?? Int.max
        guard gridPoints <= maxPoints - list.count else {
            throw ConfigError(path: "grid", "the grid has \(grid.map { String($0.values.count) }.joined(separator: " × ")) points, more than the limit of \(maxPoints) points per sweep")
        }

        var summary = try root.mapping("summary")
        let metric = try summary.string("metric").map { text throws(ConfigError) in try SummaryMetric(parsing: text, path: "summary.metric") }
        let goal = try summary.choice("goal", default: SummaryGoal.min)
        let groupBy = try summary.list("group_by").map { value throws(ConfigError) -> String in
            guard case .string(let s) = value else { throw ConfigError(path: "summary.group_by", "expected key paths, got \(value.text)") }
            return s
        }
        try summary.finish()
        var report = try root.mapping("report")
        var heatmap = try report.mapping("heatmap")
        let x = try heatmap.string("x"), y = try heatmap.string("y")
        try heatmap.finish()
        try report.finish()
        try root.finish()
        let spec = SweepSpec(name: name, base: base, grid: grid, list: list, metric: metric, goal: goal, groupBy: groupBy, heatmapX: x, heatmapY: y)
        // Summary and report keys must name what the sweep varies; a typo would otherwise group nothing.
        let varied = spec.variedKeys
        for (path, key) in groupBy.enumerated().map({ ("summary.group_by[\($0.offset)]", $0.element) }) + [("report.heatmap.x", x), ("report.heatmap.y", y)].compactMap({ p, k in k.map { (p, $0) } })
        where !varied.contains(key) {
            throw ConfigError(path: path, "'\(key)' is not a key the sweep varies (varied: \(varied.joined(separator: ", ")))")
        }
        return spec
    }

    public init(name: String, base: ConfigValue, grid: [Axis], list: [[Assignment]] = [], metric: SummaryMetric? = nil,
                goal: SummaryGoal = .min, groupBy: [String] = [], heatmapX: String? = nil, heatmapY: String? = nil) {
        self.name = name
        self.base = base
        self.grid = grid
        self.list = list
        self.metric = metric
        self.goal = goal
        self.groupBy = groupBy
        self.heatmapX = heatmapX
        self.heatmapY = heatmapY
    }

    /// The points in order: for each list entry (or once without a list), the grid's Cartesian
    /// product with the last key fastest. Every point's config is validated; an error names the point.
    public func points() throws(ConfigError) -> [SweepPoint] {
        var combinations: [[Assignment]] = [[]]
        for axis in grid {
            combinations = combinations.flatMap { prefix in axis.values.map { prefix + [Assignment(key: axis.key, value: $0)] } }
        }
        let entries = list.isEmpty ? [[]] : list
        var points: [SweepPoint] = []
        for entry in entries {
            for combination in combinations {
                let assignments = entry + combination
                // A named list entry is labelled by its name; its other keys are not spelled out.
                let label = Self.label(entry.contains { $0.key == "name" } ? entry.filter { $0.key == "name" } + combination : assignments)
                let runName = "\(name)/\(label)"
                var document = base
                for a in assignments where a.key != "name" { try document.set(a.value, at: a.key) }
                try document.set(.string(runName), at: "name")
                // The canonical form: the tree as the run store keeps it (JSON) and reads it back.
                let canonical = try ConfigValue.parse(yaml: document.jsonString, source: "point \(points.count) (\(runName))")
                let config: RunConfig
                do { config = try RunConfig(document: canonical) } catch {
                    throw ConfigError(path: "", "point \(points.count) (\(runName)): \(error)")
                }
                points.append(SweepPoint(index: points.count, name: runName, assignments: assignments, config: config))
            }
        }
        var seen = Set<String>()
        for p in points where !seen.insert(p.name).inserted {
            throw ConfigError(path: "list", "two points are both named \(p.name); give the list entries distinct names")
        }
        return points
    }

    /// `name,key=value,…` with short keys (last path component) unless two keys share one.
    static func label(_ assignments: [Assignment]) -> String {
        let keys = assignments.map(\.key).filter { $0 != "name" }
        let short = keys.map { String($0.split(separator: ".").last ?? Substring($0)) }
        let ambiguous = Set(short).count < short.count
        var parts = assignments.filter { $0.key == "name" }.map(\.value.text)
        for a in assignments where a.key != "name" {
            let key = ambiguous ? a.key : String(a.key.split(separator: ".").last ?? Substring(a.key))
            parts.append("\(key)=\(a.value.text)")
        }
        return parts.joined(separator: ",")
    }

    /// The key paths a point's label varies: the grid keys, then list keys in first-seen order.
    public var variedKeys: [String] {
        var keys = list.flatMap { $0.map(\.key) }.filter { $0 != "name" }
        keys += grid.map(\.key)
        var seen = Set<String>()
        return keys.filter { seen.insert($0).inserted }
    }

    /// The keys whose values make a summary cell: every varied key but `seed`, unless `seed` is a
    /// group key (then each cell is one point).
    public var cellKeys: [String] {
        groupBy.contains("seed") ? variedKeys : variedKeys.filter { $0 != "seed" }
    }
}

/// One run of a sweep.
public struct SweepPoint: Sendable {
    /// 0-based position in the sweep's order.
    public let index: Int
    /// The run name `SWEEP/LABEL`.
    public let name: String
    public let assignments: [SweepSpec.Assignment]
    /// The validated config (its ``RunConfig/document`` is in canonical form).
    public let config: RunConfig

    /// The config JSON a run of this point carries in the store.
    public var configJSON: String { config.document.jsonString }

    /// The value assigned to `key` (nil when this point does not set it).
    public func value(of key: String) -> ConfigValue? { assignments.last { $0.key == key }?.value }
}

/// The key order of mappings as written in a YAML document (``ConfigValue`` keeps dictionaries).
struct KeyOrder {
    let root: Node?

    init(yaml: String) { root = try? Yams.compose(yaml: yaml) }

    /// The keys of the mapping at `path` (mapping keys or list indices) in document order, or `fallback`.
    func keys(of path: [String], fallback: [String]) -> [String] {
        var node = root
        for component in path {
            switch node {
            case .mapping(let m)?: node = m.first { $0.key.string == component }?.value
            case .sequence(let s)?: node = Int(component).flatMap { s.indices.contains($0) ? s[$0] : nil }
            default: node = nil
            }
        }
        guard case .mapping(let m)? = node else { return fallback }
        let ordered = m.compactMap { $0.key.string }
        return Set(ordered) == Set(fallback) ? ordered : fallback
    }
}
