import BiasLabTestSupport
import Foundation
import Testing

/// `theory trajectory` returns the whole distance curves (paper 001 Fig. 1), not only their maxima, and
/// draws them; on a quadratic, heavy ball's corrected iteration converges at order 2 and the uncorrected
/// one at order 1 (Corollary 3.3).
struct TheoryTrajectoryCurveTests {
    @Test func curvesAreReturnedAndDrawn() throws {
        let dir = try CLIRunner.temporaryDirectory()
        let report = dir.appendingPathComponent("trajectory.html")
        let r = try CLIRunner.run(["theory", "trajectory", "--model", "quadratic:diag=1,4", "--optimizer", "heavy-ball", "--lr", "0.02",
                                   "--momentum", "0.5", "--steps", "40", "--refinements", "3", "--json", "-o", report.path])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try #require(r.json)
        let curves = try #require(json["curves"] as? [[String: Any]])
        let first = try #require(json["first_order_errors"] as? [Double]), second = try #require(json["second_order_errors"] as? [Double])
        #expect(curves.count == 4)
        for (j, curve) in curves.enumerated() {
            let a = try #require(curve["first_order"] as? [Double]), b = try #require(curve["second_order"] as? [Double])
            #expect(a.count == 40 * (1 << j) + 1 && b.count == a.count)
            #expect(a[0] == 0 && b[0] == 0)
            #expect(a.max() == first[j] && b.max() == second[j])
        }
        // Corollary 3.3 on the finest pair of step sizes.
        #expect(abs(try #require(json["order_with_correction"] as? Double) - 2) < 0.1)
        #expect(abs(try #require(json["order_without_correction"] as? Double) - 1) < 0.1)
        let html = try String(contentsOf: report, encoding: .utf8)
        #expect(html.contains("<svg") && html.contains("with M (second order), h = 0.02") && html.contains("slope with M"))
        #expect(try CLIRunner.run(["theory", "trajectory", "--params", "x.npy", "--optimizer", "sgd", "--lr", "0.1", "--steps", "3"]).status == 2)
    }
}
