import Foundation
import Theory

/// The report of `biaslab theory trajectory` (paper 001 Fig. 1, Corollary 3.3): for each step size h, the
/// ℓ∞ distance between the optimizer and its memoryless iterations at every step, against time t = n·h
/// (solid: with the correction M, second order; dashed: without, first order), and the table of maxima and
/// slopes log₂(e(h)/e(h/2)) — ≈ 2 with M and ≈ 1 without once h is small.
public enum MemoryTrajectoryReport {
    public static func html(_ order: MemoryConvergenceOrder, optimizer: String) -> String {
        var page = HTMLPage(title: "BiasLab: \(optimizer) and its memoryless approximations")
        page.heading("\(optimizer) and its memoryless approximations (paper 001 Fig. 1)", level: 1)
        var series: [LineChart.Series] = []
        for (j, h) in order.learningRates.enumerated() {
            let time = { (n: Int) in Double(n) * h }
            // log axis: n = 0 (distance 0) is left out.
            let second = order.secondOrderCurves[j].enumerated().dropFirst().map { (time($0.offset), $0.element) }
            let first = order.firstOrderCurves[j].enumerated().dropFirst().map { (time($0.offset), $0.element) }
            series.append(LineChart.Series(name: "with M (second order), h = \(format(h))", points: second, color: Palette.series(j)))
            series.append(LineChart.Series(name: "without M (first order), h = \(format(h))", points: first, color: Palette.series(j), dashed: true))
        }
        let chart = LineChart(id: "memory-trajectory", title: "‖θ⁽ⁿ⁾ − θ̃⁽ⁿ⁾‖∞ along the run", xLabel: "time t = n·h",
                              yLabel: "ℓ∞ distance", series: series, logY: true)
        page.figure(chart.svg(), caption: "The corrected (second-order) iteration stays closer; halving h divides its distance by ≈ 4 and the uncorrected one's by ≈ 2.")
        let rows = order.learningRates.indices.map { j in
            [format(order.learningRates[j]), format(order.firstOrderErrors[j]), format(order.secondOrderErrors[j]),
             j == 0 ? "–" : format(order.firstOrderSlopes[j - 1]), j == 0 ? "–" : format(order.secondOrderSlopes[j - 1])]
        }
        page.table(header: ["h", "max distance without M", "max distance with M", "slope without M", "slope with M"], rows: rows)
        return page.render()
    }

    static func format(_ x: Double) -> String { String(format: "%.4g", x) }
}
