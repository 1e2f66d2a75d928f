import Foundation

/// The line charts of one or more runs, overlaid (one colour per run, legend by run name):
/// losses and accuracies, λ_max(H) with 2/η, λ₁(P⁻¹H) with (2 + 2β₁)/((1 − β₁)η), the sharpness
/// divided by its threshold (1 = the edge of stability) when runs have thresholds, then every other
/// recorded metric (with its threshold: `ias` with `ias_threshold`). Thresholds are dashed in their
/// run's colour. x is the step t (updates applied); values are those at θ_t.
public struct RunCharts {
    public struct Entry {
        public let run: RunStore.Run
        public let series: [String: [RunStore.MetricRow]]
        public init(run: RunStore.Run, series: [String: [RunStore.MetricRow]]) {
            self.run = run
            self.series = series
        }
    }

    public let entries: [Entry]
    /// Prefix of the chart ids (unique per page).
    public let idPrefix: String

    public init(entries: [Entry], idPrefix: String = "run") {
        self.entries = entries
        self.idPrefix = idPrefix
    }

    public init(runs: [RunStore.Run], store: RunStore, idPrefix: String = "run") throws {
        self.init(entries: try runs.map { Entry(run: $0, series: Dictionary(grouping: try store.metrics(runID: $0.id), by: \.name)) },
                  idPrefix: idPrefix)
    }

    /// (metric, threshold, title, y label) of the charts drawn first, in order; the names are the probes'.
    static let known: [(String, String?, String, String)] = [
        (TrainMetricsProbe.loss.name, nil, "Training loss", "loss L(θ_t) on the training set"),
        (SharpnessProbe.lambdaMax.name, SharpnessProbe.threshold.name, "Sharpness λ_max(H) and the GD threshold 2/η",
         "top eigenvalue of the Hessian H"),
        (PreconditionedSharpnessProbe.sharpness.name, PreconditionedSharpnessProbe.threshold.name,
         "Preconditioned sharpness λ₁(P⁻¹H) and (2+2β₁)/((1−β₁)η)", "top eigenvalue of P⁻¹H"),
        (TestMetricsProbe.loss.name, nil, "Test loss", "loss on the held-out set"),
        (TrainMetricsProbe.accuracy.name, nil, "Training accuracy", "accuracy (fraction correct)"),
        (TestMetricsProbe.accuracy.name, nil, "Test accuracy", "accuracy (fraction correct)"),
        (InteractionProbe.ias.name, InteractionProbe.threshold.name, "Interaction-aware sharpness and 2ρ_b/η", "tr(H S_b)/tr(S_b)"),
    ]

    /// Metrics never charted on their own: diagnostics and thresholds drawn with their metric.
    static func isAuxiliary(_ name: String) -> Bool {
        name.hasSuffix("_iterations") || name.hasSuffix("_se") || name.hasSuffix("_threshold") || name == "gd_threshold"
    }

    /// Legend label of a run: its name, shortened to the part after the sweep's `/` when all runs share the prefix.
    func label(_ entry: Entry) -> String {
        let prefixes = Set(entries.map { $0.run.name.split(separator: "/").first.map(String.init) ?? "" })
        if prefixes.count == 1, entries.count > 1, let slash = entry.run.name.firstIndex(of: "/") {
            return String(entry.run.name[entry.run.name.index(after: slash)...])
        }
        return entry.run.name
    }

    func points(_ rows: [RunStore.MetricRow]) -> [(x: Double, y: Double)] { rows.map { (Double($0.step), $0.value) } }

    /// The chart of `metric` (with `threshold` dashed), or nil when no run recorded it.
    public func chart(metric: String, threshold: String?, title: String, yLabel: String, logY: Bool? = nil) -> LineChart? {
        var series: [LineChart.Series] = []
        var drawnThresholds: [[Double]] = []
        for (i, entry) in entries.enumerated() {
            guard let rows = entry.series[metric], !rows.isEmpty else { continue }
            series.append(.init(name: label(entry), points: points(rows), color: Palette.series(i)))
            if let threshold, let t = entry.series[threshold], !t.isEmpty {
                let values = t.map(\.value)
                guard !drawnThresholds.contains(values) || entries.count == 1 else { continue }
                drawnThresholds.append(values)
                let constant = Set(values).count == 1
                let name = (constant ? "threshold \(NiceTicks.label(values[0]))" : "threshold") + (entries.count > 1 ? " (\(label(entry)))" : "")
                series.append(.init(name: name, points: points(t), color: Palette.series(i), dashed: true))
            }
        }
        guard !series.isEmpty else { return nil }
        return LineChart(id: "\(idPrefix)-\(metric)", title: title, xLabel: "step t (optimizer updates)", yLabel: yLabel,
                         series: series, logY: logY)
    }

    /// λ/threshold for every run that has a sharpness and its threshold, with the edge of stability at 1.
    public func normalizedSharpness() -> LineChart? {
        var series: [LineChart.Series] = []
        var steps: [Double] = []
        for (i, entry) in entries.enumerated() {
            for (metric, thresholdName) in RunDigest.sharpnessPairs {
                guard let rows = entry.series[metric], let t = entry.series[thresholdName] else { continue }
                let thresholds = Dictionary(t.map { ($0.step, $0.value) }, uniquingKeysWith: { a, _ in a })
                let ratio = rows.compactMap { row in thresholds[row.step].map { (x: Double(row.step), y: row.value / $0) } }
                guard !ratio.isEmpty else { continue }
                let what = metric == SharpnessProbe.lambdaMax.name ? "λ_max(H)/(2/η)" : "λ₁(P⁻¹H)/((2+2β₁)/((1−β₁)η))"
                series.append(.init(name: "\(label(entry)): \(what)", points: ratio, color: Palette.series(i)))
                steps += ratio.map(\.x)
                break
            }
        }
        guard !series.isEmpty, let lo = steps.min(), let hi = steps.max() else { return nil }
        series.append(.init(name: "edge of stability (ratio 1)", points: [(lo, 1), (hi, 1)], color: "#555555", dashed: true))
        return LineChart(id: "\(idPrefix)-normalized-sharpness", title: "Sharpness relative to its stability threshold",
                         xLabel: "step t (optimizer updates)", yLabel: "sharpness ÷ threshold (dimensionless)", series: series, logY: false)
    }

    /// Every chart, in reading order.
    public func charts() -> [LineChart] {
        var out: [LineChart] = []
        var drawn = Set<String>()
        for (metric, threshold, title, yLabel) in Self.known {
            drawn.insert(metric)
            if let c = chart(metric: metric, threshold: threshold, title: title, yLabel: yLabel,
                             logY: metric.hasSuffix("accuracy") ? false : nil) { out.append(c) }
        }
        // Sharpness ÷ threshold right after the sharpness charts.
        if let c = normalizedSharpness() {
            let last = out.lastIndex {
                $0.id.hasSuffix("-" + SharpnessProbe.lambdaMax.name) || $0.id.hasSuffix("-" + PreconditionedSharpnessProbe.sharpness.name)
            }
            out.insert(c, at: last.map { $0 + 1 } ?? out.count)
        }
        let others = Set(entries.flatMap(\.series.keys)).subtracting(drawn).filter { !Self.isAuxiliary($0) && $0 != "batch_loss" }.sorted()
        for metric in others {
            if let c = chart(metric: metric, threshold: nil, title: metric.replacingOccurrences(of: "_", with: " ").capitalizedFirst,
                             yLabel: "\(metric) (as recorded by its probe)") { out.append(c) }
        }
        if let c = chart(metric: "batch_loss", threshold: nil, title: "Batch loss", yLabel: "loss on the batch B_t of step t") { out.append(c) }
        return out
    }
}

extension String {
    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
