import Foundation
import Theory

/// The report of `biaslab sde simulate` and `biaslab sde svag` (paper 004 Figs. 3, 7–11): one chart per
/// test function of the Monte-Carlo mean over the paths against continuous time t, with a band of ±2
/// standard errors (s/√P), and the table of every recorded value.
public enum MomentCurvesReport {
    public static func html(_ moments: SimulationMoments, title: String, settings: [(String, String)]) -> String {
        var page = HTMLPage(title: "BiasLab: \(title)")
        page.heading(title, level: 1)
        for (k, s) in moments.series.enumerated() {
            let points = zip(moments.times, s.means).map { ($0, $1) }
            let band: [(x: Double, lower: Double, upper: Double)] = moments.times.indices.map { t in
                let (mean, se) = (s.means[t], s.standardErrors[t])
                return (moments.times[t], mean - 2 * se, mean + 2 * se)
            }
            let chart = LineChart(id: "moments-\(s.name)", title: "E[\(s.name)] over continuous time", xLabel: "t", yLabel: s.name,
                                  series: [LineChart.Series(name: "mean over \(moments.paths) paths", points: points, color: Palette.series(k))],
                                  bands: [LineChart.Band(points: band, color: Palette.series(k))], logY: false)
            page.figure(chart.svg(), caption: "The mean of \(s.name) over \(moments.paths) paths, with ±2 standard errors.")
        }
        page.table(header: ["t"] + moments.series.flatMap { ["\($0.name) mean", "\($0.name) SE"] },
                   rows: moments.times.indices.map { t in
                       [format(moments.times[t])] + moments.series.flatMap { [format($0.means[t]), format($0.standardErrors[t])] }
                   })
        page.table(header: ["setting", "value"], rows: settings.map { [$0.0, $0.1] })
        return page.render()
    }

    static func format(_ x: Double) -> String { String(format: "%.6g", x) }
}
