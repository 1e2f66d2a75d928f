import Tensor
import Testing
@testable import Theory

private func adam(_ lr: Double, _ b1: Double, _ b2: Double, _ eps: Double, batch: Double) throws -> ScalableHyperparameters {
    try ScalableHyperparameters(optimizer: .adam, learningRate: lr, batchSize: batch, beta1: b1, beta2: b2, epsilon: eps)
}

// Oracle: digest 004 §10.2 E: the square-root rule keeps (σ₀, c₁, c₂, ε₀) to machine precision; the
// invariants are products of ≤ 4 rounded factors, so 1e-14 relative (≈ 50 ulp) is the check.
@Test(arguments: [0.25, 2.0, 4.0, 16.0, 64.0])
func squareRootRuleKeepsInvariants(kappa: Double) throws {
    let base = try adam(1e-3, 0.999, 0.999, 1e-8, batch: 256)
    let result = try ScalingRule.squareRoot().apply(to: base, newBatchSize: 256 * kappa)
    #expect(result.valid && result.invariantsPreserved)
    let (before, after) = (result.invariantsBefore, result.invariantsAfter)
    expectClose(after.sigma0, before.sigma0, relative: 1e-14, "sigma0")
    expectClose(after.c1!, before.c1!, relative: 1e-12, "c1")  // 1 − β' loses ~log10(κ) digits of β'
    expectClose(after.c2!, before.c2!, relative: 1e-12, "c2")
    expectClose(after.eps0!, before.eps0!, relative: 1e-14, "eps0")
    expectClose(result.stepsFactor, 1 / kappa, relative: 1e-15)
    expectClose(result.hyperparameters.secondMomentInitScale, 1 / kappa, relative: 1e-15)
    // Continuous time t = kη² is preserved with k' = k/κ (digest 004 §4.1).
    let t0 = TimeMaps.continuousTime(steps: 97_500, learningRate: base.learningRate, optimizer: .adam)
    let t1 = TimeMaps.continuousTime(steps: 97_500 * result.stepsFactor, learningRate: result.hyperparameters.learningRate,
                                     optimizer: .adam)
    expectClose(t1, t0, relative: 1e-14)
}

// Oracle: digest 004 §4.1 worked examples (CIFAR Adam baseline B = 256, η = 1e-3, β = 0.999, ε = 1e-8).
// The digest rounds to 4 significant digits; tolerance 1e-3 relative (exact values where printed exactly).
@Test func squareRootRuleWorkedExamples() throws {
    let base = try adam(1e-3, 0.999, 0.999, 1e-8, batch: 256)
    let rows: [(Double, Double, Double, Double)] = [
        (1024, 2e-3, 0.996, 5e-9), (4096, 4e-3, 0.984, 2.5e-9), (8192, 5.657e-3, 0.968, 1.768e-9), (16384, 8e-3, 0.936, 1.25e-9),
    ]
    for (batch, lr, beta, eps) in rows {
        let h = try ScalingRule.squareRoot().apply(to: base, newBatchSize: batch).hyperparameters
        expectClose(h.learningRate, lr, relative: 1e-3, "lr at B = \(batch)")
        expectClose(h.beta1!, beta, relative: 1e-12, "beta1 at B = \(batch)")
        expectClose(h.beta2!, beta, relative: 1e-12, "beta2 at B = \(batch)")
        expectClose(h.epsilon!, eps, relative: 1e-3, "eps at B = \(batch)")
    }
    // RoBERTa (Table 2) B = 1024 → 8192: β₁ 0.99375 → 0.95, β₂ 0.996 → 0.968; GPT β₁ 0.9875 → 0.9 exactly.
    let roberta = try ScalingRule.squareRoot().apply(to: try adam(1e-3, 0.99375, 0.996, 2e-6, batch: 1024), newBatchSize: 8192)
    expectClose(roberta.hyperparameters.beta1!, 0.95, relative: 1e-12)
    expectClose(roberta.hyperparameters.beta2!, 0.968, relative: 1e-12)
    expectClose(roberta.hyperparameters.epsilon!, 7.07e-7, relative: 1e-3)
    let gpt = try ScalingRule.squareRoot().apply(to: try adam(1e-3, 0.9875, 0.996, 2e-8, batch: 1024), newBatchSize: 8192)
    expectClose(gpt.hyperparameters.beta1!, 0.9, relative: 1e-12)
}

// Oracle: digest 004 §10.2 E, last bullet: the linear rule changes σ₀ and c for Adam (invariance fails),
// while it keeps η/B for SGD.
@Test func linearRuleFailsInvarianceForAdamButNotSGD() throws {
    let base = try adam(1e-3, 0.9, 0.999, 1e-8, batch: 256)
    for variant in LinearVariant.allCases {
        let result = try ScalingRule.linear(variant).apply(to: base, newBatchSize: 1024)
        #expect(!result.invariantsPreserved, "linear \(variant) should not preserve the Adam SDE")
    }
    let sgd = try ScalableHyperparameters(optimizer: .sgd, learningRate: 0.1, batchSize: 128)
    let scaled = try ScalingRule.linear().apply(to: sgd, newBatchSize: 512)
    #expect(scaled.invariantsPreserved && scaled.valid)
    expectClose(scaled.hyperparameters.learningRate, 0.4, relative: 1e-15)
    // SGD under the square-root rule (SRSR) does not keep η/B.
    #expect(!(try ScalingRule.squareRoot().apply(to: sgd, newBatchSize: 512)).invariantsPreserved)
}

// Oracle: the ablation definitions of App. I.1: only the full rule (e) keeps all four invariants.
@Test func partialSquareRootVariantsBreakSomeInvariant() throws {
    let base = try adam(1e-3, 0.999, 0.999, 1e-8, batch: 256)
    for variant in SquareRootVariant.allCases {
        let result = try ScalingRule.squareRoot(variant).apply(to: base, newBatchSize: 2048)
        #expect(result.invariantsPreserved == (variant == .full), "\(variant)")
        expectClose(result.invariantsAfter.sigma0, result.invariantsBefore.sigma0, relative: 1e-14)
    }
}

// Oracle: digest 004 §4.1 breakdown: β' = 1 − κ(1−β) must stay in range, i.e. κ < 1/(1−β).
@Test func squareRootRuleValidity() throws {
    let base = try adam(1e-3, 0.9, 0.999, 1e-8, batch: 256)
    let fine = try ScalingRule.squareRoot().apply(to: base, newBatchSize: 256 * 10)   // κ = 10 = 1/(1−β₁): β₁' = 0
    #expect(fine.valid)
    #expect(abs(fine.hyperparameters.beta1!) < 1e-15, "beta1' = 1 − 10·(1 − 0.9) is 0 up to rounding")
    let broken = try ScalingRule.squareRoot().apply(to: base, newBatchSize: 256 * 16)  // κ = 16 > 10
    #expect(!broken.valid)
    #expect(broken.reason?.contains("beta1") == true)
    #expect(throws: TheoryInputError.self) {
        try ScalingRule.lssr(rho: 0.01, datasetSize: 50_000, sampling: .withoutReplacement).apply(to: base, newBatchSize: 512)
    }
}

// Oracle: the change of variables read backwards (digest 004 §3.2) reproduces the configuration.
@Test func changeOfVariablesRoundTrip() throws {
    let base = try adam(2e-3, 0.95, 0.998, 1e-8, batch: 512)
    let back = try SDEChangeOfVariables.hyperparameters(for: base.invariants, optimizer: .adam, learningRate: 2e-3)
    expectClose(back.batchSize, 512, relative: 1e-13)
    expectClose(back.beta1!, 0.95, relative: 1e-13)
    expectClose(back.beta2!, 0.998, relative: 1e-13)
    expectClose(back.epsilon!, 1e-8, relative: 1e-13)
    expectClose(SDEChangeOfVariables.rescaledSecondMoment(3e-4, batchSize: 512), 3e-4 * 512, relative: 1e-15)
}

// Oracle: digest 004 §4.1 [derived] t = epochs·N·σ₀² for adaptive methods; t = kη for SGD.
@Test func timeMaps() throws {
    let (n, batch, lr) = (50_000.0, 256.0, 1e-3)
    let steps = TimeMaps.steps(epochs: 500, batchSize: batch, datasetSize: n)
    expectClose(TimeMaps.epochs(steps: steps, batchSize: batch, datasetSize: n), 500, relative: 1e-15)
    let sigma0 = lr / batch.squareRoot()
    expectClose(TimeMaps.continuousTime(epochs: 500, learningRate: lr, batchSize: batch, datasetSize: n, optimizer: .adam),
                500 * n * sigma0 * sigma0, relative: 1e-14)
    #expect(TimeMaps.continuousTime(steps: 10, learningRate: 0.1, optimizer: .sgd) == 1)
    expectClose(TimeMaps.steps(continuousTime: 1, learningRate: 0.1, optimizer: .rmsprop), 100, relative: 1e-14)
}

// Oracle: digest 004 §10.2 F (Lemma E.1/E.2): r₁ + r₂ = 1, r₁² + r₂² = ℓ², r(1) = (0, 1), third-moment ratio
// (12ℓ² − 4)/(8ℓ³) (ℓ = 2: 0.6875) equal to (r₁³ + r₂³)/ℓ³. Rounding only: 1e-14.
@Test(arguments: [1.0, 1.5, 2.0, 4.0, 8.0])
func svagIdentities(ell: Double) throws {
    let svag = try SVAG(ell: ell)
    expectClose(svag.r1 + svag.r2, 1, relative: 1e-14)
    expectClose(svag.r1 * svag.r1 + svag.r2 * svag.r2, ell * ell, relative: 1e-14)
    let cubes = svag.r1 * svag.r1 * svag.r1 + svag.r2 * svag.r2 * svag.r2
    expectClose(cubes / (ell * ell * ell), svag.thirdMomentFactor, relative: 1e-14)
    #expect(svag.thirdMomentFactor <= 1.5 / ell + 1e-15)
    if ell == 1 { #expect(svag.r1 == 0 && svag.r2 == 1) }
    if ell == 2 { #expect(svag.thirdMomentFactor == 0.6875) }
    #expect(svag.combine([1, 2], [3, 4]) == [svag.r1 + 3 * svag.r2, 2 * svag.r1 + 4 * svag.r2])
}

// Oracle: Def. 6.2 and digest 004 §5.2: SVAG = square-root rule with κ = 1/ℓ² on an oracle of scale ℓσ; the
// invariants are unchanged, steps ×ℓ², v₀ ×ℓ², t = kη²/ℓ².
@Test func svagTransformKeepsInvariants() throws {
    let base = try adam(1e-3, 0.9, 0.999, 1e-8, batch: 256)
    let result = try SVAG(ell: 4).transform(base)
    let h = result.hyperparameters
    #expect(result.valid && result.invariantsPreserved)
    expectClose(h.learningRate, 1e-3 / 4, relative: 1e-15)
    expectClose(h.beta1!, 1 - 0.1 / 16, relative: 1e-15)
    expectClose(h.epsilon!, 4e-8, relative: 1e-15)
    #expect(h.batchSize == 256 && h.noiseMultiplier == 4 && h.secondMomentInitScale == 16 && result.stepsFactor == 16)
    let sgd = try SVAG(ell: 2).transform(try ScalableHyperparameters(optimizer: .sgd, learningRate: 0.1, batchSize: 64))
    #expect(sgd.invariantsPreserved)
}

// Oracle A (digest 004 §10.2): E[v_k] = β^k v₀ + (1−β^k)(ḡ² + σ²) for g_k ~ N(ḡ, σ²). Monte Carlo over
// 20 000 seeded chains; tolerance 5 standard errors of the sample mean.
@Test func linearLossSecondMomentMatchesMonteCarlo() throws {
    let (beta, v0, mean, sigma, steps, chains) = (0.9, 0.5, 0.1, 2.0, 15, 20_000)
    var generator = RandomGenerator(seed: 4, stream: "oracle-A")
    var sum = 0.0, sumSquares = 0.0
    for _ in 0..<chains {
        var v = v0
        for _ in 0..<steps {
            let g = mean + sigma * generator.gaussian()
            v = beta * v + (1 - beta) * g * g
        }
        sum += v
        sumSquares += v * v
    }
    let sampleMean = sum / Double(chains)
    let standardError = ((sumSquares / Double(chains) - sampleMean * sampleMean) / Double(chains)).squareRoot()
    let exact = try LinearLossOracle.expectedSecondMoment(steps: steps, beta: beta, initialSecondMoment: v0,
                                                          meanGradient: mean, noiseStandardDeviation: sigma)
    #expect(abs(sampleMean - exact) <= 5 * standardError, "E v_k: exact \(exact), MC \(sampleMean) ± \(standardError)")
    #expect(try LinearLossOracle.expectedSecondMoment(steps: 0, beta: beta, initialSecondMoment: v0, meanGradient: mean,
                                                      noiseStandardDeviation: sigma) == v0)
}
