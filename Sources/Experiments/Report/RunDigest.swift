import Foundation

/// The numbers a report or the demo prints for one run, from its metric series.
///
/// The sharpness judged is the one the run's regime calls for (``StabilityRegime``: λ_max(H) against
/// 2/η for full-batch GD, batch sharpness or tr(H S_b)/tr(S_N) against 2/η or IAS against 2ρ_b/η for
/// mini-batch SGD, λ₁(P⁻¹H) against (2+2β₁)/((1−β₁)η) for adaptive optimizers; for a momentum method
/// every 2/η is (2/η)(1+β₁)/(1+2β₂), ``ThresholdedQuantity/judged(_:settings:)``), the first of them the
/// run recorded; none when it recorded none of them. "Late" measurements are those at steps
/// t ≥ T/2 of a run of T steps; ``lateFractionNearThreshold`` is the fraction of them with
/// |λ − threshold| ≤ 0.1 · threshold (hovering at the edge of stability).
public struct RunDigest: Codable, Sendable, Equatable {
    public let runID: Int64
    public let name: String
    public let status: String
    public let step: Int
    public let totalSteps: Int
    public let finalTrainLoss: Double?
    public let finalTrainAccuracy: Double?
    public let finalTestLoss: Double?
    public let finalTestAccuracy: Double?
    /// The run's regime (nil when its stored config no longer parses; then the first recorded of
    /// ``ThresholdedQuantity/all`` is judged).
    public let regime: StabilityRegime?
    /// The metric judged, e.g. `batch_sharpness` (nil when the run recorded none of its regime's).
    public let sharpnessMetric: String?
    /// Its symbol, e.g. `λ_max(H)`, and its threshold's, e.g. `2/η`.
    public let sharpnessSymbol: String?
    public let thresholdSymbol: String?
    /// The threshold at the last measurement.
    public let threshold: Double?
    public let finalSharpness: Double?
    public let maxSharpness: Double?
    /// The step at which the sharpness first reached 90 % of the threshold.
    public let firstNearThresholdStep: Int?
    public let lateFractionNearThreshold: Double?

    public init(run: RunStore.Run, series: [String: [RunStore.MetricRow]]) {
        runID = run.id
        name = run.name
        status = run.status.rawValue
        step = run.step
        totalSteps = run.totalSteps
        func last(_ name: String) -> Double? { series[name]?.last { $0.value.isFinite }?.value }
        finalTrainLoss = last(TrainMetricsProbe.loss.name)
        finalTrainAccuracy = last(TrainMetricsProbe.accuracy.name)
        finalTestLoss = last(TestMetricsProbe.loss.name)
        finalTestAccuracy = last(TestMetricsProbe.accuracy.name)
        let config = run.parsedConfig
        regime = config.map(StabilityRegime.init(config:))
        let candidates = ThresholdedQuantity.judged(regime?.quantities ?? ThresholdedQuantity.all, settings: config?.optimizer.hyperparameters)
        guard let quantity = candidates.first(where: { series[$0.metric]?.isEmpty == false }), let values = series[quantity.metric] else {
            sharpnessMetric = nil; sharpnessSymbol = nil; thresholdSymbol = nil; threshold = nil; finalSharpness = nil; maxSharpness = nil
            firstNearThresholdStep = nil; lateFractionNearThreshold = nil
            return
        }
        sharpnessMetric = quantity.metric
        sharpnessSymbol = quantity.symbol
        thresholdSymbol = quantity.thresholdSymbol
        let thresholdRows = quantity.thresholdRows(in: series) ?? []
        let thresholds = Dictionary(thresholdRows.map { ($0.step, $0.value) }, uniquingKeysWith: { a, _ in a })
        threshold = thresholdRows.last?.value
        finalSharpness = values.last { $0.value.isFinite }?.value
        maxSharpness = values.map(\.value).filter(\.isFinite).max()
        firstNearThresholdStep = values.first { row in thresholds[row.step].map { row.value >= 0.9 * $0 } ?? false }?.step
        let late = values.filter { 2 * $0.step >= run.totalSteps && thresholds[$0.step] != nil }
        lateFractionNearThreshold = late.isEmpty ? nil
            : Double(late.filter { abs($0.value - thresholds[$0.step]!) <= 0.1 * thresholds[$0.step]! }.count) / Double(late.count)
    }

    public init(run: RunStore.Run, store: RunStore) throws {
        self.init(run: run, series: Dictionary(grouping: try store.metrics(runID: run.id), by: \.name))
    }

    public static func format(_ v: Double?, _ spec: String = "%.4g") -> String { v.map { String(format: spec, $0) } ?? "-" }

    /// Table columns for ``tableRow``.
    public static let tableHeader = ["run", "name", "status", "steps", "regime", "sharpness", "threshold", "λ final", "λ max",
                                     "late within ±10%", "train loss", "train acc.", "test loss", "test acc."]

    public var tableRow: [String] {
        [
            "\(runID)", name, status, "\(step)/\(totalSteps)",
            regime?.rawValue ?? "-", sharpnessSymbol ?? "-",
            threshold.map { "\(thresholdSymbol ?? "") = \(Self.format($0))" } ?? "-", Self.format(finalSharpness), Self.format(maxSharpness),
            lateFractionNearThreshold.map { String(format: "%.0f%%", 100 * $0) } ?? "-",
            Self.format(finalTrainLoss), Self.format(finalTrainAccuracy, "%.3f"), Self.format(finalTestLoss),
            Self.format(finalTestAccuracy, "%.3f"),
        ]
    }
}
