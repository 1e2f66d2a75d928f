import DataIO
import Foundation
import Testing
import Tensor
@testable import Curvature

@Suite("Gradient-noise statistics")
struct GradientNoiseTests {
    // Oracle: enumeration of every batch of a 6-sample dataset (15 or 20 subsets; 36 or 216 tuples):
    // paper 003's S_b = (γ/b) S₁ + (1 − γ/b) S_N and C_b = (γ/b) C₁, to 10⁻¹².
    @Test(arguments: [2, 3], BatchSampling.randomSchemes)
    func secondMomentIdentityByEnumeration(batchSize b: Int, sampling: BatchSampling) {
        let (n, d) = (6, 4)
        let g = TestMatrices.perSampleGradients(count: n, dimension: d, seed: 41)
        let batches = allBatches(populationSize: n, batchSize: b, sampling: sampling)
        #expect(batches.count == (sampling == .withReplacement ? Int(pow(6.0, Double(b))) : (b == 2 ? 15 : 20)))
        var enumerated = [Double](repeating: 0, count: d * d)
        var meanBatchGradient = [Double](repeating: 0, count: d)
        for batch in batches {
            let gb = batchGradient(g, batch)
            for i in 0..<d { for j in 0..<d { enumerated[i * d + j] += gb[i] * gb[j] / Double(batches.count) } }
            VectorOps.axpy(1 / Double(batches.count), gb, &meanBatchGradient)
        }
        let formula = batchSecondMoment(perSampleGradients: g, batchSize: b, sampling: sampling)
        let scale = enumerated.reduce(0) { max($0, abs($1)) }
        for k in 0..<(d * d) { #expect(abs(formula.scalars[k] - enumerated[k]) <= 1e-12 * scale, "S_b entry \(k)") }

        let stats = GradientNoiseStatistics(perSampleGradients: g)
        let enumeratedTrace = (0..<d).reduce(0.0) { $0 + enumerated[$1 * d + $1] }
        expectClose(stats.secondMomentTrace(batchSize: b, sampling: sampling), enumeratedTrace, relative: 1e-12, "tr S_b")
        // tr C_b = E‖g_B − g‖² = tr S_b − ‖g‖² (the batch gradient is unbiased: E g_B = g).
        for j in 0..<d { expectClose(meanBatchGradient[j], stats.meanGradient[j], relative: 1e-12, floor: 1, "E g_B") }
        expectClose(stats.batchCovarianceTrace(batchSize: b, sampling: sampling),
                    enumeratedTrace - stats.meanGradientSquaredNorm, relative: 1e-11, "tr C_b")
    }

    // Oracle: paper 003 eq. (1): γ_{N,1} = 1, γ_{N,N} = 0 without replacement; γ ≡ 1 with.
    @Test func samplingCoefficient() {
        #expect(BatchSampling.withoutReplacement.gamma(populationSize: 10, batchSize: 1) == 1)
        #expect(BatchSampling.withoutReplacement.gamma(populationSize: 10, batchSize: 10) == 0)
        #expect(BatchSampling.withoutReplacement.gamma(populationSize: 10, batchSize: 4) == 6.0 / 9)
        #expect(BatchSampling.withoutReplacement.gamma(populationSize: 1, batchSize: 1) == 1)
        #expect(BatchSampling.withReplacement.gamma(populationSize: 10, batchSize: 10) == 1)
    }

    // Oracle: digest 003 §11 item 3: ρ = ρ₁ ≤ ρ_b ≤ 1, nondecreasing in b, ρ_N = 1 without
    // replacement and 1/(1/(Nρ) + 1 − 1/N) with replacement, and eq. (17)'s closed form.
    @Test func concentrationBoundsAndMonotonicity() {
        let n = 50
        let stats = GradientNoiseStatistics(perSampleGradients: TestMatrices.perSampleGradients(count: n, dimension: 10, seed: 42))
        let rho = stats.concentration
        #expect(rho > 0 && rho < 1)
        for sampling in BatchSampling.randomSchemes {
            expectClose(stats.concentration(batchSize: 1, sampling: sampling), rho, relative: 1e-14, "ρ₁ (\(sampling))")
            var previous = 0.0
            for b in 1...n {
                let rhoB = stats.concentration(batchSize: b, sampling: sampling)
                #expect(rhoB >= rho * (1 - 1e-14) && rhoB <= 1 + 1e-14, "ρ_\(b) = \(rhoB) outside [ρ, 1]")
                #expect(rhoB >= previous, "ρ_b decreased at b = \(b)")
                previous = rhoB
                let c = sampling.gamma(populationSize: n, batchSize: b) / Double(b)
                expectClose(rhoB, 1 / (c / rho + 1 - c), relative: 1e-12, "eq. (17) at b = \(b)")
            }
        }
        expectClose(stats.concentration(batchSize: n, sampling: .withoutReplacement), 1, relative: 1e-14, "ρ_N")
        expectClose(stats.concentration(batchSize: n, sampling: .withReplacement),
                    1 / (1 / (Double(n) * rho) + 1 - 1 / Double(n)), relative: 1e-12, "ρ_N with replacement")
    }

    // Oracle: digest 003 §6, the ρ_b table for N = 8192 and ρ = 2⁻⁷ (without replacement; with
    // replacement in the second column), given to 5 decimals.
    @Test func concentrationTableOfDigest003() {
        let n = 8192
        // Equal per-sample norms 1 and g = (2⁻⁴, 2⁻⁴), so ‖g‖² = 2⁻⁷, give ρ = 2⁻⁷ exactly.
        let mean = [0.0625, 0.0625]
        let stats = GradientNoiseStatistics(perSampleSquaredNorms: [Double](repeating: 1, count: n), meanGradient: mean)
        #expect(stats.concentration == 1.0 / 128)
        let table: [(Int, Double, Double)] = [(1, 0.00781, 0.00781), (8, 0.05931, 0.05926), (64, 0.33680, 0.33508),
                                              (128, 0.50587, 0.50196), (256, 0.67538, 0.66841), (1024, 0.90209, 0.88966),
                                              (4096, 0.98473, 0.96993), (8192, 1.0, 0.98473)]
        for (b, without, with) in table {
            #expect(abs(stats.concentration(batchSize: b, sampling: .withoutReplacement) - without) <= 5e-6, "ρ_\(b) without")
            #expect(abs(stats.concentration(batchSize: b, sampling: .withReplacement) - with) <= 5e-6, "ρ_\(b) with")
        }
    }

    // Oracle: Σ = (1/N) Σᵢ (gᵢ − g)(gᵢ − g)ᵀ formed densely, entry by entry.
    @Test func covarianceTraceAndSimpleNoiseScaleAgainstDenseCovariance() {
        let (n, d) = (37, 9)
        let g = TestMatrices.perSampleGradients(count: n, dimension: d, seed: 43)
        let mean = (0..<d).map { j in (0..<n).reduce(0.0) { $0 + g.scalars[$1 * d + j] } / Double(n) }
        var sigma = [Double](repeating: 0, count: d * d)
        for i in 0..<n {
            for j in 0..<d { for k in 0..<d {
                sigma[j * d + k] += (g.scalars[i * d + j] - mean[j]) * (g.scalars[i * d + k] - mean[k]) / Double(n)
            } }
        }
        let traceSigma = (0..<d).reduce(0.0) { $0 + sigma[$1 * d + $1] }
        let meanNorm = mean.reduce(0) { $0 + $1 * $1 }
        let stats = GradientNoiseStatistics(perSampleGradients: g)
        expectClose(stats.covarianceTrace, traceSigma, relative: 1e-12, "tr Σ")
        for j in 0..<d { expectClose(stats.covarianceDiagonal![j], sigma[j * d + j], relative: 1e-12, "Σ[\(j)][\(j)]") }
        expectClose(stats.simpleNoiseScale, traceSigma / meanNorm, relative: 1e-12, "B_simple")
        let squaredNorms = (0..<n).map { i in (0..<d).reduce(0.0) { $0 + pow(g.scalars[i * d + $1], 2) } }
        let sumOfGradients = mean.map { $0 * Double(n) }
        expectClose(stats.gradientDiversity, squaredNorms.reduce(0, +) / sumOfGradients.reduce(0) { $0 + $1 * $1 },
                    relative: 1e-12, "gradient diversity")
        expectClose(stats.gradientDiversity, 1 / (Double(n) * stats.concentration), relative: 1e-12, "diversity = 1/(Nρ)")

        // The norms-only path gives the same scalars (tr Σ up to the cancellation in tr S₁ − ‖g‖²).
        let fast = GradientNoiseStatistics(perSampleSquaredNorms: squaredNorms, meanGradient: stats.meanGradient)
        #expect(fast.covarianceDiagonal == nil)
        expectClose(fast.covarianceTrace, traceSigma, relative: 1e-10, "tr Σ from norms")
        expectClose(fast.concentration, stats.concentration, relative: 1e-12, "ρ from norms")
        expectClose(fast.simpleNoiseScale, stats.simpleNoiseScale, relative: 1e-10, "B_simple from norms")
    }

    // Oracle: P[i ∈ B] = b/N for both schemes' index marginals, within 4 standard errors over 6000
    // draws; without replacement a batch has b distinct indices.
    @Test(arguments: BatchSampling.randomSchemes)
    func batchDrawsAreUniform(_ sampling: BatchSampling) {
        var generator = RandomGenerator(seed: 44)
        var counts = [Int](repeating: 0, count: 6)
        let draws = 6000
        for _ in 0..<draws {
            let batch = sampling.drawBatch(populationSize: 6, batchSize: 2, using: &generator)
            #expect(batch.count == 2 && batch.allSatisfy { (0..<6).contains($0) })
            if sampling != .withReplacement { #expect(batch[0] < batch[1]) }
            for i in batch { counts[i] += 1 }
        }
        let p = 1.0 / 6
        let se = (2 * Double(draws) * p * (1 - p)).squareRoot()
        for count in counts { #expect(abs(Double(count) - 2 * Double(draws) * p) <= 4 * se, "index count \(count)") }
    }
}
