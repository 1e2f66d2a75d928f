import BiasLabTestSupport
import DataIO
import Foundation
import NN
import Tensor
import Testing

/// `--sampling` (the one SamplingOptions flag) on every command that draws or models mini-batches:
/// each accepts BatchSampling's raw values, gives the numbers of its scheme, and rejects bad values
/// (and fixed-order where batch moments are needed) with one line and exit 2.
struct SamplingFlagTests {
    /// `train --sampling fixed-order`: batch k is the slice [kb, (k+1)b) of 0..<N (cyclically), so the
    /// losses equal SGD replayed by hand on those slices.
    @Test func trainFixedOrderWalksTheSlicesInOrder() throws {
        let (dir, objective, theta) = try CurvatureCommandTests.writeProblem()
        let (n, b, eta, steps) = (objective.sampleCount, 5, 0.05, 4)
        let r = try CLIRunner.run(["train", "--model", "mlp:5-8-6-3:tanh", "--params", dir.appendingPathComponent("theta.npy").path,
                                   "--data", dir.appendingPathComponent("data.npz").path, "--optimizer", "sgd", "--lr", "\(eta)",
                                   "--steps", "\(steps)", "--batch-size", "\(b)", "--sampling", "fixed-order", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let losses = try #require(r.json?["losses"] as? [Double])
        var t = theta
        var expected: [Double] = []
        let perEpoch = (n + b - 1) / b
        for k in 0..<steps {
            let start = (k % perEpoch) * b
            let (loss, gradient) = objective.valueAndGradient(at: t, batch: Array(start..<min(start + b, n)))
            expected.append(loss)
            for i in t.indices { t[i] -= eta * gradient[i] }
        }
        try #require(losses.count == steps)
        #expect(Closeness.relativeError(losses, expected) <= 1e-12)
    }

    /// `curvature --sampling uniform-subset`: ρ_b with γ = (N − b)/(N − 1), as for without-replacement
    /// (paper 003 eq. (17)); `with-replacement` has γ = 1.
    @Test func curvatureRhoBFollowsTheScheme() throws {
        let (dir, objective, theta) = try CurvatureCommandTests.writeProblem()
        let n = objective.sampleCount, d = objective.dimension, b = 4.0
        let g = objective.perSampleGradients(at: theta, batch: nil)
        let rows = (0..<n).map { Array(g.scalars[($0 * d)..<(($0 + 1) * d)]) }
        let mean = (0..<d).map { j in rows.map { $0[j] }.reduce(0, +) / Double(n) }
        let trS1 = rows.map { VectorOps.dot($0, $0) }.reduce(0, +) / Double(n)
        let trSn = VectorOps.dot(mean, mean)
        for (scheme, gamma) in [("uniform-subset", (Double(n) - b) / Double(n - 1)), ("with-replacement", 1.0)] {
            let r = try CLIRunner.run(["curvature", "--model", "mlp:5-8-6-3:tanh", "--params", dir.appendingPathComponent("theta.npy").path,
                                       "--data", dir.appendingPathComponent("data.npz").path,
                                       "--measure", "noise", "--batch-size", "4", "--sampling", scheme, "--json"])
            #expect(r.status == 0, "\(r.stderr)")
            let json = try #require(r.json)
            #expect(json["sampling"] as? String == scheme)
            let w = gamma / b
            #expect(Closeness.relativeError(try #require(json["rho_b"] as? Double), trSn / (w * trS1 + (1 - w) * trSn)) <= 1e-10)
        }
    }

    /// `stability --sampling with-replacement`: ρ_b = tr S_N/tr S_b with γ = 1, from the per-sample
    /// gradients of the least-squares fixture computed by hand.
    @Test func stabilityUsesTheScheme() throws {
        let (params, data) = try StabilityCommandTests.fixture()
        let r = try CLIRunner.run(["stability", "--model", "mlp:2-1:identity", "--params", params, "--data", data, "--loss", "mse",
                                   "--optimizer", "sgd", "--lr", "0.1", "--batch-size", "2", "--sampling", "with-replacement", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try #require(r.json)
        #expect(json["sampling"] as? String == "with-replacement")
        let t = StabilityCommandTests.theta
        let rows = zip(StabilityCommandTests.x, StabilityCommandTests.y).map { xi, yi -> [Double] in
            let residual = t[0] * xi[0] + t[1] * xi[1] + t[2] - yi
            return [residual * xi[0], residual * xi[1], residual]
        }
        let trS1 = rows.map { VectorOps.dot($0, $0) }.reduce(0, +) / 4
        let mean = StabilityCommandTests.gradient(t)
        let trSn = VectorOps.dot(mean, mean)
        let w = 1.0 / 2
        #expect(Closeness.relativeError(try #require(json["rho_b"] as? Double), trSn / (w * trS1 + (1 - w) * trSn)) <= 1e-12)
    }

    /// `scale --rule lssr --sampling with-replacement`: η₁ = η₀ ρ_{b₁}/ρ_{b₀}, ρ_b = 1/(1/(bρ) + 1 − 1/b).
    @Test func scaleLSSRUsesTheScheme() throws {
        let (b0, b1, lr, rho) = (16.0, 128.0, 0.05, 0.002)
        let r = try CLIRunner.run(["scale", "--rule", "lssr", "--optimizer", "sgd", "--batch-size", "16", "--to-batch-size", "128",
                                   "--lr", "\(lr)", "--rho", "\(rho)", "--n", "5000", "--sampling", "with-replacement", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        func rhoB(_ b: Double) -> Double { 1 / ((1 / b) / rho + 1 - 1 / b) }
        #expect(Closeness.relativeError(try #require(r.json?["lr"] as? Double), lr * rhoB(b1) / rhoB(b0)) <= 1e-12)
    }

    /// A value outside BatchSampling, and fixed-order where random batches are needed: one line, exit 2.
    @Test func badSamplingExitsTwoWithOneLine() throws {
        let (dir, _, _) = try CurvatureCommandTests.writeProblem()
        let (params, data) = try StabilityCommandTests.fixture()
        let problem = ["--model", "mlp:5-8-6-3:tanh", "--params", dir.appendingPathComponent("theta.npy").path,
                       "--data", dir.appendingPathComponent("data.npz").path]
        let cases: [([String], String)] = [
            (["train"] + problem + ["--steps", "1", "--batch-size", "2", "--sampling", "sometimes"], "sometimes"),
            (["curvature"] + problem + ["--measure", "noise", "--sampling", "fixed-order"], "fixed-order has no random batch law"),
            (["stability", "--model", "mlp:2-1:identity", "--params", params, "--data", data, "--optimizer", "sgd", "--lr", "0.1",
              "--sampling", "fixed-order"], "fixed-order has no random batch law"),
            (["scale", "--rule", "lssr", "--optimizer", "sgd", "--batch-size", "16", "--to-batch-size", "128", "--lr", "0.05",
              "--rho", "0.002", "--n", "5000", "--sampling", "fixed-order"], "fixed-order has no random batch law"),
        ]
        for (args, message) in cases {
            let r = try CLIRunner.run(args)
            #expect(r.status == 2, "\(args): \(r.stderr)")
            #expect(r.stderr.contains("--sampling") || r.stderr.contains("sampling"), "\(r.stderr)")
            #expect(r.stderr.contains(message), "\(r.stderr)")
            #expect(r.stderr.split(separator: "\n").count == 1, "\(r.stderr)")
        }
        // λ_max needs no batches, so fixed-order is accepted there.
        let ok = try CLIRunner.run(["curvature"] + problem + ["--measure", "lambda-max", "--sampling", "fixed-order", "--json"])
        #expect(ok.status == 0, "\(ok.stderr)")
    }

    /// `run`: `training.sampling` (set here with `--set`) takes the same values; a batch-moment probe
    /// rejects fixed-order before the store is touched.
    @Test func runTakesTrainingSampling() throws {
        let dir = try CLIRunner.temporaryDirectory()
        let store = dir.appendingPathComponent("runs.sqlite").path
        let config = try RunCommandTests.write(RunCommandTests.config.replacingOccurrences(of: "STEPS", with: "4")
                                                .replacingOccurrences(of: "name: sharpness, every: 100", with: "name: gradient_noise, every: 2"), in: dir)
        let ok = try CLIRunner.run(["run", config, "--set", "training.sampling=uniform-subset", "--store", store, "--json"])
        #expect(ok.status == 0 && ok.json?["status"] as? String == "completed", "\(ok.stderr)")
        let bad = try CLIRunner.run(["run", config, "--set", "training.sampling=fixed-order", "--store", store])
        #expect(bad.status == 2)
        #expect(bad.stderr == "biaslab: probes[1]: the gradient_noise probe needs randomly drawn batches, but sampling fixed-order has no "
                    + "random batch law (expected without-replacement, with-replacement, uniform-subset); set training.sampling\n")
    }
}
