import DataIO
import NN
import Tensor
import Testing
@testable import Curvature

/// The Monte-Carlo one-step loss change and the per-sample gradient-norm spread against exact oracles.
@Suite struct LossChangeTests {
    /// A quadratic with per-sample noise: d = 3, dense H with eigenvalues of both signs' scale, N = 6.
    static func objective() -> QuadraticObjective {
        let h = Tensor(shape: [3, 3], scalars: [4, 1, 0.5, 1, 3, -0.4, 0.5, -0.4, 2])
        return .withGaussianOffsets(hessian: .dense(h), minimizer: [0.3, -0.2, 0.1], samples: 6, standardDeviation: 0.8, seed: 5)
    }

    static let theta: [Double] = [1.2, -0.7, 0.4]

    /// Oracle: E_ξ[L(θ − ηg_ξ)] − L(θ) by enumerating every equally likely batch (all b-subsets, all
    /// ordered b-tuples with replacement) equals −η‖∇L‖² + (η²/2) tr(H S_b) to 1e-10 (eq. (7) is exact on a
    /// quadratic), with tr(H S_b) written out from the enumerated second moment S_b = E[g_ξ g_ξᵀ] and H;
    /// the Monte-Carlo estimate is within 4 standard errors of it.
    static let cases: [(BatchSampling, Int)] = [(.withoutReplacement, 2), (.withoutReplacement, 6), (.withReplacement, 2), (.uniformSubset, 3)]

    @Test(arguments: cases)
    func enumeratedExpectationEqualsThePrediction(sampling: BatchSampling, b: Int) throws {
        let objective = Self.objective(), theta = Self.theta, eta = 0.15
        let gradients = objective.perSampleGradients(at: theta, batch: nil)
        let batches = allBatches(populationSize: 6, batchSize: b, sampling: sampling)
        let start = objective.loss(at: theta)
        var expected = 0.0, interaction = 0.0
        let h = objective.hessian.matrix
        for batch in batches {
            let g = batchGradient(gradients, batch)
            var moved = theta
            VectorOps.axpy(-eta, g, &moved)
            expected += (objective.loss(at: moved) - start) / Double(batches.count)
            interaction += VectorOps.dot(g, Tensor.matvec(h, Tensor(g)).scalars) / Double(batches.count)
        }
        let full = objective.gradient(at: theta)
        let predicted = -eta * VectorOps.dot(full, full) + 0.5 * eta * eta * interaction
        #expect(abs(expected - predicted) <= 1e-10 * max(1, abs(expected)), "\(sampling) b=\(b): \(expected) vs \(predicted)")
        // The closed-form tr(H S_b) (GradientInteraction) gives the same prediction.
        let exact = GradientInteraction(perSampleGradients: gradients, hessian: DenseOperator(h))
        let closedForm = -eta * VectorOps.dot(full, full) + 0.5 * eta * eta * exact.interaction(batchSize: b, sampling: sampling)
        #expect(abs(closedForm - expected) <= 1e-10 * max(1, abs(expected)))

        let estimate = try sampledLossChange(objective: objective, at: theta, learningRate: eta, batchSize: b,
                                             sampling: sampling, batchCount: 400, seed: 11)
        if b == 6 && sampling == .withoutReplacement {
            #expect(abs(estimate.value - expected) <= 1e-12 && estimate.standardError <= 1e-12)  // one batch: GD
        } else {
            #expect(estimate.standardError > 0 && abs(estimate.value - expected) <= 4 * estimate.standardError,
                    "\(sampling) b=\(b): \(estimate) vs \(expected)")
        }
        #expect(estimate.sampleCount == 400)
    }

    @Test func fixedOrderIsRefused() {
        #expect(throws: UnsupportedSamplingError.self) {
            try sampledLossChange(objective: Self.objective(), at: Self.theta, learningRate: 0.1, batchSize: 2,
                                  sampling: .fixedOrder, batchCount: 4)
        }
    }

    /// Oracle: the norms of the rows of the N × d per-sample gradient matrix, their mean and population
    /// standard deviation written out; and hand values for norms 3, 4 (squared 9, 16): mean 3.5, std 0.5.
    @Test func gradientNormSpreadMatchesADirectComputation() {
        let objective = Self.objective()
        let gradients = objective.perSampleGradients(at: Self.theta, batch: nil)
        let norms = (0..<6).map { i in VectorOps.dot(batchGradient(gradients, [i]), batchGradient(gradients, [i])).squareRoot() }
        let mean = norms.reduce(0, +) / 6
        let std = (norms.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 6).squareRoot()
        let spread = GradientNormSpread(perSampleSquaredNorms: objective.perSampleGradientSquaredNorms(at: Self.theta))
        #expect(abs(spread.mean - mean) <= 1e-12 * mean && abs(spread.standardDeviation - std) <= 1e-10 * mean)
        #expect(spread.sampleCount == 6 && std > 0.05 * mean)
        let hand = GradientNormSpread(perSampleSquaredNorms: [9, 16])
        #expect(hand.mean == 3.5 && hand.standardDeviation == 0.5)
    }
}
