import DataIO
import Curvature
import Foundation
import Testing
@testable import Theory

// Oracle: digest 003 §6 table (eq. (17), n = 8192, ρ = 2⁻⁷), printed to 5 decimals: tolerance half a unit
// of the last printed decimal, 5e-6 absolute.
@Test func concentrationTable() throws {
    let rows: [(Double, Double, Double)] = [
        (1, 0.00781, 0.00781), (8, 0.05931, 0.05926), (64, 0.33680, 0.33508), (128, 0.50587, 0.50196),
        (256, 0.67538, 0.66841), (1024, 0.90209, 0.88966), (4096, 0.98473, 0.96993), (8192, 1.0, 0.98473),
    ]
    let rho = 1.0 / 128
    for (b, without, with) in rows {
        let w = try LSSR.concentration(rho: rho, batchSize: b, datasetSize: 8192, sampling: .withoutReplacement)
        let r = try LSSR.concentration(rho: rho, batchSize: b, datasetSize: 8192, sampling: .withReplacement)
        #expect(abs(w - without) <= 5e-6, "without replacement, b = \(b): \(w)")
        #expect(abs(r - with) <= 5e-6, "with replacement, b = \(b): \(r)")
    }
}

// Oracle: digest 003 §11 oracles 1, 3 and 11: γ_{n,1} = 1, γ_{n,n} = 0; ρ₁ = ρ, ρ_n = 1 without replacement,
// 1/(1/(nρ) + 1 − 1/n) with; monotone in b; η(b₀) = η₀; log-slope → 1 at small b and → 0 near n.
@Test func lssrLimits() throws {
    let (n, rho) = (8192.0, 1.0 / 128)
    #expect(try LSSR.samplingCoefficient(batchSize: 1, datasetSize: n, sampling: .withoutReplacement) == 1)
    #expect(try LSSR.samplingCoefficient(batchSize: n, datasetSize: n, sampling: .withoutReplacement) == 0)
    expectClose(try LSSR.concentration(rho: rho, batchSize: 1, datasetSize: n, sampling: .withoutReplacement), rho, relative: 1e-15)
    #expect(try LSSR.concentration(rho: rho, batchSize: n, datasetSize: n, sampling: .withoutReplacement) == 1)
    expectClose(try LSSR.concentration(rho: rho, batchSize: n, datasetSize: n, sampling: .withReplacement),
                1 / (1 / (n * rho) + 1 - 1 / n), relative: 1e-15)
    var previous = 0.0
    for b in stride(from: 1.0, through: n, by: 7) {
        let value = try LSSR.concentration(rho: rho, batchSize: b, datasetSize: n, sampling: .withoutReplacement)
        #expect(value >= previous && value >= rho && value <= 1)
        previous = value
    }
    func logSlope(_ b: Double) throws -> Double {
        let h = 1e-4
        let up = try LSSR.learningRate(baseLearningRate: 0.1, baseBatchSize: 8, batchSize: b * (1 + h), rho: rho, datasetSize: n, sampling: .withReplacement)
        let down = try LSSR.learningRate(baseLearningRate: 0.1, baseBatchSize: 8, batchSize: b * (1 - h), rho: rho, datasetSize: n, sampling: .withReplacement)
        return (log(up) - log(down)) / (log(1 + h) - log(1 - h))
    }
    #expect(try logSlope(1.001) > 0.99)
    #expect(try logSlope(8000) < 0.02)
    #expect(try LSSR.learningRate(baseLearningRate: 0.1, baseBatchSize: 64, batchSize: 64, rho: rho, datasetSize: n,
                                  sampling: .withoutReplacement) == 0.1)
    // Crossover: the two denominator terms of (17) are equal, so ρ_b = (1 + ρ)/2.
    for sampling in BatchSampling.randomSchemes {
        let b = try LSSR.crossoverBatchSize(rho: rho, datasetSize: n, sampling: sampling)
        expectClose(try LSSR.concentration(rho: rho, batchSize: b, datasetSize: n, sampling: sampling), (1 + rho) / 2, relative: 1e-13)
    }
    // LSSR → LSR as ρ → 0 (linear regime everywhere).
    let tiny = try LSSR.learningRate(baseLearningRate: 0.1, baseBatchSize: 8, batchSize: 64, rho: 1e-9, datasetSize: 1e6, sampling: .withReplacement)
    expectClose(tiny, 0.8, relative: 1e-6)
}

// Oracle: digest 003 §4 [derived] thresholds at η = 0.01: Polyak 220/240/280, Nesterov 183.3/171.4/155.6; Adam
// 38/η at β₁ = 0.9. Exact rationals to rounding; the digest's Nesterov values are printed to 4 digits.
@Test func thresholdValues() throws {
    for (beta, polyak, nesterov) in [(0.1, 220.0, 183.3), (0.2, 240.0, 171.4), (0.4, 280.0, 155.6)] {
        expectClose(try StabilityThreshold.momentum(learningRate: 0.01, beta1: beta, beta2: 0), polyak, relative: 1e-14)
        expectClose(try StabilityThreshold.momentum(learningRate: 0.01, beta1: beta, beta2: beta), nesterov, relative: 5e-4)
    }
    expectClose(try StabilityThreshold.adam(learningRate: 0.01, beta1: 0.9), 3800, relative: 1e-14)
    #expect(try StabilityThreshold.sgd(learningRate: 0.1) == 20)
    expectClose(try StabilityThreshold.sgd(learningRate: 0.1, concentration: 0.25), 5, relative: 1e-15)
    #expect(throws: TheoryInputError.self) { try StabilityThreshold.sgd(learningRate: 0) }
}

// Oracle: digest 003 §8 / §11 oracle 8: on L = ½λx², generalized momentum (eqs. 13–14) with η = 0.1 converges
// at λ = 0.98λ* and diverges at 1.02λ* (λ* = 38 Polyak 0.9, 13.571 Nesterov 0.9), oscillating in sign above.
@Test(arguments: [(0.9, 0.0), (0.9, 0.9), (0.5, 0.2), (0.4, 0.4), (0.0, 0.0)])
func momentumThresholdOnQuadratic(betas: (Double, Double)) throws {
    let eta = 0.1
    let critical = try StabilityThreshold.momentum(learningRate: eta, beta1: betas.0, beta2: betas.1)
    func run(_ lambda: Double) -> (final: Double, signFlips: Int) {
        var (x, delta) = (1.0, 0.0)
        var flips = 0
        for _ in 0..<3000 {
            let newDelta = betas.0 * delta - eta * lambda * (x + betas.1 * delta)
            if newDelta * delta < 0 { flips += 1 }
            delta = newDelta
            x += delta
            if !x.isFinite || abs(x) > 1e200 { break }
        }
        return (abs(x), flips)
    }
    #expect(run(0.98 * critical).final < 1e-6, "below threshold \(critical)")
    let above = run(1.02 * critical)
    #expect(above.final > 1e6, "above threshold \(critical)")
    #expect(above.signFlips > 20, "the dominant root is negative above the threshold")
    if betas == (0.9, 0.0) { expectClose(critical, 38, relative: 1e-14) }
    if betas == (0.9, 0.9) { expectClose(critical, 13.571, relative: 1e-4) }
}

// Oracle: digest 003 §6 Fig. 22 toy: GD on L = θ₁² + 17.6θ₂² (H = diag(2, 35.2)), η = 1/16, θ₀ = (3, 0.1).
// Printed losses and IAS have 4 decimals (tolerance 6e-5 absolute); ΔL_t equals eq. (7) exactly on a quadratic
// (1e-12 relative to L₀); the first loss increase is at t = 6 with ΔL₆ = 0.265598 (6 decimals).
@Test func toyQuadraticFirstLossIncreaseAtSix() throws {
    let (h1, h2, eta) = (2.0, 35.2, 1.0 / 16)
    var theta = (3.0, 0.1)
    let losses = [9.1760, 7.1441, 5.6406, 4.5647, 3.8492, 3.4574, 3.3820, 3.6476]
    let sharpness = [10.5009, 15.0462, 20.2283, 25.1086, 28.9440, 31.5519, 33.1551, 34.0805]
    var firstIncrease: Int?
    for t in 0..<losses.count {
        let loss = 0.5 * (h1 * theta.0 * theta.0 + h2 * theta.1 * theta.1)
        let g = (h1 * theta.0, h2 * theta.1)
        let gradSquared = g.0 * g.0 + g.1 * g.1
        let gHg = h1 * g.0 * g.0 + h2 * g.1 * g.1
        #expect(abs(loss - losses[t]) < 6e-5, "L_\(t) = \(loss)")
        #expect(abs(gHg / gradSquared - sharpness[t]) < 6e-5, "IAS_\(t) = \(gHg / gradSquared)")
        let predicted = try LossChangePrediction.sgd(learningRate: eta, gradientNormSquared: gradSquared, traceHessianSecondMoment: gHg)
        let viaIAS = try LossChangePrediction.sgd(learningRate: eta, gradientNormSquared: gradSquared,
                                                  interactionAwareSharpness: gHg / gradSquared, concentration: 1)
        theta = (theta.0 - eta * g.0, theta.1 - eta * g.1)
        let next = 0.5 * (h1 * theta.0 * theta.0 + h2 * theta.1 * theta.1)
        #expect(abs((next - loss) - predicted) < 1e-12 * losses[0] && abs(viaIAS - predicted) < 1e-12 * losses[0])
        if next > loss, firstIncrease == nil {
            firstIncrease = t
            #expect(abs((next - loss) - 0.265598) < 1e-6)
            #expect(gHg / gradSquared > 2 / eta, "the loss rises exactly when IAS > 2/η = 32")
        }
    }
    #expect(firstIncrease == 6)
}

// Oracle: digest 003 §8 / §11 oracle 6: eq. (7) is exact on quadratics for any b. Six per-sample quadratics
// ℓᵢ = ½θᵀAᵢθ + cᵢᵀθ with distinct Aᵢ; E_ξ over all C(6, b) subsets (without replacement) is enumerated.
// Tolerance 1e-12 relative (sums of ≤ 20 float64 terms).
@Test(arguments: [1, 2, 3, 6])
func lossChangeIsExactOnQuadraticsByEnumeration(batchSize b: Int) throws {
    let a: [[Double]] = [[2, 0.3, 1], [1, -0.2, 3], [4, 0.5, 0.5], [0.5, 0, 2], [3, 1, 2], [1.5, -0.7, 1]]  // (a11, a12, a22)
    let c: [[Double]] = [[1, -2], [0.5, 0.3], [-1, 1], [2, 2], [-0.5, -1.5], [0.1, 0.7]]
    let theta = [0.4, -0.3], eta = 0.2, n = 6
    func grad(_ i: Int, _ x: [Double]) -> [Double] {
        [a[i][0] * x[0] + a[i][1] * x[1] + c[i][0], a[i][1] * x[0] + a[i][2] * x[1] + c[i][1]]
    }
    func loss(_ x: [Double]) -> Double {
        (0..<n).map { i in 0.5 * (a[i][0] * x[0] * x[0] + 2 * a[i][1] * x[0] * x[1] + a[i][2] * x[1] * x[1]) + c[i][0] * x[0] + c[i][1] * x[1] }
            .reduce(0, +) / Double(n)
    }
    let hessian = (0..<3).map { k in (0..<n).map { a[$0][k] }.reduce(0, +) / Double(n) }
    func quadraticForm(_ v: [Double]) -> Double { hessian[0] * v[0] * v[0] + 2 * hessian[1] * v[0] * v[1] + hessian[2] * v[1] * v[1] }
    let grads = (0..<n).map { grad($0, theta) }
    let full = [grads.map { $0[0] }.reduce(0, +) / 6, grads.map { $0[1] }.reduce(0, +) / 6]
    let trS1 = grads.map { $0[0] * $0[0] + $0[1] * $0[1] }.reduce(0, +) / 6
    let trHS1 = grads.map(quadraticForm).reduce(0, +) / 6
    let trSn = full[0] * full[0] + full[1] * full[1]
    let trHSb = try LSSR.secondMomentTrace(traceS1: trHS1, traceSn: quadraticForm(full), batchSize: Double(b), datasetSize: 6,
                                           sampling: .withoutReplacement)
    // Enumerate every b-subset.
    var total = 0.0, count = 0
    for mask in 0..<(1 << n) where mask.nonzeroBitCount == b {
        let members = (0..<n).filter { mask & (1 << $0) != 0 }
        let g = [members.map { grads[$0][0] }.reduce(0, +) / Double(b), members.map { grads[$0][1] }.reduce(0, +) / Double(b)]
        total += loss([theta[0] - eta * g[0], theta[1] - eta * g[1]])
        count += 1
    }
    let observed = total / Double(count) - loss(theta)
    let predicted = try LossChangePrediction.sgd(learningRate: eta, gradientNormSquared: trSn, traceHessianSecondMoment: trHSb)
    expectClose(observed, predicted, relative: 1e-12, floor: 1e-3)
    let trSb = try LSSR.secondMomentTrace(traceS1: trS1, traceSn: trSn, batchSize: Double(b), datasetSize: 6, sampling: .withoutReplacement)
    let rhoB = trSn / trSb
    expectClose(rhoB, try LSSR.concentration(rho: trSn / trS1, batchSize: Double(b), datasetSize: 6, sampling: .withoutReplacement),
                relative: 1e-13)
}

// Oracle: the classifier's definition (documented ±5% default band).
@Test func stabilityClassification() throws {
    #expect(try StabilityClassification(sharpness: 90, threshold: 100).regime == .stable)
    #expect(try StabilityClassification(sharpness: 104, threshold: 100).regime == .edge)
    #expect(try StabilityClassification(sharpness: 96, threshold: 100).regime == .edge)
    #expect(try StabilityClassification(sharpness: 106, threshold: 100).regime == .unstable)
    #expect(try StabilityClassification(sharpness: 106, threshold: 100, edgeBand: 0.1).regime == .edge)
    #expect(try StabilityClassification(sharpness: 50, threshold: 100).ratio == 0.5)
}

// Oracle: eq. (131) vanishes at the momentum threshold and has the sign of (IAS − threshold).
@Test func momentumLossChangeHeuristic() throws {
    let threshold = try StabilityThreshold.momentum(learningRate: 0.01, beta1: 0.4, beta2: 0.4)
    #expect(try LossChangePrediction.momentum(learningRate: 0.01, beta1: 0.4, beta2: 0.4, gradientNormSquared: 2,
                                              interactionAwareSharpness: threshold) == 0)
    #expect(try LossChangePrediction.momentum(learningRate: 0.01, beta1: 0.4, beta2: 0.4, gradientNormSquared: 2,
                                              interactionAwareSharpness: threshold * 1.1) > 0)
}
