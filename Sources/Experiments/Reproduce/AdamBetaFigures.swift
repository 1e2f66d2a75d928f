import Foundation
import Theory

/// The figures of study 000-beta2: the measured β₂ × b and β₁ × b grids with the predicted regime change
/// drawn on them (paper 000 Figs. 2–3 with §3.3's transition batch sizes), and B_simple along training
/// (Fig. 4).
extension AdamBetaGrid {
    /// 100·(L − min_column L)/min_column L of the seed-mean best validation losses, rows[β][b]: 0 marks each
    /// batch size's best β.
    static func percentAboveColumnBest(_ sweep: [[Double]]) -> [[Double?]] {
        let columnBest = sweep.map { $0.filter(\.isFinite).min() ?? .nan }
        return sweep[0].indices.map { k in
            sweep.indices.map { b in
                let value = sweep[b][k]
                return value.isFinite ? 100 * (value - columnBest[b]) / columnBest[b] : nil
            }
        }
    }

    func heatmap(title: String, rowLabel: String, rows: [Double], sweep: [[Double]], marker: (value: Double, label: String)?) -> Heatmap {
        var map = Heatmap(title: title, xLabel: "batch size b (N = \(samples))", yLabel: rowLabel,
                          valueLabel: "% above the column's best", xCategories: batchSizes.map(String.init),
                          yCategories: rows.map { "\($0)" }, values: Self.percentAboveColumnBest(sweep))
        map.bestScope = .column
        if let marker, let position = Heatmap.ColumnMarker.logPosition(of: marker.value, grid: batchSizes.map(Double.init)) {
            map.columnMarkers = [Heatmap.ColumnMarker(position: position, label: marker.label)]
        }
        return map
    }

    /// The two heat maps and the B_simple chart; `noiseSeries[b]` is B_simple by epoch in the (0.9, 0.999) run of seed 0.
    func figures(noiseSeries: [(steps: [Int], values: [Double])]) throws -> [StudyFigure] {
        let mean = meanView
        let sizes = transition(mean)
        let half = sizes.map { (value: $0.half, label: String(format: "b½ = %.0f", $0.half)) }
        let one = sizes.map { (value: $0.one, label: String(format: "b₁ = %.0f", $0.one)) }
        let beta2Map = heatmap(title: "Best validation loss over β₂ (β₁ = 0.9), seed means", rowLabel: "β₂", rows: beta2s, sweep: mean.beta2Sweep, marker: half)
        let beta1Map = heatmap(title: "Best validation loss over β₁ (β₂ = 0.999), seed means", rowLabel: "β₁", rows: beta1s, sweep: mean.beta1Sweep, marker: one)
        var series: [LineChart.Series] = zip(batchSizes, noiseSeries).enumerated().map { k, pair in
            LineChart.Series(name: "B_simple, b = \(pair.0)", points: zip(pair.1.steps, pair.1.values).filter { $0.1.isFinite && $0.1 > 0 }.map { (Double($0.0), $0.1) },
                             color: Palette.series(k))
        }
        let epochs = noiseSeries.flatMap(\.steps).max() ?? 1
        let estimate = noiseScale(mean)
        if estimate.isFinite, estimate > 0 {
            series.append(LineChart.Series(name: String(format: "B̂ = %.3g (median over b at the best epoch)", estimate),
                                           points: [(0, estimate), (Double(epochs), estimate)], color: Palette.series(6), dashed: true))
        }
        return [
            StudyFigure(.heatmap(beta2Map), caption: "Paper 000 Fig. 2 / Table 1 in miniature: each column's best β₂ is outlined (0 = the best); the paper predicts it to fall as b grows. The dashed line is the predicted switch b_{1/2} = 2N·B̂/(N + 2B̂ − 1) (λ = ½, Lemma 3.4) at the measured B̂: larger β₂ should help to its left, smaller β₂ to its right."),
            StudyFigure(.heatmap(beta1Map), caption: "Paper 000 Fig. 3 in miniature: each column's best β₁ is outlined; the paper predicts β₁ = 0.9 best at small b and β₁ closer to β₂ best at large b. The dashed line is b₁ = N·B̂/(N + B̂ − 1) (λ = 1, Lemma 3.6)."),
            StudyFigure(chart: LineChart(id: "adam-noise-scale", title: "B_simple = tr Σ/‖g‖² along training, (β₁, β₂) = (0.9, 0.999), seed 0",
                                         xLabel: "epoch", yLabel: "B_simple", series: series, logY: true),
                        caption: "Paper 000 Fig. 4 in miniature: the simple noise scale along the default-Adam runs; B̂ sets the predicted transition batch sizes."),
            StudyFigure(chart: coefficientChart(noiseScale: estimate),
                        caption: "The theory beside the heat map: C_total(0.9, β₂, λ) = β₁/(1−β₁) − β₂/(1−β₂) + (C₁ + C₂)λ (paper 000 Eq. (7)) over the study's β₂ grid at each batch size's λ = λ(b, B̂) (Def. 3.2 with the measured B̂). Where it rises with β₂ (λ > ½, Lemma 3.4) a smaller β₂ weakens Adam's anti-regularization; where it falls, a larger β₂ does."),
        ]
    }

    /// C_total(0.9, β₂, λ(b)) over the β₂ grid, one series per batch size, λ(b) from the measured B̂.
    func coefficientChart(noiseScale estimate: Double) -> LineChart {
        let series = batchSizes.enumerated().map { k, b in
            let lambda = (try? AdamNoiseScale.noiseRatio(datasetSize: Double(samples), batchSize: Double(b), simpleNoiseScale: estimate)) ?? .nan
            return LineChart.Series(name: String(format: "b = %d (λ = %.3g)", b, lambda),
                                    points: beta2s.sorted().map { ($0, AdamNoiseCoefficients.total(beta1: 0.9, beta2: $0, noiseRatio: lambda)) }.filter { $0.1.isFinite },
                                    color: Palette.series(k))
        }
        return LineChart(id: "adam-c-total", title: "C_total(β₁ = 0.9, β₂, λ) at the measured noise ratio", xLabel: "β₂", yLabel: "C_total",
                         series: series, logY: false)
    }
}
