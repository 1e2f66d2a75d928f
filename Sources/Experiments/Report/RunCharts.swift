import Foundation
import Optim

/// The line charts of one or more runs, overlaid (one colour per run, legend by run name): the
/// training loss, every ``ThresholdedQuantity`` the runs recorded against its threshold (λ_max(H) and
/// 2/η, λ₁(P⁻¹H) and (2+2β₁)/((1−β₁)η), batch sharpness and tr(H S_b)/tr(S_N) and 2/η, IAS and 2ρ_b/η;
/// a momentum method's 2/η is (2/η)(1+β₁)/(1+2β₂)),
/// each quantity divided by its threshold (1 = the edge of stability), the test loss and accuracies,
/// the one-step loss change with its prediction dashed (`data-prediction`), then every other recorded
/// metric. Thresholds are dashed in their run's colour (with `data-threshold`
/// naming the threshold metric and, when constant, `data-value` its value); a metric with a recorded
/// `<metric>_se` is shaded ± one standard error (`data-band`). x is the step t (updates applied);
/// values are those at θ_t.
public struct RunCharts {
    public struct Entry {
        public let run: RunStore.Run
        public let series: [String: [RunStore.MetricRow]]
        /// The run's typed optimizer settings (nil when its config no longer parses), which decide its thresholds.
        let optimizerSettings: (any OptimizerSettings)?

        public init(run: RunStore.Run, series: [String: [RunStore.MetricRow]]) {
            self.run = run
            self.series = series
            optimizerSettings = run.parsedConfig?.optimizer.hyperparameters
        }

        /// `quantity` as this run is judged (momentum methods: ``ThresholdedQuantity/underMomentum(beta1:beta2:)``).
        func judged(_ quantity: ThresholdedQuantity) -> ThresholdedQuantity {
            ThresholdedQuantity.judged([quantity], settings: optimizerSettings)[0]
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

    /// (metric, title, y label) of the charts without a threshold drawn before the others, in order.
    static let plain: [(String, String, String)] = [
        (TestMetricsProbe.loss.name, "Test loss", "loss on the held-out set"),
        (TrainMetricsProbe.accuracy.name, "Training accuracy", "accuracy (fraction correct)"),
        (TestMetricsProbe.accuracy.name, "Test accuracy", "accuracy (fraction correct)"),
    ]

    /// (metric, its prediction, title, y label) of the measured quantities charted with their theory's
    /// prediction dashed (`data-prediction` naming it): the one-step loss change of paper 003 Fig. 1.
    static let predicted: [(String, String, String, String)] = [
        (LossChangeProbe.measured.name, LossChangeProbe.predicted.name,
         "One-step loss change E_ξ[L(θ − ηg_ξ)] − L(θ) and −η‖∇L‖² + (η²/2) tr(H S_b)", "loss change after one SGD step from θ_t"),
    ]

    /// (metric, reference metric, reference legend, title, y label) of the predictions charted beside a
    /// measured reference (dashed, `data-reference` naming it): paper 000's transition batch size b_{1/2} at
    /// the current B_simple against the run's batch size, paper 001's modified loss L̃ against the loss L.
    static let beside: [(String, String, String, String, String)] = [
        (TheoryProbe.transitionHalf.name, TheoryProbe.batchSize.name, "batch size b",
         "Transition batch size b_1/2 (paper 000, λ = ½) and the run's batch size", "batch size"),
        (TheoryProbe.modifiedLoss.name, TrainMetricsProbe.loss.name, "training loss L",
         "Modified loss L̃ (paper 001) and the training loss L", "loss at θ_t"),
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

    /// The chart of `metric` (with the recorded metric `threshold` dashed), or nil when no run recorded it.
    public func chart(metric: String, threshold: String?, title: String, yLabel: String, logY: Bool? = nil) -> LineChart? {
        chart(metric: metric, title: title, yLabel: yLabel, logY: logY) { entry in threshold.flatMap { entry.series[$0] }.map { (threshold!, $0) } }
    }

    /// The chart of a quantity with its threshold (``ThresholdedQuantity/thresholdRows(in:)``) dashed, each
    /// run's as that run is judged (a momentum method's against (2/η)(1+β₁)/(1+2β₂)); the title names the
    /// runs' threshold when they share one.
    public func chart(_ quantity: ThresholdedQuantity) -> LineChart? {
        let judged = Set(entries.filter { $0.series[quantity.metric]?.isEmpty == false }.map { $0.judged(quantity).thresholdSymbol })
        let title = judged.count == 1 ? "\(quantity.name) and \(judged.first!)" : quantity.title
        return chart(metric: quantity.metric, title: title, yLabel: quantity.yLabel, logY: nil) { entry in
            let own = entry.judged(quantity)
            return own.thresholdRows(in: entry.series).map { (own.threshold, $0) }
        }
    }

    /// `metric` per run with its band ± `<metric>_se` and the reference line `thresholdOf` gives (name,
    /// rows), dashed: a threshold (`data-threshold`) or, with `reference: "prediction"`, a prediction.
    private func chart(metric: String, title: String, yLabel: String, logY: Bool?, reference: String = "threshold",
                       legendName: String? = nil, thresholdOf: (Entry) -> (String, [RunStore.MetricRow])?) -> LineChart? {
        var series: [LineChart.Series] = []
        var bands: [LineChart.Band] = []
        var drawnThresholds: [[Double]] = []
        for (i, entry) in entries.enumerated() {
            guard let rows = entry.series[metric], !rows.isEmpty else { continue }
            series.append(.init(name: label(entry), points: points(rows), color: Palette.series(i)))
            if let band = band(rows, entry.series[metric + "_se"], color: Palette.series(i), metric: metric) { bands.append(band) }
            guard let (name, t) = thresholdOf(entry), !t.isEmpty else { continue }
            let values = t.map(\.value)
            guard !drawnThresholds.contains(values) || entries.count == 1 else { continue }
            drawnThresholds.append(values)
            let constant = Set(values).count == 1
            var attributes = ["data-\(reference)": name]
            if constant { attributes["data-value"] = "\(values[0])" }
            let word = legendName ?? reference
            let legend = (constant ? "\(word) \(NiceTicks.label(values[0]))" : word) + (entries.count > 1 ? " (\(label(entry)))" : "")
            series.append(.init(name: legend, points: points(t), color: Palette.series(i), dashed: true, attributes: attributes))
        }
        guard !series.isEmpty else { return nil }
        return LineChart(id: "\(idPrefix)-\(metric)", title: title, xLabel: "step t (optimizer updates)", yLabel: yLabel,
                         series: series, bands: bands, logY: logY)
    }

    /// value ± SE at the steps that recorded both (nil without a standard error).
    func band(_ rows: [RunStore.MetricRow], _ errors: [RunStore.MetricRow]?, color: String, metric: String) -> LineChart.Band? {
        guard let errors else { return nil }
        let se = Dictionary(errors.map { ($0.step, $0.value) }, uniquingKeysWith: { a, _ in a })
        let points = rows.compactMap { row in se[row.step].map { (x: Double(row.step), lower: row.value - $0, upper: row.value + $0) } }
        return points.isEmpty ? nil : LineChart.Band(points: points, color: color, attributes: ["data-band": metric + "_se"])
    }

    /// quantity/threshold for every run and every quantity it recorded with a threshold, with the edge of stability at 1.
    public func normalizedSharpness() -> LineChart? {
        var series: [LineChart.Series] = []
        var steps: [Double] = []
        for (i, entry) in entries.enumerated() {
            for quantity in ThresholdedQuantity.judged(ThresholdedQuantity.all, settings: entry.optimizerSettings) {
                guard let rows = entry.series[quantity.metric], let t = quantity.thresholdRows(in: entry.series) else { continue }
                let thresholds = Dictionary(t.map { ($0.step, $0.value) }, uniquingKeysWith: { a, _ in a })
                let ratio = rows.compactMap { row in thresholds[row.step].map { (x: Double(row.step), y: row.value / $0) } }
                guard !ratio.isEmpty else { continue }
                series.append(.init(name: "\(label(entry)): \(quantity.symbol) ÷ \(quantity.thresholdSymbol)", points: ratio,
                                    color: Palette.series(i + series.count)))
                steps += ratio.map(\.x)
            }
        }
        guard !series.isEmpty, let lo = steps.min(), let hi = steps.max() else { return nil }
        series.append(.init(name: "edge of stability (ratio 1)", points: [(lo, 1), (hi, 1)], color: "#555555", dashed: true,
                            attributes: ["data-threshold": "ratio", "data-value": "1.0"]))
        return LineChart(id: "\(idPrefix)-normalized-sharpness", title: "Sharpness relative to its stability threshold",
                         xLabel: "step t (optimizer updates)", yLabel: "quantity ÷ its threshold (dimensionless)", series: series, logY: false)
    }

    /// Every chart, in reading order.
    public func charts() -> [LineChart] {
        var out: [LineChart] = []
        var drawn: Set<String> = [TrainMetricsProbe.loss.name]
        if let c = chart(metric: TrainMetricsProbe.loss.name, threshold: nil, title: "Training loss", yLabel: "loss L(θ_t) on the training set") {
            out.append(c)
        }
        for quantity in ThresholdedQuantity.all {
            drawn.insert(quantity.metric)
            if let c = chart(quantity) { out.append(c) }
        }
        if let c = normalizedSharpness() { out.append(c) }
        for (metric, title, yLabel) in Self.plain {
            drawn.insert(metric)
            if let c = chart(metric: metric, threshold: nil, title: title, yLabel: yLabel, logY: metric.hasSuffix("accuracy") ? false : nil) {
                out.append(c)
            }
        }
        for (metric, prediction, title, yLabel) in Self.predicted {
            drawn.formUnion([metric, prediction])
            if let c = chart(metric: metric, title: title, yLabel: yLabel, logY: false, reference: "prediction",
                             thresholdOf: { entry in entry.series[prediction].map { (prediction, $0) } }) { out.append(c) }
        }
        for (metric, reference, legend, title, yLabel) in Self.beside {
            drawn.formUnion([metric, reference])
            if let c = chart(metric: metric, title: title, yLabel: yLabel, logY: false, reference: "reference", legendName: legend,
                             thresholdOf: { entry in entry.series[reference].map { (reference, $0) } }) { out.append(c) }
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
