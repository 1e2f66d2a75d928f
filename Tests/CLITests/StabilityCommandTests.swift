import BiasLabTestSupport
import DataIO
import Foundation
import Tensor
import Testing

/// End-to-end `biaslab stability` on a linear least-squares model (quadratic L), where eq. (7) is exact:
/// for GD, predicted_loss_change = L(θ − η∇L) − L(θ), computed here by hand.
struct StabilityCommandTests {
    static let x: [[Double]] = [[1, 0.5], [-0.3, 2], [0.8, -1], [1.5, 0.2]]
    static let y: [Double] = [0.4, -1, 0.7, 1.2]
    static let theta: [Double] = [0.3, -0.2, 0.1] // w₁, w₂, b (DenseNetwork order: weight, then bias)

    static func loss(_ t: [Double]) -> Double {
        zip(x, y).reduce(0) { $0 + 0.5 * pow(t[0] * $1.0[0] + t[1] * $1.0[1] + t[2] - $1.1, 2) } / 4
    }

    static func gradient(_ t: [Double]) -> [Double] {
        var g = [0.0, 0, 0]
        for (xi, yi) in zip(x, y) {
            let r = t[0] * xi[0] + t[1] * xi[1] + t[2] - yi
            g[0] += r * xi[0] / 4; g[1] += r * xi[1] / 4; g[2] += r / 4
        }
        return g
    }

    static func fixture() throws -> (params: String, data: String) {
        let dir = try CLIRunner.temporaryDirectory()
        let params = dir.appendingPathComponent("theta.npy"), data = dir.appendingPathComponent("data.npz")
        try NPY.write(Tensor(theta), to: params)
        try NPZ.write(["x": Tensor(shape: [4, 2], scalars: x.flatMap { $0 }), "y": Tensor(shape: [4, 1], scalars: y)], to: data)
        return (params.path, data.path)
    }

    @Test func gradientDescentPredictionIsExact() throws {
        let (params, data) = try Self.fixture()
        for eta in [0.1, 1.5] {
            let r = try CLIRunner.run(["stability", "--model", "mlp:2-1:identity", "--params", params, "--data", data,
                                       "--loss", "mse", "--optimizer", "sgd", "--lr", "\(eta)", "--json"])
            #expect(r.status == 0, "\(r.stderr)")
            let json = try #require(r.json)
            let g = Self.gradient(Self.theta)
            let next = zip(Self.theta, g).map { $0 - eta * $1 }
            let observed = Self.loss(next) - Self.loss(Self.theta)
            let predicted = try #require(json["predicted_loss_change"] as? Double)
            #expect(abs(predicted - observed) < 1e-12 * max(1, abs(observed)), "η = \(eta): \(predicted) vs \(observed)")
            let ratio = try #require(json["instability_ratio"] as? Double), ias = try #require(json["ias"] as? Double)
            #expect(abs(ratio - ias) < 1e-12 * ratio, "GD: ρ_N = 1 so ratio = IAS")
            #expect(abs((json["threshold"] as? Double ?? 0) - 2 / eta) < 1e-12)
            #expect((json["regime"] as? String == "unstable") == (observed > 0) || json["regime"] as? String == "edge")
        }
    }

    @Test func adamAndBadParams() throws {
        let (params, data) = try Self.fixture()
        let r = try CLIRunner.run(["stability", "--model", "mlp:2-1:identity", "--params", params, "--data", data, "--loss", "mse",
                                   "--optimizer", "adam", "--lr", "0.001", "--batch-size", "2", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect((r.json?["threshold"] as? Double).map { abs($0 - 3.8 / 1e-4) < 1e-6 } == true)
        #expect(r.json?["predicted_loss_change"] == nil || r.json?["predicted_loss_change"] is NSNull)
        let bad = try CLIRunner.run(["stability", "--model", "mlp:2-2-1:tanh", "--params", params, "--data", data, "--loss", "mse",
                                     "--optimizer", "sgd", "--lr", "0.1"])
        #expect(bad.status == 2)
        #expect(bad.stderr.split(separator: "\n").count == 1 && bad.stderr.contains("--params"))
    }

    /// `stability-threshold --sharpness S` names S/threshold `threshold_ratio`, as `stability` does.
    /// Oracle: GD's threshold 2/η = 100 at η = 0.02, so S = 101 gives 1.01 (inside the 5% edge band).
    @Test func thresholdRatioHasStabilitysName() throws {
        let r = try CLIRunner.run(["stability-threshold", "--optimizer", "sgd", "--lr", "0.02", "--sharpness", "101", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try #require(r.json)
        #expect(abs(try #require(json["threshold_ratio"] as? Double) - 1.01) <= 1e-12)
        #expect(json["ratio"] == nil && json["regime"] as? String == "edge")
    }
}
