import Curvature
import DataIO
import NN
import Tensor
import Testing

/// The batch-moment estimators and BatchSampling: every random scheme is supported with its γ_{N,b}
/// (paper 003 eq. (1)); fixed-order is rejected with UnsupportedSamplingError, never mapped to another
/// scheme. Oracles: γ written out by hand; the error's exact text.
@Suite struct SamplingSupportTests {
    @Test func gammaOfEachRandomScheme() {
        #expect(BatchSampling.randomSchemes == [.withoutReplacement, .withReplacement, .uniformSubset])
        #expect(BatchSampling.uniformSubset.gamma(populationSize: 10, batchSize: 4) == 6.0 / 9)
        #expect(BatchSampling.withoutReplacement.gamma(populationSize: 10, batchSize: 4) == 6.0 / 9)
        #expect(BatchSampling.withReplacement.gamma(populationSize: 10, batchSize: 4) == 1)
    }

    @Test func fixedOrderIsRejectedByName() throws {
        for scheme in BatchSampling.randomSchemes { try scheme.requireRandomBatches(for: "ρ_b") }
        #expect(throws: UnsupportedSamplingError(sampling: .fixedOrder, consumer: "ρ_b")) {
            try BatchSampling.fixedOrder.requireRandomBatches(for: "ρ_b")
        }
        #expect(UnsupportedSamplingError(sampling: .fixedOrder, consumer: "ρ_b").description
                    == "ρ_b needs randomly drawn batches, but sampling fixed-order has no random batch law "
                    + "(expected without-replacement, with-replacement, uniform-subset)")
    }

    @Test func samplingEstimatorsThrowForFixedOrder() {
        let g = TestMatrices.perSampleGradients(count: 6, dimension: 3, seed: 1)
        let h = DenseOperator(Tensor(shape: [3, 3], scalars: [2, 0, 0, 0, 1, 0, 0, 0, 1]))
        #expect(throws: UnsupportedSamplingError(sampling: .fixedOrder, consumer: "the sampled interaction-aware sharpness")) {
            try sampledInteraction(perSampleGradients: g, hessian: h, batchSize: 2, sampling: .fixedOrder, batchCount: 4, seed: 0)
        }
        #expect(throws: UnsupportedSamplingError(sampling: .fixedOrder, consumer: "batch sharpness")) {
            try batchSharpness(populationSize: 6, batchSize: 2, sampling: .fixedOrder, batchCount: 4, seed: 0,
                               batchGradient: { _ in [1, 0, 0] }, batchHessian: { _ in h })
        }
    }

    @Test func measureCurvatureRejectsFixedOrderOnlyWhenBatchesAreNeeded() throws {
        let objective = QuadraticObjective(hessian: .diagonal([3, 1]))
        var settings = CurvatureSettings()
        settings.sampling = .fixedOrder
        let report = try measureCurvature(of: objective, at: [1, 1], measures: [.lambdaMax], settings: settings)
        #expect(abs(try #require(report.lambdaMax) - 3) <= 1e-12)
        #expect(report.sampling == nil)
        #expect(throws: UnsupportedSamplingError.self) {
            try measureCurvature(of: objective, at: [1, 1], measures: [.noise], settings: settings)
        }
    }
}
