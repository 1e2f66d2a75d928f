import Testing
@testable import Theory

// Oracle: digest 000 §10 oracle 10 and §4.5: λ(b_{1/2}) = ½, λ(b₁) = 1 exactly (to rounding, 1e-13), λ = 0
// at b = N, and the closed forms b_{1/2} = 2NB/(N + 2B − 1), b₁ = NB/(N + B − 1).
@Test(arguments: [(50_000.0, 300.0), (8192.0, 128.0), (1000.0, 0.7)])
func transitionBatchSizes(n: Double, simple: Double) throws {
    let t = try AdamNoiseScale.transitionBatchSizes(datasetSize: n, simpleNoiseScale: simple)
    expectClose(t.half, 2 * n * simple / (n + 2 * simple - 1), relative: 1e-14)
    expectClose(t.one, n * simple / (n + simple - 1), relative: 1e-14)
    if t.half >= 1 {
        expectClose(try AdamNoiseScale.noiseRatio(datasetSize: n, batchSize: t.half, simpleNoiseScale: simple), 0.5, relative: 1e-13)
    }
    if t.one >= 1 {
        expectClose(try AdamNoiseScale.noiseRatio(datasetSize: n, batchSize: t.one, simpleNoiseScale: simple), 1, relative: 1e-13)
    }
    #expect(try AdamNoiseScale.noiseRatio(datasetSize: n, batchSize: n, simpleNoiseScale: simple) == 0)
    #expect(t.one < t.half)
}

// Oracle: Lemma A.7 factor (m−1)/(mb−1) = (N/b − 1)/(N − 1) with m = N/b, e.g. N = 6, b = 2: (3−1)/(6−1) = 0.4.
@Test func sameBatchFactor() throws {
    #expect(try AdamNoiseScale.sameBatchFactor(datasetSize: 6, batchSize: 2) == 0.4)
    #expect(try AdamNoiseScale.sameBatchFactor(datasetSize: 6, batchSize: 1) == 1)
    #expect(throws: TheoryInputError.self) { try AdamNoiseScale.sameBatchFactor(datasetSize: 6, batchSize: 7) }
}

// Oracle: paper 000 §3.3 rule of thumb (λ > 1 → defaults; λ < ½ → β₁ = β₂ = 0.999).
@Test func betaRecommendation() throws {
    let small = try AdamBetaRecommendation(noiseRatio: 5)
    #expect(small.beta1 == 0.9 && small.beta2 == 0.999 && small.regime == .highNoise)
    let large = try AdamBetaRecommendation(noiseRatio: 0.1)
    #expect(large.beta1 == 0.999 && large.beta2 == 0.999 && large.regime == .lowNoise)
    let between = try AdamBetaRecommendation(noiseRatio: 0.75)
    #expect(between.regime == .transition && between.beta1 == between.beta2)
    // The transition choice is the pair with the larger C_total there (documented crossover λ ≈ 0.9988).
    let pairEqual = AdamNoiseCoefficients.total(beta1: 0.999, beta2: 0.999, noiseRatio: 0.75)
    let pairDefault = AdamNoiseCoefficients.total(beta1: 0.9, beta2: 0.999, noiseRatio: 0.75)
    #expect(pairEqual > pairDefault)
    #expect(!small.reason.isEmpty && !large.reason.isEmpty)
}

// Oracle: Eq. (8) below full batch; at full batch the factor N/b − 1 is 0, so λ = 0 even where B_simple is
// undefined (0/0 at a stationary point) or N = 1.
@Test func noiseRatioOfSampleCounts() throws {
    #expect(try AdamNoiseScale.noiseRatio(sampleCount: 6, batchSize: 2, simpleNoiseScale: 5)
            == AdamNoiseScale.noiseRatio(datasetSize: 6, batchSize: 2, simpleNoiseScale: 5))
    #expect(try AdamNoiseScale.noiseRatio(sampleCount: 6, batchSize: 2, simpleNoiseScale: 5) == 2)
    #expect(try AdamNoiseScale.noiseRatio(sampleCount: 6, batchSize: 6, simpleNoiseScale: .nan) == 0)
    #expect(try AdamNoiseScale.noiseRatio(sampleCount: 1, batchSize: 1, simpleNoiseScale: 3) == 0)
    #expect(throws: TheoryInputError.self) { try AdamNoiseScale.noiseRatio(sampleCount: 6, batchSize: 2, simpleNoiseScale: -1) }
}
