import Foundation

/// A study's report: the verdict table on top, the figures (prediction beside measurement), the settings
/// at the bottom, as one self-contained HTML page.
public enum StudyReport {
    public static func html(_ result: StudyResult) -> String { html([result]) }

    /// One page with a section per study (in order).
    public static func html(_ results: [StudyResult]) -> String {
        var page = HTMLPage(title: results.count == 1 ? "BiasLab reproduction \(results[0].study): \(results[0].title)"
                                                      : "BiasLab reproductions: " + results.map(\.study).joined(separator: ", "))
        for result in results { section(result, on: &page) }
        return page.render()
    }

    static func section(_ result: StudyResult, on page: inout HTMLPage) {
        page.heading("\(result.study): \(result.title)", level: 1)
        let counts = Verdict.allCases.map { v in "\(result.outcomes.filter { $0.verdict == v }.count) \(v.rawValue)" }
        page.paragraph(counts.joined(separator: ", ") + String(format: " · %.1f s", result.wallSeconds))
        page.table(header: ["claim", "source", "criterion", "measured", "verdict"], rows: result.outcomes.map { o in
            [o.claim.statement, "paper \(o.claim.paper), \(o.claim.source)", o.claim.criterion, o.measured, o.verdict.rawValue]
        })
        for figure in result.figures { page.figure(figure.graphic.svg(), caption: figure.caption) }
        page.heading("Settings")
        page.table(header: ["setting", "value"], rows: result.settings.map { [$0.0, $0.1] })
    }
}
