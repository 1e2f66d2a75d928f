@testable import Experiments
import Foundation
import Testing
@testable import Theory

/// The SDE commands' report: one chart per test function and a table of every recorded mean and standard
/// error, as given.
struct MomentCurvesReportTests {
    @Test func oneChartPerFunctionAndTheRecordedValues() {
        let moments = SimulationMoments(times: [0, 0.25], paths: 40, seed: 1,
                                        series: [MomentSeries(name: "loss", times: [0, 0.25], means: [0.5, 0.375], standardErrors: [0, 0.0125]),
                                                 MomentSeries(name: "theta", times: [0, 0.25], means: [1, 0.875], standardErrors: [0, 0.03125])])
        let page = MomentCurvesReport.html(moments, title: "test", settings: [("paths", "40")])
        #expect(page.components(separatedBy: "<svg").count - 1 == 2)
        for cell in ["0.25", "0.375", "0.0125", "0.875", "0.03125", "40"].map({ "<td class=\"num\">\($0)</td>" }) {
            #expect(page.contains(cell), "missing \(cell)")
        }
        #expect(page.contains("mean over 40 paths"))
    }
}
