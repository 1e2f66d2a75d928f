import Foundation

/// Paper 003's headline for one mini-batch SGD run (Figs. 26–33; eqs. (7), (10)–(11)): the instability
/// ratio tr(H S_b)/tr(S_N) hovers at 2/η while λ_max(H) stays below 2/η.
///
/// Both quantities are taken relative to 2/η_t at each measurement (`instability_ratio` and
/// `lambda_max` over `gd_threshold`); the late phase is the measurements at steps t ≥ T/2 of a run of T
/// steps, as in ``RunDigest``; each is summarized by its late-phase median. The criteria are those of the
/// `003-sgd` reproduction (written before it was first run):
///
/// - the ratio hovers at the edge when its late median lies in ``edgeBand`` = [0.8, 1.25];
/// - λ_max is below the edge when its late median is < 1.
public struct StochasticEdgeVerdict: Codable, Sendable, Equatable {
    /// Where a late median m = quantity ÷ 2/η lies against ``edgeBand``.
    public enum Position: String, Codable, Sendable {
        case below
        case atEdge = "at-edge"
        case above
    }

    /// The late medians of ratio·η/2 that count as hovering at the edge.
    public static let edgeBand: ClosedRange<Double> = 0.8...1.25

    /// The late-phase median of tr(H S_b)/tr(S_N) ÷ 2/η.
    public let ratioOverEdge: Double
    /// The late-phase median of λ_max(H) ÷ 2/η.
    public let lambdaMaxOverEdge: Double
    /// The number of late measurements of each.
    public let lateRatioCount: Int
    public let lateLambdaMaxCount: Int
    /// Where the ratio's late median lies.
    public let ratioPosition: Position
    /// λ_max's late median is < 1.
    public let lambdaMaxBelow: Bool

    /// The verdict from the late medians.
    public init(ratioOverEdge: Double, lambdaMaxOverEdge: Double, lateRatioCount: Int, lateLambdaMaxCount: Int) {
        self.ratioOverEdge = ratioOverEdge
        self.lambdaMaxOverEdge = lambdaMaxOverEdge
        self.lateRatioCount = lateRatioCount
        self.lateLambdaMaxCount = lateLambdaMaxCount
        ratioPosition = Self.position(ratioOverEdge)
        lambdaMaxBelow = lambdaMaxOverEdge < 1
    }

    /// The verdict of a run of `totalSteps` steps from its metric series; nil when it recorded no late
    /// `instability_ratio` or `lambda_max` measurement with a `gd_threshold` at the same step.
    public init?(series: [String: [RunStore.MetricRow]], totalSteps: Int) {
        guard let ratio = Self.lateOverEdge(InteractionProbe.instabilityRatio.name, in: series, totalSteps: totalSteps),
              let lambda = Self.lateOverEdge(SharpnessProbe.lambdaMax.name, in: series, totalSteps: totalSteps) else { return nil }
        self.init(ratioOverEdge: StudyStatistics.median(ratio), lambdaMaxOverEdge: StudyStatistics.median(lambda),
                  lateRatioCount: ratio.count, lateLambdaMaxCount: lambda.count)
    }

    /// The verdict of a stored run (nil as for ``init(series:totalSteps:)``).
    public init?(run: RunStore.Run, store: RunStore) throws {
        self.init(series: Dictionary(grouping: try store.metrics(runID: run.id), by: \.name), totalSteps: run.totalSteps)
    }

    /// Paper 003's headline holds: the ratio at the edge and λ_max below it.
    public var holds: Bool { ratioPosition == .atEdge && lambdaMaxBelow }

    /// Where a late median lies against ``edgeBand``.
    public static func position(_ overEdge: Double) -> Position {
        overEdge < edgeBand.lowerBound ? .below : (overEdge > edgeBand.upperBound ? .above : .atEdge)
    }

    /// `metric` ÷ `gd_threshold` at the late steps (t ≥ T/2) that recorded both, finite values only; nil when none.
    static func lateOverEdge(_ metric: String, in series: [String: [RunStore.MetricRow]], totalSteps: Int) -> [Double]? {
        guard let rows = series[metric], let thresholds = series[SharpnessProbe.threshold.name] else { return nil }
        let edge = Dictionary(thresholds.map { ($0.step, $0.value) }, uniquingKeysWith: { a, _ in a })
        let late = rows.filter { 2 * $0.step >= totalSteps }.compactMap { row in edge[row.step].map { row.value / $0 } }.filter(\.isFinite)
        return late.isEmpty ? nil : late
    }

    /// E.g. "tr(H S_b)/tr(S_N)·η/2 = 1.02 (hovers at the edge: in [0.8, 1.25]), λ_max·η/2 = 0.79 (below: < 1)
    /// — paper 003's headline holds (late-phase medians of 40 measurements)".
    public var sentence: String {
        let band = String(format: "[%.2g, %.3g]", Self.edgeBand.lowerBound, Self.edgeBand.upperBound)
        let ratio: String = switch ratioPosition {
        case .atEdge: "hovers at the edge: in \(band)"
        case .below: "below the edge: under \(band)"
        case .above: "above the edge: over \(band)"
        }
        let lambda = lambdaMaxBelow ? "below: < 1" : "not below: ≥ 1"
        return String(format: "tr(H S_b)/tr(S_N)·η/2 = %.3f (%@), λ_max·η/2 = %.3f (%@) — paper 003's headline %@ (late-phase medians of %d and %d measurements)",
                      ratioOverEdge, ratio, lambdaMaxOverEdge, lambda, holds ? "holds" : "does not hold", lateRatioCount, lateLambdaMaxCount)
    }
}
