import Experiments
import Foundation
import Testing

/// Paper 003's headline verdict on an SGD run: late-phase medians relative to 2/η and the criteria
/// (ratio in [0.8, 1.25], λ_max < 1), on hand-made series whose medians are known.
@Suite struct StochasticEdgeVerdictTests {
    /// Series over steps 0, 10, …, 100 with 2/η = 4: `ratio(t)` and `lambda(t)` are the values ÷ 2/η.
    static func series(ratio: (Int) -> Double, lambda: (Int) -> Double, edge: Double = 4) -> [String: [RunStore.MetricRow]] {
        let steps = Array(stride(from: 0, through: 100, by: 10))
        return [
            "instability_ratio": steps.map { RunStore.MetricRow(step: $0, name: "instability_ratio", value: ratio($0) * edge) },
            "lambda_max": steps.map { RunStore.MetricRow(step: $0, name: "lambda_max", value: lambda($0) * edge) },
            "gd_threshold": steps.map { RunStore.MetricRow(step: $0, name: "gd_threshold", value: edge) },
        ]
    }

    /// Oracle: the late steps (t ≥ 50) are 50…100, six of them; early values (10× off) must not count.
    /// Ratio ÷ edge late: 0.9, 1.0, 1.1, 1.2, 1.0, 0.95 → median (1.0 + 1.0)/2 = 1.0; λ ÷ edge late 0.6 → 0.6.
    @Test func lateMediansAndHeadline() throws {
        let late: [Int: Double] = [50: 0.9, 60: 1.0, 70: 1.1, 80: 1.2, 90: 1.0, 100: 0.95]
        let verdict = try #require(StochasticEdgeVerdict(series: Self.series(ratio: { late[$0] ?? 10 }, lambda: { $0 >= 50 ? 0.6 : 10 }),
                                                         totalSteps: 100))
        #expect(abs(verdict.ratioOverEdge - 1.0) < 1e-12)
        #expect(abs(verdict.lambdaMaxOverEdge - 0.6) < 1e-12)
        #expect(verdict.lateRatioCount == 6 && verdict.lateLambdaMaxCount == 6)
        #expect(verdict.ratioPosition == .atEdge)
        #expect(verdict.lambdaMaxBelow)
        #expect(verdict.holds)
        #expect(verdict.sentence.contains("1.000 (hovers at the edge") && verdict.sentence.contains("0.600 (below"))
        #expect(verdict.sentence.contains("holds"))
    }

    /// The criteria's boundaries: the band [0.8, 1.25] is closed; λ_max must be strictly below 1.
    @Test func criteria() {
        #expect(StochasticEdgeVerdict.position(0.79) == .below)
        #expect(StochasticEdgeVerdict.position(0.8) == .atEdge)
        #expect(StochasticEdgeVerdict.position(1.25) == .atEdge)
        #expect(StochasticEdgeVerdict.position(1.26) == .above)
        let atOne = StochasticEdgeVerdict(ratioOverEdge: 1, lambdaMaxOverEdge: 1, lateRatioCount: 1, lateLambdaMaxCount: 1)
        #expect(!atOne.lambdaMaxBelow && !atOne.holds)
        let above = StochasticEdgeVerdict(ratioOverEdge: 2, lambdaMaxOverEdge: 0.5, lateRatioCount: 1, lateLambdaMaxCount: 1)
        #expect(above.ratioPosition == .above && !above.holds)
        #expect(above.sentence.contains("does not hold"))
    }

    /// No verdict without late measurements of both quantities against 2/η.
    @Test func missingSeries() {
        var s = Self.series(ratio: { _ in 1 }, lambda: { _ in 0.5 })
        s["lambda_max"] = nil
        #expect(StochasticEdgeVerdict(series: s, totalSteps: 100) == nil)
        #expect(StochasticEdgeVerdict(series: Self.series(ratio: { _ in 1 }, lambda: { _ in 0.5 }), totalSteps: 1000) == nil)
    }
}
