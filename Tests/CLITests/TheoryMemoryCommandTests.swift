import BiasLabTestSupport
import Curvature
import DataIO
import Foundation
import NN
import Tensor
import Testing
import Theory

/// Tiny fixtures: an mlp:2-3-1:tanh (13 parameters) and 8 regression samples, written with DataIO.
private struct Fixture {
    let directory: URL
    let theta: [Double]
    var params: String { directory.appendingPathComponent("theta.npy").path }
    var data: String { directory.appendingPathComponent("data.npz").path }
    var modelArguments: [String] { ["--model", "mlp:2-3-1:tanh", "--params", params, "--data", data, "--loss", "mse"] }

    init() throws {
        directory = try CLIRunner.temporaryDirectory()
        var rng = RandomGenerator(seed: 17)
        theta = rng.gaussians(13).map { 0.7 * $0 }
        let x = Tensor(shape: [8, 2], scalars: rng.gaussians(16))
        let y = Tensor(shape: [8, 1], scalars: rng.gaussians(8))
        try NPY.write(Tensor(theta), to: URL(fileURLWithPath: params))
        try NPZ.write(["x": x, "y": y], to: URL(fileURLWithPath: data))
    }

    var objective: SupervisedObjective {
        get throws {
            let dataset = try Dataset.load(npz: URL(fileURLWithPath: data))
            return SupervisedObjective(model: DenseNetwork(widths: [2, 3, 1], activation: .tanh), loss: .mse,
                                       inputs: dataset.x, targets: dataset.y)
        }
    }
}

@Suite("biaslab theory memory / trajectory / adam-noise (end to end)")
struct TheoryMemoryCommandTests {
    // Oracle: heavy ball's limit correction M = hβ/(2(1−β)³)∇‖∇L‖² (paper 001 App. E): 4.5 at h = 0.01, β = 0.9.
    @Test func memoryTermsHeavyBall() throws {
        let r = try CLIRunner.run(["theory", "memory", "--optimizer", "heavy-ball", "--lr", "0.01", "--beta", "0.9", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let terms = try #require(r.json?["terms"] as? [[String: Any]])
        #expect(terms.count == 1)
        #expect(terms[0]["name"] as? String == "grad_norm_sq")
        let coefficient = try #require(terms[0]["coefficient"] as? Double)
        #expect(abs(coefficient - 4.5) < 1e-12)
    }

    // Oracle: M(θ) at θ equals the library's closed form on the same objective; the saved .npy holds it.
    @Test func memoryAtTheta() throws {
        let fixture = try Fixture()
        let saved = fixture.directory.appendingPathComponent("m.npy").path
        let r = try CLIRunner.run(["theory", "memory", "--optimizer", "adamw:paper001", "--lr", "0.001", "--beta1", "0.9", "--beta2", "0.95",
                                   "--eps", "0.01", "--weight-decay", "0.1", "--json", "--save-correction", saved] + fixture.modelArguments)
        #expect(r.status == 0, "\(r.stderr)")
        let expected = MemoryClosedForm.correction(for: .adam(beta1: 0.9, beta2: 0.95, epsilon: 0.01, weightDecay: 0.1),
                                                   objective: try fixture.objective, at: fixture.theta, learningRate: 1e-3, step: nil)
        let norm = try #require(r.json?["correction_norm"] as? Double)
        #expect(abs(norm - VectorOps.norm(expected)) <= 1e-12 * VectorOps.norm(expected))
        let vector = try NPY.read(URL(fileURLWithPath: saved)).scalars
        #expect(zip(vector, expected).allSatisfy { abs($0 - $1) <= 1e-15 + 1e-12 * abs($1) })
        #expect((r.json?["terms"] as? [[String: Any]])?.count == 4)
    }

    // Oracle: Corollary 3.3 — on the MLP, heavy ball's global error order is ≈ 2 with M and ≈ 1 without.
    @Test func trajectoryOrder() throws {
        let fixture = try Fixture()
        let r = try CLIRunner.run(["theory", "trajectory", "--optimizer", "heavy-ball", "--lr", "0.005", "--beta", "0.5",
                                   "--steps", "40", "--json"] + fixture.modelArguments)
        #expect(r.status == 0, "\(r.stderr)")
        let with = try #require(r.json?["order_with_correction"] as? Double)
        let without = try #require(r.json?["order_without_correction"] as? Double)
        #expect(with > 1.7 && without > 0.8 && without < 1.2, "orders \(with), \(without)")
    }

    // Oracle: B_simple from per-sample gradients (GradientNoiseStatistics) and λ = (N/b − 1)/(N − 1)·B_simple (eq. (8)).
    @Test func adamNoiseMeasuredAtTheta() throws {
        let fixture = try Fixture()
        let r = try CLIRunner.run(["theory", "adam-noise", "--beta1", "0.9", "--beta2", "0.999", "--batch-size", "2", "--json"]
                                  + fixture.modelArguments)
        #expect(r.status == 0, "\(r.stderr)")
        let noise = GradientNoiseStatistics(perSampleGradients: try fixture.objective.perSampleGradients(at: fixture.theta, batch: nil))
        let bSimple = try #require(r.json?["b_simple"] as? Double)
        let lambda = try #require(r.json?["lambda"] as? Double)
        #expect(abs(bSimple - noise.simpleNoiseScale) <= 1e-12 * noise.simpleNoiseScale)
        #expect(abs(lambda - 3.0 / 7.0 * noise.simpleNoiseScale) <= 1e-12 * lambda)
        #expect((r.json?["mbn_norms"] as? [Double])?.count == 5)
        #expect(r.json?["fb_norm"] as? Double != nil && r.json?["c1"] as? Double != nil)
    }

    /// Bad input: exit 2 and one line naming the input.
    @Test func badModelSpecIsOneLine() throws {
        let fixture = try Fixture()
        var arguments = ["theory", "memory", "--optimizer", "adam:paper000", "--lr", "0.001"] + fixture.modelArguments
        arguments[arguments.firstIndex(of: "mlp:2-3-1:tanh")!] = "mlp:2-x-1"
        let r = try CLIRunner.run(arguments)
        #expect(r.status == 2)
        #expect(r.stderr.split(separator: "\n").count == 1 && r.stderr.contains("--model"), "\(r.stderr)")
        let wrong = try CLIRunner.run(["theory", "memory", "--optimizer", "adam:paper000", "--lr", "0.001", "--model", "mlp:2-4-1",
                                       "--params", fixture.params, "--data", fixture.data, "--loss", "mse"])
        #expect(wrong.status == 2 && wrong.stderr.contains("--params"), "\(wrong.stderr)")
        let beta = try CLIRunner.run(["theory", "memory", "--optimizer", "heavy-ball", "--lr", "0.1", "--beta", "1.5"])
        #expect(beta.status == 2 && beta.stderr.contains("--beta"), "\(beta.stderr)")
    }
}

/// `theory memory` prints the modified loss where paper 001 gives it in closed form.
/// Oracles: digest 001 §6 table (heavy ball β = 0.9: 45h‖∇L‖², step h/(1−β)) and §4 ((*) = 990 at
/// (0.9, 0.999): L̃ = (1 + λ(*)h)L − h(*)(‖∇L‖₁ + λ∇Lᵀθ)).
struct TheoryMemoryModifiedLossTests {
    @Test func heavyBallAndAdamWModifiedLosses() throws {
        let hb = try CLIRunner.run(["theory", "memory", "--optimizer", "heavy-ball", "--lr", "0.01", "--beta", "0.9", "--json"])
        #expect(hb.status == 0, "\(hb.stderr)")
        let hbLoss = try #require(hb.json?["modified_loss"] as? [String: Any])
        let hbTerms = try #require(hbLoss["terms"] as? [[String: Any]])
        let gradNormSq = try #require(hbTerms.first { $0["name"] as? String == "grad_norm_sq" }?["coefficient"] as? Double)
        #expect(abs(gradNormSq - 45 * 0.01) <= 1e-12)
        #expect(abs(try #require(hbLoss["step_scale"] as? Double) - 0.1) <= 1e-12)

        let adamw = try CLIRunner.run(["theory", "memory", "--optimizer", "adamw:paper001", "--lr", "1e-3", "--beta1", "0.9", "--beta2", "0.999",
                                       "--eps", "0", "--weight-decay", "0.1", "--json"])
        #expect(adamw.status == 0, "\(adamw.stderr)")
        let terms = try #require((adamw.json?["modified_loss"] as? [String: Any])?["terms"] as? [[String: Any]])
        func coefficient(_ name: String) throws -> Double {
            try #require(terms.first { $0["name"] as? String == name }?["coefficient"] as? Double)
        }
        #expect(abs(try coefficient("loss") - (1 + 0.1 * 990 * 1e-3)) <= 1e-12)
        #expect(abs(try coefficient("grad_l1") - (-990 * 1e-3)) <= 1e-12)
        #expect(abs(try coefficient("grad_dot_theta") - (-990 * 1e-3 * 0.1)) <= 1e-12)
    }
}
