import Foundation

/// The numbers a report or the demo prints for one run, from its metric series.
///
/// The sharpness is λ₁(P⁻¹H) against (2 + 2β₁)/((1 − β₁)η) (`preconditioned_sharpness`,
/// `aeos_threshold`; Cohen et al. 2022) when the run measured it, else λ_max(H) against 2/η
/// (`lambda_max`, `gd_threshold`; Cohen et al. 2021). "Late" measurements are those at steps
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
    /// `preconditioned_sharpness` or `lambda_max` (nil when neither was measured).
    public let sharpnessMetric: String?
    /// The threshold at the last measurement.
    public let threshold: Double?
    public let finalSharpness: Double?
    public let maxSharpness: Double?
    /// The step at which the sharpness first reached 90 % of the threshold.
    public let firstNearThresholdStep: Int?
    public let lateFractionNearThreshold: Double?

    /// Sharpness metrics and their thresholds, preferred first.
    static let sharpnessPairs = [(PreconditionedSharpnessProbe.sharpness.name, PreconditionedSharpnessProbe.threshold.name),
                                 (SharpnessProbe.lambdaMax.name, SharpnessProbe.threshold.name)]

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
        guard let (metric, thresholdName) = Self.sharpnessPairs.first(where: { series[$0.0] != nil }),
              let values = series[metric] else {
            sharpnessMetric = nil; threshold = nil; finalSharpness = nil; maxSharpness = nil
            firstNearThresholdStep = nil; lateFractionNearThreshold = nil
            return
        }
        sharpnessMetric = metric
        let thresholds = Dictionary((series[thresholdName] ?? []).map { ($0.step, $0.value) }, uniquingKeysWith: { a, _ in a })
        threshold = series[thresholdName]?.last?.value
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
    public static let tableHeader = ["run", "name", "status", "steps", "sharpness", "threshold", "λ final", "λ max",
                                     "late within ±10%", "train loss", "train acc.", "test loss", "test acc."]

    public var tableRow: [String] {
        [
            "\(runID)", name, status, "\(step)/\(totalSteps)",
            sharpnessMetric == "preconditioned_sharpness" ? "λ₁(P⁻¹H)" : sharpnessMetric == nil ? "-" : "λ_max(H)",
            Self.format(threshold), Self.format(finalSharpness), Self.format(maxSharpness),
            lateFractionNearThreshold.map { String(format: "%.0f%%", 100 * $0) } ?? "-",
            Self.format(finalTrainLoss), Self.format(finalTrainAccuracy, "%.3f"), Self.format(finalTestLoss),
            Self.format(finalTestAccuracy, "%.3f"),
        ]
    }
}
