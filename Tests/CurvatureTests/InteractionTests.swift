import DataIO
import Testing
import Tensor
@testable import Curvature

@Suite("Interaction-aware sharpness")
struct InteractionTests {
    static let spectrum: [Double] = (0..<30).map { -3 + 10 * Double($0) / 29 }   // λ_min = −3, λ₁ = 7
    static let hessian = TestMatrices.withSpectrum(spectrum, seed: 51)

    // Oracle: enumeration of every batch of a 6-sample dataset: E_B[g_Bᵀ H g_B] = tr(H S_b) and
    // E_B‖g_B‖² = tr(S_b), so IAS = their ratio, to 10⁻¹².
    @Test(arguments: [1, 2, 3, 6], BatchSampling.randomSchemes)
    func interactionByEnumeration(batchSize b: Int, sampling: BatchSampling) {
        let (n, d) = (6, 5)
        let (h, _) = TestMatrices.withSpectrum([4, -1, 2, 0.5, 3], seed: 52)
        let g = TestMatrices.perSampleGradients(count: n, dimension: d, seed: 53)
        let batches = allBatches(populationSize: n, batchSize: b, sampling: sampling)
        var (curvature, squaredNorm) = (0.0, 0.0)
        for batch in batches {
            let gb = batchGradient(g, batch)
            curvature += VectorOps.dot(gb, Tensor.matvec(h, Tensor(gb)).scalars) / Double(batches.count)
            squaredNorm += VectorOps.dot(gb, gb) / Double(batches.count)
        }
        let interaction = GradientInteraction(perSampleGradients: g, hessian: DenseOperator(h), blockSize: 4)
        expectClose(interaction.interaction(batchSize: b, sampling: sampling), curvature, relative: 1e-12, "tr(H S_b)")
        expectClose(interaction.interactionAwareSharpness(batchSize: b, sampling: sampling), curvature / squaredNorm,
                    relative: 1e-12, "IAS")
        expectClose(interaction.instabilityRatio(batchSize: b, sampling: sampling),
                    curvature / interaction.noise.meanGradientSquaredNorm, relative: 1e-12, "tr(H S_b)/tr(S_N)")
    }

    // Oracle: Rayleigh-quotient bounds λ_min ≤ IAS ≤ λ₁ of the prescribed spectrum, for every b and
    // both schemes; and the GD case b = N (without replacement) is gᵀHg/‖g‖².
    @Test func interactionAwareSharpnessLiesWithinTheSpectrum() {
        let n = 40
        let g = TestMatrices.perSampleGradients(count: n, dimension: 30, seed: 54)
        let interaction = GradientInteraction(perSampleGradients: g, hessian: DenseOperator(Self.hessian.matrix))
        for sampling in BatchSampling.randomSchemes {
            for b in 1...n {
                let ias = interaction.interactionAwareSharpness(batchSize: b, sampling: sampling)
                #expect(ias >= -3 - 1e-12 && ias <= 7 + 1e-12, "IAS(b = \(b), \(sampling)) = \(ias)")
            }
        }
        let mean = interaction.noise.meanGradient
        let gd = VectorOps.dot(mean, Tensor.matvec(Self.hessian.matrix, Tensor(mean)).scalars) / VectorOps.dot(mean, mean)
        expectClose(interaction.fullBatchSharpness, gd, relative: 1e-12, "gᵀHg/‖g‖²")
        expectClose(interaction.interactionAwareSharpness(batchSize: n, sampling: .withoutReplacement), gd,
                    relative: 1e-12, "IAS at b = N")
        // The default (looping) block product gives the same per-sample curvatures.
        let dense = DenseOperator(Self.hessian.matrix)
        let looping = GradientInteraction(perSampleGradients: g, hessian: ClosureOperator(dimension: 30) { dense.apply($0) })
        for (a, b) in zip(looping.perSampleCurvatures, interaction.perSampleCurvatures) {
            expectClose(a, b, relative: 1e-12, floor: 1, "gᵢᵀHgᵢ")
        }
    }

    // Oracle: the materialized form (two-pass centred diag Σ, the same N products). The streamed form takes
    // the gradients in blocks (sizes dividing N or not, 1 and beyond N) and agrees to rounding.
    @Test(arguments: [1, 3, 7, 40, 64])
    func streamedInteractionEqualsTheMaterializedOne(blockSize: Int) {
        let (n, d) = (40, 30)
        let g = TestMatrices.perSampleGradients(count: n, dimension: d, seed: 55)
        let dense = DenseOperator(Self.hessian.matrix)
        let materialized = GradientInteraction(perSampleGradients: g, hessian: dense)
        var requested: [Range<Int>] = []
        let streamed = GradientInteraction(sampleCount: n, hessian: dense, blockSize: blockSize) { range in
            requested.append(range)
            return Tensor(shape: [range.count, d], scalars: Array(g.scalars[(range.lowerBound * d)..<(range.upperBound * d)]))
        }
        #expect(requested.count == (n + blockSize - 1) / blockSize && requested.allSatisfy { $0.count <= blockSize })
        #expect(requested.map(\.lowerBound) == Array(stride(from: 0, to: n, by: blockSize)))
        for (a, b) in zip(streamed.perSampleCurvatures, materialized.perSampleCurvatures) { expectClose(a, b, relative: 1e-12, floor: 1, "gᵢᵀHgᵢ") }
        expectClose(streamed.fullBatchInteraction, materialized.fullBatchInteraction, relative: 1e-12, floor: 1, "gᵀHg")
        let (s, m) = (streamed.noise, materialized.noise)
        #expect(s.sampleCount == n && s.dimension == d)
        for (a, b) in zip(s.meanGradient, m.meanGradient) { expectClose(a, b, relative: 1e-12, floor: 1, "g") }
        for (a, b) in zip(s.covarianceDiagonal!, m.covarianceDiagonal!) { expectClose(a, b, relative: 1e-12, "diag Σ") }
        expectClose(s.covarianceTrace, m.covarianceTrace, relative: 1e-12, "tr Σ")
        expectClose(s.meanSquaredNorm, m.meanSquaredNorm, relative: 1e-12, "tr S₁")
        expectClose(streamed.interactionAwareSharpness(batchSize: 8, sampling: .withReplacement),
                    materialized.interactionAwareSharpness(batchSize: 8, sampling: .withReplacement), relative: 1e-12, "IAS")
    }

    // Oracle: the two-pass centred variance of gradients with a common offset 10⁶ far above their spread
    // (about 1): merging blocks keeps diag Σ to 1e-9 relative, where Σgᵢ² − N·g² would lose all of it
    // (cancellation of 10¹² against 1).
    @Test func streamedNoiseKeepsTheVarianceUnderALargeMean() {
        let (n, d) = (50, 4)
        let spread = TestMatrices.perSampleGradients(count: n, dimension: d, seed: 56)
        let g = Tensor(shape: [n, d], scalars: spread.scalars.map { 1e6 + $0 })
        let twoPass = GradientNoiseStatistics(perSampleGradients: spread).covarianceDiagonal!  // shift-invariant
        let streamed = GradientNoiseStatistics(sampleCount: n, blockSize: 7) { range in
            Tensor(shape: [range.count, d], scalars: Array(g.scalars[(range.lowerBound * d)..<(range.upperBound * d)]))
        }
        for (a, b) in zip(streamed.covarianceDiagonal!, twoPass) { expectClose(a, b, relative: 1e-9, "diag Σ") }
    }

    // Oracle: digest 003 §11 item 4: when every gᵢ is parallel to q₁, IAS = λ₁ for every b.
    @Test func parallelGradientsGiveTheTopEigenvalue() {
        let q1 = TestMatrices.column(Self.hessian.eigenvectors, 29)   // eigenvalue 7 (last in the list)
        let coefficients: [Double] = [1, -0.5, 2, 3, 0.25, 1.5]
        let g = Tensor(shape: [6, 30], scalars: coefficients.flatMap { c in q1.map { c * $0 } })
        let interaction = GradientInteraction(perSampleGradients: g, hessian: DenseOperator(Self.hessian.matrix))
        for b in 1...6 {
            for sampling in BatchSampling.randomSchemes {
                expectClose(interaction.interactionAwareSharpness(batchSize: b, sampling: sampling), 7, relative: 1e-12, "IAS")
            }
        }
    }

    // Oracle: the exact GradientInteraction; Monte-Carlo over 4000 batches within z = 4 standard errors.
    @Test(arguments: BatchSampling.randomSchemes)
    func sampledInteractionMatchesTheExactValue(_ sampling: BatchSampling) throws {
        let n = 40
        let g = TestMatrices.perSampleGradients(count: n, dimension: 30, seed: 55)
        let h = DenseOperator(Self.hessian.matrix)
        let exact = GradientInteraction(perSampleGradients: g, hessian: h)
        let sampled = try sampledInteraction(perSampleGradients: g, hessian: h, batchSize: 4, sampling: sampling,
                                         batchCount: 4000, seed: 6)
        #expect(sampled.interaction.sampleCount == 4000)
        expectWithinStandardErrors(sampled.interaction, exact.interaction(batchSize: 4, sampling: sampling), z: 4, "tr(H S_b)")
        expectWithinStandardErrors(sampled.secondMomentTrace, exact.noise.secondMomentTrace(batchSize: 4, sampling: sampling),
                                   z: 4, "tr S_b")
        expectWithinStandardErrors(sampled.interactionAwareSharpness,
                                   exact.interactionAwareSharpness(batchSize: 4, sampling: sampling), z: 4, "IAS")
    }

    // Oracle: the exact tr(H S₁) = (1/N) Σ gᵢᵀHgᵢ, within z = 4 standard errors; and the standard
    // error against the closed form 2(‖M‖_F² − Σ Mᵢᵢ²)/K for M = G H Gᵀ/N (n = 400 nearly Gaussian
    // samples: the SE's relative spread ≈ 3.5 %, so 15 % is a > 4σ allowance).
    @Test func hutchinsonSingleSampleInteractionIsUnbiased() {
        let n = 40
        let g = TestMatrices.perSampleGradients(count: n, dimension: 30, seed: 57)
        let h = DenseOperator(Self.hessian.matrix)
        let exact = GradientInteraction(perSampleGradients: g, hessian: h).singleSampleInteraction
        let estimate = hutchinsonSingleSampleInteraction(perSampleGradients: g, hessian: h, probeCount: 400, seed: 9)
        expectWithinStandardErrors(estimate, exact, z: 4, "tr(H S₁)")
        var m = Tensor.matmul(g, Tensor.matmul(g, Self.hessian.matrix, transposeB: true), transposeB: true)
        m.scale(by: 1 / Double(n))
        let offDiagonal = TestMatrices.frobeniusSquared(m) - TestMatrices.diagonal(m).reduce(0) { $0 + $1 * $1 }
        expectClose(estimate.standardError, (2 * offDiagonal / 400).squareRoot(), relative: 0.15, "SE")
    }

    /// A quadratic toy with per-sample losses ℓᵢ(θ) = ½ θᵀAᵢθ − cᵢᵀθ, so gᵢ = Aᵢθ − cᵢ and the
    /// mini-batch Hessian is H_B = (1/b) Σ_{i∈B} Aᵢ.
    struct QuadraticToy {
        let perSampleHessians: [Tensor]
        let perSampleGradients: Tensor
        init(count n: Int, dimension d: Int, seed: UInt64) {
            var generator = RandomGenerator(seed: seed)
            perSampleHessians = (0..<n).map { i in
                TestMatrices.withSpectrum((0..<d).map { _ in generator.uniform(in: -1, 5) }, seed: seed + UInt64(i) + 1).matrix
            }
            let theta = generator.gaussians(d)
            perSampleGradients = Tensor(shape: [n, d], scalars: perSampleHessians.flatMap { a in
                zip(Tensor.matvec(a, Tensor(theta)).scalars, generator.gaussians(d)).map { $0 - $1 }
            })
        }
        func batchHessian(_ batch: [Int]) -> DenseOperator {
            var sum = Tensor.zeros(perSampleHessians[0].shape)
            for i in batch { sum.addInPlace(perSampleHessians[i], scaledBy: 1 / Double(batch.count)) }
            return DenseOperator(sum)
        }
    }

    // Oracle: enumeration of all 15 batches of size 2 from 6 samples gives E_B[g_BᵀH_Bg_B/‖g_B‖²]
    // exactly; 3000 sampled batches lie within z = 4 standard errors. At b = N (one batch, the full
    // data) batch sharpness equals the full-batch Rayleigh quotient gᵀHg/‖g‖² to 10⁻¹².
    @Test func batchSharpnessUsesTheMiniBatchHessian() throws {
        let toy = QuadraticToy(count: 6, dimension: 4, seed: 56)
        let g = toy.perSampleGradients
        let batches = allBatches(populationSize: 6, batchSize: 2, sampling: .withoutReplacement)
        let exact = batches.reduce(0.0) { sum, batch in
            let gb = batchGradient(g, batch)
            return sum + toy.batchHessian(batch).quadraticForm(gb) / VectorOps.dot(gb, gb) / Double(batches.count)
        }
        let sampled = try batchSharpness(populationSize: 6, batchSize: 2, sampling: .withoutReplacement, batchCount: 3000,
                                     seed: 7, batchGradient: { batchGradient(g, $0) }, batchHessian: { toy.batchHessian($0) })
        expectWithinStandardErrors(sampled.expectationOfRatio, exact, z: 4, "batch sharpness")

        let full = try batchSharpness(populationSize: 6, batchSize: 6, sampling: .withoutReplacement, batchCount: 3,
                                  seed: 8, batchGradient: { batchGradient(g, $0) }, batchHessian: { toy.batchHessian($0) })
        let interaction = GradientInteraction(perSampleGradients: g, hessian: toy.batchHessian(Array(0..<6)))
        expectClose(full.expectationOfRatio.value, interaction.fullBatchSharpness, relative: 1e-12, "b = N")
        expectClose(full.ratioOfExpectations.value, interaction.fullBatchSharpness, relative: 1e-12, "b = N, inside")
    }
}
