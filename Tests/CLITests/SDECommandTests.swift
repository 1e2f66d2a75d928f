import BiasLabTestSupport
import DataIO
import Foundation
import NN
import Tensor
import Testing

/// End-to-end `biaslab sde simulate` and `biaslab sde svag` against closed forms (digest 004 §10.2).
struct SDECommandTests {
    static func series(_ json: [String: Any], _ name: String) -> (means: [Double], errors: [Double])? {
        guard let list = json["series"] as? [[String: Any]], let s = list.first(where: { $0["name"] as? String == name }),
              let means = s["means"] as? [Double], let errors = s["standard_errors"] as? [Double] else { return nil }
        return (means, errors)
    }

    /// Oracle C: the RMSprop SDE with σ₀ = 0.5 (η = 0.1, B = 0.04 ⇒ σ = 5), c₂ = 1, ε₀ = 0, h = s = θ₀ = 1
    /// has E θ²(0.5) = e^{−2} + ¼(1 − e^{−2}) = 0.3515; default Δt = η²/4 (Euler bias < 0.3%).
    @Test func simulateMatchesOrnsteinUhlenbeck() throws {
        let r = try CLIRunner.run(["sde", "simulate", "--process", "rmsprop", "--oracle", "quadratic:h=1,s=1,d=4", "--lr", "0.1",
                                   "--beta2", "0.99", "--eps", "0", "--batch-size", "0.04", "--time", "0.5", "--records", "1",
                                   "--paths", "600", "--seed", "3", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try #require(r.json)
        let invariants = try #require(json["invariants"] as? [String: Any])
        #expect(abs((invariants["sigma0"] as? Double ?? 0) - 0.5) < 1e-12)
        let thetaSquared = try #require(Self.series(json, "theta_sq"))
        let oracle = exp(-2.0) + 0.25 * (1 - exp(-2.0))
        #expect(abs(thetaSquared.means[1] - oracle) <= 4 * thetaSquared.errors[1] + 0.003,
                "E θ²(0.5) = \(thetaSquared.means[1]) ± \(thetaSquared.errors[1]) vs \(oracle)")
        #expect(Self.series(json, "u") != nil)
    }

    /// SGD-SVAG (η ← η/ℓ², digest 004 §5.2) on ½hθ²: E θ_k = (1 − ηh/ℓ²)^k θ₀ exactly, k = ℓ²t/η; and
    /// r₁ + r₂ = 1, r₁² + r₂² = ℓ².
    @Test func svagSGDMeanIsExact() throws {
        let r = try CLIRunner.run(["sde", "svag", "--ell", "2", "--process", "sgd", "--oracle", "quadratic:h=2,s=1,d=4,noise=rademacher",
                                   "--lr", "0.1", "--time", "0.5", "--records", "1", "--paths", "400", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try #require(r.json)
        let r1 = try #require(json["r1"] as? Double), r2 = try #require(json["r2"] as? Double)
        #expect(abs(r1 + r2 - 1) < 1e-12 && abs(r1 * r1 + r2 * r2 - 4) < 1e-12)
        #expect(json["steps"] as? Int == 20)
        let theta = try #require(Self.series(json, "theta"))
        let exact = pow(1 - 0.1 * 2 / 4, 20.0)
        #expect(abs(theta.means[1] - exact) <= 4 * theta.errors[1], "E θ = \(theta.means[1]) ± \(theta.errors[1]) vs \(exact)")
    }

    @Test func badOracleExitsTwoWithOneLine() throws {
        let r = try CLIRunner.run(["sde", "simulate", "--process", "adam", "--oracle", "cubic:h=1", "--lr", "0.1",
                                   "--time", "1", "--paths", "10"])
        #expect(r.status == 2)
        #expect(r.stderr.split(separator: "\n").count == 1 && r.stderr.contains("--oracle"))
    }

    /// A tiny MLP (5-4-3, tanh, 8 samples, mse) written to .npy/.npz in a temporary directory.
    static func writeModel() throws -> (args: [String], objective: SupervisedObjective, theta: [Double]) {
        let (objective, theta) = TinyProblems.tanhMLP(widths: [5, 4, 3], samples: 8)
        let dir = try CLIRunner.temporaryDirectory()
        try NPY.write(Tensor(theta), to: dir.appendingPathComponent("theta.npy"))
        try NPZ.write(["x": objective.inputs, "y": objective.targets], to: dir.appendingPathComponent("data.npz"))
        return (["--model", "mlp:5-4-3:tanh", "--params", dir.appendingPathComponent("theta.npy").path,
                 "--data", dir.appendingPathComponent("data.npz").path, "--loss", "mse"], objective, theta)
    }

    /// `--model` instead of `--oracle`. Oracles: at t = 0 every path is at θ₀ (loss L(θ₀), theta_sq = ‖θ₀‖²/d,
    /// theta_0 = θ₀[0], standard error 0); one Euler–Maruyama step of the SGD SDE (Δt = t = 0.02) has
    /// E θ = θ₀ − Δt∇L(θ₀) exactly; one SVAG step at ℓ = 1 (plain SGD, B = 2 samples with replacement) has
    /// E θ = θ₀ − η∇L(θ₀) exactly (unbiased mini-batch gradient). Within 4 standard errors.
    @Test func modelSourceMatchesOneStepMeans() throws {
        let (model, objective, theta) = try Self.writeModel()
        let g = objective.gradient(at: theta)
        let common = ["--process", "sgd", "--lr", "0.02", "--batch-size", "2", "--time", "0.02", "--records", "1",
                      "--paths", "300", "--seed", "5", "--json"]
        let simulate = try CLIRunner.run(["sde", "simulate"] + model + common + ["--dt", "0.02"])
        let svag = try CLIRunner.run(["sde", "svag", "--ell", "1"] + model + common)
        for r in [simulate, svag] {
            #expect(r.status == 0, "\(r.stderr)")
            let json = try #require(r.json)
            let loss = try #require(Self.series(json, "loss")), squared = try #require(Self.series(json, "theta_sq"))
            let first = try #require(Self.series(json, "theta_0"))
            #expect(Self.series(json, "theta_2") != nil && Self.series(json, "theta_3") == nil)
            #expect(abs(loss.means[0] - objective.loss(at: theta)) < 1e-12 && loss.errors[0] == 0)
            #expect(abs(squared.means[0] - theta.reduce(0) { $0 + $1 * $1 } / Double(theta.count)) < 1e-12)
            #expect(abs(first.means[0] - theta[0]) < 1e-15)
            let expected = theta[0] - 0.02 * g[0]
            #expect(first.errors[1] > 0 && abs(first.means[1] - expected) <= 4 * first.errors[1],
                    "E θ₀ after one step: \(first.means[1]) ± \(first.errors[1]) vs \(expected)")
        }
    }

    /// Exactly one gradient source; with --model, B is a positive integer and θ₀ comes from --params.
    @Test func sourceErrorsExitTwoWithOneLine() throws {
        let (model, _, _) = try Self.writeModel()
        let common = ["--process", "sgd", "--lr", "0.1", "--time", "1", "--paths", "10"]
        for args in [["sde", "simulate"] + common,
                     ["sde", "simulate", "--oracle", "quadratic:h=1,s=1"] + model + common,
                     ["sde", "svag", "--ell", "2"] + model + common + ["--batch-size", "0.5"],
                     ["sde", "simulate"] + model + common + ["--theta0", "2"],
                     ["sde", "simulate", "--model", "mlp:5-4-3:tanh"] + common] {
            let r = try CLIRunner.run(args)
            #expect(r.status == 2, "\(args): \(r.stderr)")
            #expect(r.stderr.split(separator: "\n").count == 1, "\(args): \(r.stderr)")
        }
    }
}
