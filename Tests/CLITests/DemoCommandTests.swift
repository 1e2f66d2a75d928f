import BiasLabTestSupport
import Foundation
import Testing

/// `biaslab demo --quick` end to end: the three runs (GD, Adam, SGD), paper 003's verdict on the SGD
/// run with finite late medians, and a report drawing 2/η on both SGD quantities.
struct DemoCommandTests {
    @Test func quickDemoWritesAReport() throws {
        let dir = try CLIRunner.temporaryDirectory()
        let report = dir.appendingPathComponent("demo.html").path
        let r = try CLIRunner.run(["demo", "--quick", "--store", dir.appendingPathComponent("demo.sqlite").path, "-o", report, "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let runs = try #require(r.json?["runs"] as? [[String: Any]])
        #expect(runs.map { $0["sharpness_metric"] as? String } == ["lambda_max", "preconditioned_sharpness", "instability_ratio"])
        #expect(runs.first?["threshold"] as? Double == 2 / 0.0666667)
        // The SGD run (η = 2/35): 2/η = 35 up to the round-off of η's decimal.
        #expect(abs((runs.last?["threshold"] as? Double ?? .nan) - 35) < 1e-9)
        let edge = try #require(r.json?["sgd_edge"] as? [String: Any])
        for key in ["ratio_over_edge", "lambda_max_over_edge"] {
            let value = try #require(edge[key] as? Double, "\(key) missing or not a number")
            #expect(value.isFinite && value > 0, "\(key) = \(value)")
        }
        #expect((edge["late_ratio_count"] as? Int ?? 0) > 0 && (edge["late_lambda_max_count"] as? Int ?? 0) > 0)
        #expect(["below", "at-edge", "above"].contains(edge["ratio_position"] as? String ?? ""))
        let html = try String(contentsOfFile: report, encoding: .utf8)
        #expect(html.contains("<svg") && html.contains("demo-quick/gd") && html.contains("demo-quick/sgd"))
        // 2/η drawn on the SGD run's λ_max and instability-ratio charts.
        for metric in ["lambda_max", "instability_ratio"] {
            let svg = try #require(html.components(separatedBy: "<svg").first { $0.contains("clip-run-\(metric)\"") }, "no chart of \(metric)")
            #expect(svg.contains("data-threshold=\"gd_threshold\"") && svg.contains("data-value=\"35"), "\(metric): no 2/η = 35 line")
        }
        let text = try CLIRunner.run(["demo", "--quick", "--store", dir.appendingPathComponent("demo.sqlite").path, "-o", report])
        #expect(text.status == 0 && text.stdout.contains("sgd (paper 003): tr(H S_b)/tr(S_N)·η/2 = "), "\(text.stdout)")
    }
}
