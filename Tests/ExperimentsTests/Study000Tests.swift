import BiasLabTestSupport
@testable import Experiments
import Foundation
import Testing
import Theory

/// Study 000-beta2: its criteria on a constructed grid whose argmin moves by a known rule, the transition
/// batch size against §3.3's closed form, the heat-map figure (per-column outlines and the predicted
/// marker), and the quick run end to end.
struct AdamBetaStudyTests {
    static let batchSizes = [16, 64, 256, 1024]
    static let beta2s = [0.999, 0.997, 0.991, 0.973, 0.919, 0.757]
    static let beta1s = [0.9, 0.97, 0.99, 0.997]

    /// L(b, β) = 1 + 0.01·b-index + 0.02·(log₁₀(1 − β) − log₁₀(1 − β*(b)))²: a bowl in log(1 − β) around
    /// β*(b), so argmin β = β*(b) exactly and the gain over the first grid value is known.
    static func bowl(_ grid: [Double], optima: [Double]) -> [[Double]] {
        optima.enumerated().map { k, best in
            grid.map { 1 + 0.01 * Double(k) + 0.02 * pow(log10(1 - $0) - log10(1 - best), 2) }
        }
    }

    static func grid(beta2Optima: [[Double]], beta1Optima: [[Double]], noise: [[Double]]) -> AdamBetaGrid {
        AdamBetaGrid(samples: 1024, batchSizes: batchSizes, beta2s: beta2s, beta1s: beta1s,
                     beta2Sweep: beta2Optima.map { bowl(beta2s, optima: $0) }, beta1Sweep: beta1Optima.map { bowl(beta1s, optima: $0) },
                     noiseScale: noise)
    }

    static let falling = [0.999, 0.991, 0.919, 0.757]
    static let rising = [0.9, 0.9, 0.97, 0.99]

    @Test func criteriaOnAGridWhoseArgminMoves() throws {
        // B̂ = median(10, 20, 30, 40) = 25 → b_{1/2} = 2·1024·25/(1024 + 50 − 1) = 47.72, inside [16, 64] where
        // the argmin first leaves 0.999.
        let noise = [[10.0, 20, 30, 40], [10, 20, 30, 40], [10, 20, 30, 40]]
        let good = Self.grid(beta2Optima: [Self.falling, Self.falling, Self.falling], beta1Optima: [Self.rising, Self.rising, Self.rising], noise: noise)
        let mean = good.meanView
        #expect(good.argminBeta2(mean) == Self.falling && good.argminBeta1(mean) == Self.rising)
        // gain(b) = (L(0.999) − L*)/L(0.999) = 0.02·(log₁₀(0.001) − log₁₀(1 − β*))²/(1 + 0.01k + 0.02(…)²).
        for (k, best) in Self.falling.enumerated() {
            let d = 0.02 * pow(-3 - log10(1 - best), 2)
            #expect(abs(good.gain(mean)[k] - d / (1 + 0.01 * Double(k) + d)) < 1e-12)
        }
        #expect(good.noiseScale(mean) == 25)
        let half = try #require(good.transition(mean)).half
        #expect(abs(half - 2 * 1024 * 25 / (1024 + 50 - 1)) < 1e-9)
        let move = try #require(good.measuredMove(mean))
        #expect(move.lower == 16 && move.upper == 64)
        let claims = AdamBetaStudy().claims
        #expect(try good.outcomes(claims).map(\.verdict) == Array(repeating: .reproduced, count: 4))

        // One seed whose argmin does not move and whose β₁ stays at 0.9: the means still pass → inconclusive.
        let flat = [0.999, 0.999, 0.999, 0.999], still = [0.9, 0.9, 0.9, 0.9]
        let mixed = Self.grid(beta2Optima: [Self.falling, Self.falling, flat], beta1Optima: [Self.rising, Self.rising, still], noise: noise)
        // The mean bowl at b = 1024 is centred at (2·log₁₀ 0.243 + log₁₀ 0.001)/3 = −1.41, nearest grid point 0.973.
        #expect(mixed.argminBeta2(mixed.meanView) == [0.999, 0.997, 0.973, 0.973])
        #expect(try mixed.outcomes(claims).map(\.verdict) == Array(repeating: .inconclusive, count: 4))

        // No move anywhere: every claim fails on the means.
        let none = Self.grid(beta2Optima: [flat, flat, flat], beta1Optima: [still, still, still], noise: noise)
        #expect(try none.outcomes(claims).map(\.verdict) == Array(repeating: .notReproduced, count: 4))

        // A noise scale ten times larger puts b_{1/2} = 2·1024·250/1523 = 336.2 outside [16, 64]: only the
        // transition claim fails.
        let noisy = Self.grid(beta2Optima: [Self.falling, Self.falling, Self.falling], beta1Optima: [Self.rising, Self.rising, Self.rising],
                              noise: noise.map { $0.map { 10 * $0 } })
        #expect(abs(noisy.transition(noisy.meanView)!.half - 2 * 1024 * 250.0 / 1523) < 1e-9)
        #expect(try noisy.outcomes(claims).map(\.verdict) == [.reproduced, .reproduced, .reproduced, .notReproduced])
    }

    /// A diverged run (non-finite validation loss) never wins a column, and the run summary takes the
    /// first epoch of the minimum and B_simple there.
    @Test func bestEpochOfASeries() {
        var series = StudySeries()
        for (epoch, loss) in [2.0, 0.7, 0.5, 0.5, 0.9].enumerated() { series.record(step: epoch, ["val_loss": loss, "b_simple": Double(10 * epoch)]) }
        #expect(AdamBetaEnd(series) == AdamBetaEnd(bestLoss: 0.5, noiseScaleAtBest: 20))
        #expect(AdamBetaGrid.argmin([.nan, 2, 1, .infinity, 1]) == 2)
        var diverged = StudySeries()
        diverged.record(step: 0, ["val_loss": .nan])
        #expect(AdamBetaEnd(diverged).bestLoss == .infinity)
    }

    /// Oracle: the marker's position is linear in log b between grid columns (32 lies halfway between 16
    /// and 64), it is drawn at left + (position + ½)·cell, and a per-column goal outlines one cell per column.
    @Test func heatmapFigureCarriesThePredictedMarker() throws {
        let grid = [16.0, 64, 256, 1024]
        #expect(abs(Heatmap.ColumnMarker.logPosition(of: 32, grid: grid)! - 0.5) < 1e-12)
        #expect(abs(Heatmap.ColumnMarker.logPosition(of: 2048, grid: grid)! - 3.5) < 1e-12)
        #expect(abs(Heatmap.ColumnMarker.logPosition(of: 8, grid: grid)! + 0.5) < 1e-12)
        #expect(Heatmap.ColumnMarker.logPosition(of: 0, grid: grid) == nil)

        let noise = [[10.0, 20, 30, 40]]
        let measured = Self.grid(beta2Optima: [Self.falling], beta1Optima: [Self.rising], noise: noise)
        let figures = try measured.figures(noiseSeries: Self.batchSizes.map { _ in (steps: [0, 1, 2], values: [5.0, 10, 20]) })
        #expect(figures.count == 4)
        // At full batch λ = 0 and C_total is the full-batch coefficient 9 − β₂/(1 − β₂): −990 at β₂ = 0.999.
        guard case .line(let coefficients) = figures[3].graphic, let full = coefficients.series.last?.points.last
        else { Issue.record("the fourth figure is the C_total chart"); return }
        #expect(abs(full.x - 0.999) < 1e-12 && abs(full.y + 990) < 1e-9)
        guard case .heatmap(let map) = figures[0].graphic else { Issue.record("the first figure is the β₂ heat map"); return }
        // Column b = 16 is best at β₂ = 0.999 (row 0) with 0 % above its best.
        #expect(map.values[0][0] == 0 && map.values.count == Self.beta2s.count && map.values[0].count == Self.batchSizes.count)
        // B̂ = 25: b_{1/2} = 47.72 lies between the columns b = 16 and b = 64.
        let half = 2 * 1024 * 25.0 / 1073, expected = (log(half) - log(16)) / (log(64) - log(16))
        #expect(abs(map.columnMarkers[0].position - expected) < 1e-12)
        let elements = try ElementCollector.parse(figures[0].graphic.svg())
        #expect(elements.filter { $0.name == "rect" && $0.attributes["stroke"] == "#e00000" }.count == Self.batchSizes.count)
        let marker = try #require(elements.first { $0.name == "line" && $0.attributes["stroke-dasharray"] == "6,3" })
        let cells = elements.filter { $0.name == "rect" && $0.attributes["height"] == "36.0" }
        let left = cells.compactMap { Double($0.attributes["x"]!) }.min()!
        #expect(abs(Double(marker.attributes["x1"]!)! - (left + (expected + 0.5) * 64)) < 0.051)
        #expect(elements.contains { $0.name == "text" && $0.text == String(format: "b½ = %.0f", half) })
        // The page renders every figure kind.
        let result = StudyResult(study: AdamBetaStudy(), analysis: StudyAnalysis(outcomes: [], figures: figures, settings: []), wallSeconds: 0)
        let page = StudyReport.html(result)
        #expect(page.components(separatedBy: "<svg").count - 1 == 4)
    }

    @Test func quickRunProducesAVerdictPerClaim() throws {
        let result = try AdamBetaStudy().run(StudyOptions(quick: true))
        #expect(result.outcomes.map(\.claim.id) == AdamBetaStudy().claims.map(\.id))
        #expect(result.figures.count == 4 && result.settings.contains { $0.0 == "optimizer" })
        let numbers = result.outcomes[0].numbers
        #expect(numbers.keys.sorted() == ["argmin_beta2_b64", "argmin_beta2_b8"])
        #expect(numbers.values.allSatisfy { [0.999, 0.9].contains($0) })
        let transition = result.outcomes[3].numbers
        #expect(transition["b_simple"]!.isFinite && transition["b_simple"]! > 0)
        #expect(transition["lambda_b64"] == 0)  // full batch: (N/b − 1) = 0
    }
}
