import BiasLabTestSupport
import DataIO
import Foundation
import NN
import Tensor
import Testing

/// `biaslab curvature` end to end, on random θ and data written to .npy/.npz, against dense
/// computations (LAPACK eigenvalues and the diagonal/trace of the dense Hessian, assembled from exact
/// HVPs that NNTests checks against finite differences).
struct CurvatureCommandTests {
    static func writeProblem() throws -> (dir: URL, objective: SupervisedObjective, theta: [Double]) {
        let (objective, theta) = TinyProblems.tanhMLP(samples: 12)
        let dir = try CLIRunner.temporaryDirectory()
        try NPY.write(Tensor(theta), to: dir.appendingPathComponent("theta.npy"))
        try NPZ.write(["x": objective.inputs, "y": objective.targets], to: dir.appendingPathComponent("data.npz"))
        return (dir, objective, theta)
    }

    @Test func eigenvaluesTraceDiagonalMatchDenseHessian() throws {
        let (dir, objective, theta) = try Self.writeProblem()
        let r = try CLIRunner.run(["curvature", "--model", "mlp:5-8-6-3:tanh", "--params", dir.appendingPathComponent("theta.npy").path,
                                   "--data", dir.appendingPathComponent("data.npz").path, "--loss", "mse",
                                   "--measure", "lambda-max,top-k,trace,diag,adaptive", "--k", "3", "--exact", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try #require(r.json)
        let h = objective.denseHessian(at: theta)
        let eigenvalues = try h.symmetricEigen(computeVectors: false).eigenvaluesDescending
        let top = try #require(json["top_eigenvalues"] as? [Double])
        for (a, b) in zip(top, eigenvalues.prefix(3)) { #expect(Closeness.relativeError(a, b) <= 1e-8) }
        #expect(Closeness.relativeError(try #require(json["lambda_max"] as? Double), eigenvalues[0]) <= 1e-8)
        let diagonal = (0..<objective.dimension).map { h.scalars[$0 * objective.dimension + $0] }
        #expect(Closeness.relativeError(try #require(json["diag"] as? [Double]), diagonal) <= 1e-10)
        #expect(Closeness.relativeError(try #require(json["hessian_trace"] as? Double), diagonal.reduce(0, +)) <= 1e-10)
        let adaptive = diagonal.map { max($0, 0).squareRoot() }.reduce(0, +)
        #expect(Closeness.relativeError(try #require(json["adaptive_sharpness"] as? Double), adaptive) <= 1e-10)
        #expect(json["diag_negative_count"] as? Int == diagonal.filter { $0 < 0 }.count)
        #expect(json["num_params"] as? Int == objective.dimension)
    }

    /// IAS and the noise statistics against their definitions evaluated directly on the per-sample
    /// gradient matrix and the dense Hessian (paper 003 eq. 17 with γ = (N − b)/(N − 1)).
    @Test func interactionAndNoiseMatchDefinitions() throws {
        let (dir, objective, theta) = try Self.writeProblem()
        let r = try CLIRunner.run(["curvature", "--model", "mlp:5-8-6-3:tanh", "--params", dir.appendingPathComponent("theta.npy").path,
                                   "--data", dir.appendingPathComponent("data.npz").path,
                                   "--measure", "ias,noise", "--batch-size", "4", "--sampling", "without-replacement", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try #require(r.json)
        let n = objective.sampleCount, d = objective.dimension, b = 4.0
        let g = objective.perSampleGradients(at: theta, batch: nil)
        let h = objective.denseHessian(at: theta)
        let rows = (0..<n).map { Array(g.scalars[($0 * d)..<(($0 + 1) * d)]) }
        let mean = (0..<d).map { j in rows.map { $0[j] }.reduce(0, +) / Double(n) }
        func hq(_ v: [Double]) -> Double { VectorOps.dot(v, Tensor.matvec(h, Tensor(v)).scalars) }
        let trS1 = rows.map { VectorOps.dot($0, $0) }.reduce(0, +) / Double(n)
        let trSn = VectorOps.dot(mean, mean)
        let trHS1 = rows.map(hq).reduce(0, +) / Double(n)
        let trHSn = hq(mean)
        let w = ((Double(n) - b) / Double(n - 1)) / b
        let ias = (w * trHS1 + (1 - w) * trHSn) / (w * trS1 + (1 - w) * trSn)
        #expect(Closeness.relativeError(try #require(json["ias"] as? Double), ias) <= 1e-10)
        #expect(Closeness.relativeError(try #require(json["gd_rayleigh"] as? Double), trHSn / trSn) <= 1e-10)
        #expect(Closeness.relativeError(try #require(json["trace_sigma"] as? Double), trS1 - trSn) <= 1e-10)
        #expect(Closeness.relativeError(try #require(json["b_simple"] as? Double), (trS1 - trSn) / trSn) <= 1e-10)
        #expect(Closeness.relativeError(try #require(json["rho"] as? Double), trSn / trS1) <= 1e-10)
        #expect(Closeness.relativeError(try #require(json["rho_b"] as? Double), trSn / (w * trS1 + (1 - w) * trSn)) <= 1e-10)
    }

    @Test func badInputsExitTwoWithOneLine() throws {
        let (dir, _, _) = try Self.writeProblem()
        let cases: [[String]] = [
            ["curvature", "--model", "mlp:5-8-6-3:tanh", "--data", dir.appendingPathComponent("data.npz").path, "--measure", "sharpest"],
            ["curvature", "--model", "mlp:5-8-3:tanh", "--params", dir.appendingPathComponent("theta.npy").path,
             "--data", dir.appendingPathComponent("data.npz").path],
            ["curvature", "--model", "mlp:5-8-6-3:tanh", "--data", dir.appendingPathComponent("missing.npz").path],
            ["curvature", "--model", "resnet:50", "--data", dir.appendingPathComponent("data.npz").path],
        ]
        for args in cases {
            let r = try CLIRunner.run(args)
            #expect(r.status == 2, "\(args): \(r.stderr)")
            #expect(r.stderr.split(separator: "\n").count == 1, "\(args): \(r.stderr)")
        }
    }
}

/// `biaslab train` end to end.
struct TrainCommandTests {
    /// Oracle: GD on the paper-003 toy L = θ₁² + 17.6θ₂² from (3, 0.1) is θ_{k+1} = (1 − 2η, 1 − 35.2η) ⊙ θ_k.
    @Test func gradientDescentOnToyQuadraticMatchesClosedForm() throws {
        let dir = try CLIRunner.temporaryDirectory()
        let out = dir.appendingPathComponent("final.npy")
        let r = try CLIRunner.run(["train", "--model", "toy-quadratic", "--optimizer", "sgd", "--lr", "0.0625",
                                   "--steps", "8", "--save-params", out.path, "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try #require(r.json)
        var theta = [3.0, 0.1]
        var expected: [Double] = []
        for _ in 0..<8 {
            expected.append(theta[0] * theta[0] + 17.6 * theta[1] * theta[1])
            theta = [theta[0] * (1 - 2 * 0.0625), theta[1] * (1 - 35.2 * 0.0625)]
        }
        #expect(Closeness.relativeError(try #require(json["losses"] as? [Double]), expected) <= 1e-14)
        #expect(Closeness.relativeError(try NPY.read(out).scalars, theta) <= 1e-14)
        #expect(Closeness.relativeError(try #require(json["final_loss"] as? Double), theta[0] * theta[0] + 17.6 * theta[1] * theta[1]) <= 1e-14)
    }

    /// Mini-batch training is reproducible from the seed, and differs for another seed.
    @Test func miniBatchRunsAreSeeded() throws {
        let (dir, _, _) = try CurvatureCommandTests.writeProblem()
        func run(_ seed: String) throws -> [Double] {
            let r = try CLIRunner.run(["train", "--model", "mlp:5-8-6-3:tanh", "--params", dir.appendingPathComponent("theta.npy").path,
                                       "--data", dir.appendingPathComponent("data.npz").path, "--optimizer", "adam:torch",
                                       "--lr", "0.01", "--steps", "10", "--batch-size", "4", "--seed", seed, "--json"])
            #expect(r.status == 0, "\(r.stderr)")
            return try #require(r.json?["losses"] as? [Double])
        }
        let a = try run("1"), b = try run("1"), c = try run("2")
        #expect(a == b)
        #expect(a != c)
    }

    @Test func invalidHyperparameterExitsTwo() throws {
        let r = try CLIRunner.run(["train", "--model", "toy-quadratic", "--optimizer", "adam", "--beta2", "1.0", "--steps", "3"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("beta2") && r.stderr.split(separator: "\n").count == 1)
    }
}
