import BiasLabTestSupport
import Foundation
import Testing

/// The self-describing commands end to end: `probes`, `data describe`'s preprocessing, and
/// `results list`'s columns. Oracles: the documented defaults and formulas, and column positions.
struct DescribeCommandTests {
    @Test func probesListsEveryProbeWithOptionsAndMetrics() throws {
        let r = try CLIRunner.run(["probes", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let probes = try #require(r.json?["probes"] as? [[String: Any]])
        #expect(probes.compactMap { $0["name"] as? String }
                    == ["train", "test", "sharpness", "preconditioned_sharpness", "interaction", "batch_sharpness", "trace",
                        "adaptive_sharpness", "gradient_noise", "loss_change", "alignment", "recovery", "theory"])
        let batch = try #require(probes.first { $0["name"] as? String == "batch_sharpness" })
        let option = try #require((batch["options"] as? [[String: Any]])?.first)
        #expect(option["key"] as? String == "batch_count" && option["default_value"] as? String == "32")
        let metrics = try #require(batch["metrics"] as? [[String: Any]]).compactMap { $0["name"] as? String }
        #expect(metrics == ["batch_sharpness", "batch_sharpness_se", "batch_sharpness_ratio_of_expectations", "gd_threshold", "momentum_threshold"])
        let noise = try #require(probes.first { $0["name"] as? String == "gradient_noise" })
        let rhoB = try #require((noise["metrics"] as? [[String: Any]])?.first { $0["name"] as? String == "rho_b" })
        #expect((rhoB["formula"] as? String)?.hasPrefix("ρ_b = ‖g‖² / tr S_b") == true)

        let text = try CLIRunner.run(["probes", "--name", "sharpness"])
        #expect(text.status == 0)
        #expect(text.stdout.hasPrefix("sharpness — "))
        #expect(text.stdout.contains("max_iterations  default 100"))
        #expect(text.stdout.contains("gd_threshold           2/η_t"))
        let bad = try CLIRunner.run(["probes", "--name", "nope"])
        #expect(bad.status == 2 && bad.stderr.contains("--name must be one of train, test,") && bad.stderr.contains("got 'nope'"))
    }

    /// `models`: one flat object per form, with the example's parameter count from the form's own formula,
    /// and every form (the transformer included) in `--help`.
    @Test func modelsListsEveryFormWithItsExampleSize() throws {
        let r = try CLIRunner.run(["models", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let forms = try #require(r.json?["forms"] as? [[String: Any]])
        #expect(forms.compactMap { $0["kind"] as? String }
                    == ["mlp", "cnn", "linear", "dln", "deeplinear", "transformer", "quadratic", "toy-quadratic", "ellipse"])
        let mlp = try #require(forms.first)
        #expect(Set(mlp.keys) == ["kind", "syntax", "example", "description", "parameter_count", "builds", "example_parameter_count"])
        // mlp:784-200-200-10: Σ_l (w_{l−1}·w_l + w_l).
        #expect(mlp["example_parameter_count"] as? Int == 784 * 200 + 200 + 200 * 200 + 200 + 200 * 10 + 10)
        // transformer V = 256, T = 32, D = 64, L = 2, M = 4D, tied: (V + T)·D + L·(4D² + 2DM + 9D + M) + 2D.
        let transformer = try #require(forms.first { $0["kind"] as? String == "transformer" })
        let (v, t, d, l, m) = (256, 32, 64, 2, 256)
        #expect(transformer["example_parameter_count"] as? Int == (v + t) * d + l * (4 * d * d + 2 * d * m + 9 * d + m) + 2 * d)
        let help = try CLIRunner.run(["models", "--help"])
        #expect(help.stdout.contains("  transformer:vocab=<V>:context=<T>:width=<D>:heads=<H>:layers=<L>[:mlp=<M>]\n      [:tied|untied]\n"))
        #expect(help.stdout.contains("  mlp:<w0>-<w1>-…-<wL>[:<activation>][:nobias][:<init>]\n"))
    }

    @Test func dataDescribeStatesThePreprocessing() throws {
        let r = try CLIRunner.run(["data", "describe", "fashion-mnist:test,per-class=3,seed=2,classes=6+0,center=training-mean", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let p = try #require(r.json?["preprocessing"] as? [String: String])
        #expect(p["subset"] == "classes 0+6 only, then 3 images per class of the test split, a uniform random subset of each "
                    + "class (Fisher–Yates, seed 2, stream fashion-mnist/test/class-<c>), kept in file order")
        #expect(p["scaling"] == "x = byte/255 ∈ [0, 1], flat [N, 784]")
        #expect(p["centering"] == "x − μ, μ the per-pixel mean of the training images these options select (for the test split too)")
        #expect(p["targets"] == "y = one-hot(label) ∈ ℝ^2, labels renumbered 0..<2 by rank")
        #expect(r.json?["n"] as? Int == 6)

        let text = try CLIRunner.run(["data", "describe", "chebyshev:degree=4,n=20"])
        #expect(text.status == 0)
        #expect(text.stdout.contains("\n  subset: all n = 20 points\n"))
        #expect(text.stdout.contains("\n  scaling: x_i = −1 + 2i/(n − 1), evenly spaced on [−1, 1]\n"))
        #expect(text.stdout.contains("\n  centering: none\n"))
        #expect(text.stdout.hasSuffix("  targets: y = T_4(x), the Chebyshev polynomial of the first kind\n"))
    }

    /// A run name longer than any fixed column: every column still starts after two spaces.
    @Test func resultsListColumnsNeverRunTogether() throws {
        let dir = try CLIRunner.temporaryDirectory()
        let store = dir.appendingPathComponent("runs.sqlite").path
        let name = "a-run-name-much-longer-than-twenty-two-characters"
        let config = try RunCommandTests.write(RunCommandTests.config.replacingOccurrences(of: "STEPS", with: "2")
                                                .replacingOccurrences(of: "name: cli-tiny", with: "name: \(name)"), in: dir)
        #expect(try CLIRunner.run(["run", config, "--store", store]).status == 0)
        let r = try CLIRunner.run(["results", "list", "--store", store])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n").map(String.init)
        try #require(lines.count == 2)
        let header = lines[0], row = lines[1]
        #expect(header.hasPrefix("id  name" + String(repeating: " ", count: name.count - 4 + 2) + "status"))
        #expect(row.hasPrefix("1   \(name)  completed  2/2  "))
        for column in ["status", "step", "started", "finished"] {
            let at = try #require(header.range(of: column)).lowerBound
            let offset = header.distance(from: header.startIndex, to: at)
            #expect(row[row.index(row.startIndex, offsetBy: offset - 2)..<row.index(row.startIndex, offsetBy: offset)] == "  ")
        }
    }
}
