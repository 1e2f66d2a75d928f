import BiasLabTestSupport
import Curvature
import NN
import Tensor
import Testing

/// The one-call measurements on an objective against the dense Hessian's spectrum and trace (LAPACK).
struct ObjectiveMeasurementTests {
    @Test func largestEigenvalueAndTraceMatchTheDenseHessian() throws {
        let (objective, theta) = TinyProblems.tanhMLP(seed: 6, samples: 20)
        let dense = objective.denseHessian(at: theta)
        let spectrum = try dense.symmetricEigen(computeVectors: false).eigenvalues
        let d = objective.dimension
        let trace = (0..<d).reduce(0.0) { $0 + dense.scalars[$1 * d + $1] }
        let lambda = try objective.largestHessianEigenvalue(at: theta)
        #expect(abs(lambda - spectrum.max()!) / spectrum.map(abs).max()! < 1e-8)
        let exact = objective.hessianTrace(at: theta, probes: d)
        #expect(abs(exact.value - trace) <= 1e-10 * spectrum.map(abs).reduce(0, +) && exact.standardError == 0)
        let sampled = objective.hessianTrace(at: theta, probes: 60, seed: 3)
        #expect(sampled.sampleCount == 60 && sampled.standardError > 0)
        #expect(abs(sampled.value - trace) < 5 * sampled.standardError)
        #expect(objective.hessianTrace(at: theta, probes: 60, seed: 3).value == sampled.value)
    }

    /// The noise statistics from the squared norms equal those of the materialized per-sample gradients.
    @Test func gradientNoiseMatchesThePerSampleGradients() {
        let (objective, theta) = TinyProblems.tanhMLP(seed: 6, samples: 20)
        let fromNorms = objective.gradientNoise(at: theta)
        let dense = GradientNoiseStatistics(perSampleGradients: objective.perSampleGradients(at: theta, batch: nil))
        #expect(fromNorms.sampleCount == 20)
        #expect(abs(fromNorms.covarianceTrace - dense.covarianceTrace) <= 1e-10 * dense.meanSquaredNorm)
        #expect(abs(fromNorms.simpleNoiseScale - dense.simpleNoiseScale) <= 1e-8 * dense.simpleNoiseScale)
        #expect(abs(fromNorms.concentration - dense.concentration) <= 1e-10)
    }

    /// The streamed interaction and noise (blocks of 6 of 20 samples) against the materialized per-sample
    /// gradients and the dense Hessian: IAS, gᵀHg, diag Σ.
    @Test func streamedInteractionMatchesTheDenseHessian() {
        let (objective, theta) = TinyProblems.tanhMLP(seed: 6, samples: 20)
        let g = objective.perSampleGradients(at: theta, batch: nil)
        let dense = GradientInteraction(perSampleGradients: g, hessian: DenseOperator(objective.denseHessian(at: theta)))
        let streamed = objective.gradientInteraction(at: theta, blockSize: 6)
        for b in [1, 5, 20] {
            let (a, e) = (streamed.interactionAwareSharpness(batchSize: b, sampling: .withoutReplacement),
                          dense.interactionAwareSharpness(batchSize: b, sampling: .withoutReplacement))
            #expect(abs(a - e) <= 1e-9 * abs(e), "IAS at b = \(b): \(a) vs \(e)")
        }
        #expect(abs(streamed.fullBatchInteraction - dense.fullBatchInteraction) <= 1e-9 * abs(dense.fullBatchInteraction))
        // From an operator the caller holds: the same computation as the one-call form, so the same numbers.
        let held = GradientInteraction(hessian: HessianOperator(objective: objective, at: theta), blockSize: 6)
        #expect(held.perSampleCurvatures == streamed.perSampleCurvatures && held.fullBatchInteraction == streamed.fullBatchInteraction)
        #expect(held.noise == streamed.noise)
        let noise = objective.gradientNoiseWithDiagonal(at: theta, blockSize: 6)
        for (a, e) in zip(noise.covarianceDiagonal!, dense.noise.covarianceDiagonal!) {
            #expect(abs(a - e) <= 1e-12 * dense.noise.covarianceTrace, "diag Σ")
        }
        #expect(noise.sampleCount == 20 && abs(noise.simpleNoiseScale - dense.noise.simpleNoiseScale) <= 1e-10 * dense.noise.simpleNoiseScale)
    }
}
