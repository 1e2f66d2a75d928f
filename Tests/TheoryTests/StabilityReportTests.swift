import Curvature
import Foundation
import NN
import Tensor
import Testing
@testable import Theory

/// The stability report on a least-squares model (quadratic L with distinct per-sample Hessians), against
/// enumeration of every mini-batch (paper 003 eq. (7) is exact on quadratics; digest 003 §11 item 6).
struct StabilityReportTests {
    static func problem() -> (SupervisedObjective, [Double]) {
        var generator = RandomGenerator(seed: 5, stream: "stability")
        let n = 5
        let inputs = Tensor(shape: [n, 3], scalars: generator.gaussians(3 * n).map { 2 * $0 })
        let targets = Tensor(shape: [n, 1], scalars: generator.gaussians(n))
        let objective = SupervisedObjective(model: DenseNetwork(widths: [3, 1], activation: .identity, hasBias: false),
                                            loss: .mse, inputs: inputs, targets: targets)
        return (objective, [0.4, -0.3, 0.8])
    }

    static func subsets(_ n: Int, _ b: Int) -> [[Int]] {
        if b == 0 { return [[]] }
        if n < b { return [] }
        return subsets(n - 1, b) + subsets(n - 1, b - 1).map { $0 + [n - 1] }
    }

    /// E_ξ[L(θ − ηg_ξ)] − L(θ) over all C(5, 2) batches equals the predicted change (1e-10), and the regime
    /// is unstable exactly when it is positive (ratio tr(HS_b)/tr(S_n) > 2/η).
    @Test func sgdPredictionMatchesEnumeration() throws {
        let (objective, theta) = Self.problem()
        let batches = Self.subsets(5, 2)
        #expect(batches.count == 10)
        let loss = objective.loss(at: theta)
        for eta in [0.02, 0.3] {
            let report = try StabilityReport(objective: objective, at: theta, optimizer: .sgd, learningRate: eta, batchSize: 2,
                                             sampling: .withoutReplacement, edgeBand: 0)
            let observed = batches.reduce(0.0) { sum, batch in
                var next = theta
                VectorOps.axpy(-eta, objective.gradient(at: theta, batch: batch), &next)
                return sum + objective.loss(at: next) - loss
            } / Double(batches.count)
            expectClose(report.predictedLossChange!, observed, relative: 1e-10, floor: 1e-12, "η = \(eta)")
            #expect((report.classification.regime == .unstable) == (observed > 0))
            #expect((report.instabilityRatio > 2 / eta) == (observed > 0))
            expectClose(report.classification.ratio, report.instabilityRatio / (2 / eta), relative: 1e-12, "IAS/(2ρ_b/η) = r/(2/η)")
        }
    }

    /// Momentum: threshold ρ_b(2/η)(1+β₁)/(1+2β₂) for the IAS; Adam without a state: λ₁(P⁻¹H) with
    /// P = √(diag S_b) + ε, checked against the dense eigenvalues of P^{-1/2}HP^{-1/2} (P from the per-sample
    /// gradients, S_b = (γ/b)S₁ + (1 − γ/b)S_n).
    @Test func momentumAndAdamThresholds() throws {
        let (objective, theta) = Self.problem()
        let momentum = try StabilityReport(objective: objective, at: theta, optimizer: .momentum(beta1: 0.9, beta2: 0.9),
                                           learningRate: 0.05, batchSize: 2)
        expectClose(momentum.classification.threshold, momentum.concentration * 2 / 0.05 * 1.9 / 2.8, relative: 1e-12, "threshold")
        #expect(momentum.predictedLossChange != nil)

        let adam = try StabilityReport(objective: objective, at: theta, optimizer: .adam(beta1: 0.9, epsilon: 1e-8),
                                       learningRate: 1e-3, batchSize: 2, sampling: .withReplacement)
        #expect(adam.preconditionerSource == "stationary second moment diag S_b")
        #expect(adam.predictedLossChange == nil)
        expectClose(adam.classification.threshold, 3.8 / (0.1 * 1e-3), relative: 1e-12, "(2+2β₁)/((1−β₁)η)")
        let g = objective.perSampleGradients(at: theta, batch: nil)
        let (n, d) = (5, 3)
        let p = (0..<d).map { j -> Double in
            let mean = (0..<n).reduce(0) { $0 + g.scalars[$1 * d + j] } / Double(n)
            let s1 = (0..<n).reduce(0) { $0 + g.scalars[$1 * d + j] * g.scalars[$1 * d + j] } / Double(n)
            return (0.5 * s1 + 0.5 * mean * mean).squareRoot() + 1e-8
        }
        var h = objective.denseHessian(at: theta)
        for i in 0..<d { for j in 0..<d { h.scalars[i * d + j] /= (p[i] * p[j]).squareRoot() } }
        let top = try h.symmetricEigen().eigenvaluesDescending[0]
        expectClose(adam.classification.sharpness, top, relative: 1e-6, "λ₁(P⁻¹H)")
    }

    /// The JSON form is flat, in the probes' names (`ias`, `rho_b`, `threshold_ratio`, …), omits absent
    /// optionals, and reads back to the same report.
    @Test func jsonFormIsFlatAndRoundTrips() throws {
        let (objective, theta) = Self.problem()
        let sgd = try StabilityReport(objective: objective, at: theta, optimizer: .sgd, learningRate: 0.05, batchSize: 2, edgeBand: 0.1)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let data = try encoder.encode(sgd)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(Set(object.keys) == ["optimizer", "lr", "batch_size", "sampling", "ias", "rho_b", "instability_ratio", "two_over_lr", "sharpness",
                                     "sharpness_measure", "threshold", "threshold_ratio", "regime", "edge_band", "predicted_loss_change"])
        // JSONSerialization's number parsing may differ from the encoder's shortest form in the last bit.
        expectClose(try #require(object["ias"] as? Double), sgd.interactionAwareSharpness, relative: 1e-15, "ias")
        expectClose(try #require(object["threshold_ratio"] as? Double), sgd.classification.ratio, relative: 1e-15, "threshold_ratio")
        #expect(object["sampling"] as? String == "without-replacement" && object["regime"] as? String == sgd.classification.regime.rawValue)
        #expect(try JSONDecoder().decode(StabilityReport.self, from: data) == sgd)
        let adam = try StabilityReport(objective: objective, at: theta, optimizer: .adam(beta1: 0.9, epsilon: 1e-8), learningRate: 1e-3, batchSize: 2)
        let adamObject = try #require(try JSONSerialization.jsonObject(with: try encoder.encode(adam)) as? [String: Any])
        #expect(adamObject["predicted_loss_change"] == nil && adamObject["preconditioner"] as? String == adam.preconditionerSource)
        #expect(try JSONDecoder().decode(StabilityReport.self, from: try encoder.encode(adam)) == adam)
    }
}
