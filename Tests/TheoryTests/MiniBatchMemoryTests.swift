import Curvature
import Foundation
import Tensor
import Testing
@testable import Theory

/// All orderings of 0..<n (n! of them).
private func permutations(_ n: Int) -> [[Int]] {
    guard n > 0 else { return [[]] }
    return permutations(n - 1).flatMap { p in (0...p.count).map { i in var q = p; q.insert(n - 1, at: i); return q } }
}

private let noisy = AnalyticObjective.noisy(samples: 6, sigma: 0.7)
private let theta = [0.4, -0.6, 0.8]

@Suite("Mini-batch memory and noise (papers 001 App. G, 000)")
struct MiniBatchMemoryTests {
    // Oracle T11 (exact): averaging the generic mini-batch HB correction over all 4! orders of 4 fixed batches
    // gives C₃E[H_i g_i] + C₄E_{i≠j}[H_i g_j] (paper 001 App. G) to round-off.
    @Test func permutationAverageByEnumeration() {
        let batches = [[0, 1], [2], [3, 4], [5]]
        let orders = permutations(4)
        var mean = [Double](repeating: 0, count: 3)
        for order in orders {
            let m = MiniBatchMomentumCorrection.correction(objective: noisy, at: theta, orderedBatches: order.map { batches[$0] },
                                                           beta: 0.6, learningRate: 1e-2)
            VectorOps.axpy(1 / Double(orders.count), m, &mean)
        }
        let expected = MiniBatchMomentumCorrection.expectedCorrection(objective: noisy, at: theta, batches: batches, beta: 0.6, learningRate: 1e-2)
        for r in 0..<3 { expectClose(mean[r], expected[r], relative: 1e-11, "coordinate \(r)") }
    }

    // Oracle T11 (Monte Carlo): 400 random orders of 12 single-sample batches; |mean − exact| ≤ 4 SE.
    @Test func permutationAverageByMonteCarlo() {
        let objective = AnalyticObjective.noisy(samples: 12, sigma: 0.7, seed: 9)
        let batches = (0..<12).map { [$0] }
        let estimate = MiniBatchMomentumCorrection.monteCarloCorrection(objective: objective, at: theta, batches: batches, beta: 0.6,
                                                                         learningRate: 1e-2, permutations: 400, seed: 3)
        let exact = MiniBatchMomentumCorrection.expectedCorrection(objective: objective, at: theta, batches: batches, beta: 0.6, learningRate: 1e-2)
        for r in 0..<3 {
            #expect(abs(estimate.values[r] - exact[r]) <= 4 * estimate.standardErrors[r],
                    "coordinate \(r): MC \(estimate[r]) vs exact \(exact[r])")
            #expect(estimate.standardErrors[r] > 0)
        }
    }

    // Oracle: Lemma A.7 (digest 000 §4.3) by enumerating all 6! permutations of N = 6 samples, b = 2 and 3:
    // same-batch E d_{k,i}d_{k,j}, cross-batch E d_{0,i}d_{1,j} and E d_{k,ij}d_{k,j}.
    @Test(arguments: [2, 3])
    func lemmaA7ByEnumeration(batchSize b: Int) throws {
        let moments = try MiniBatchNoiseMoments(objective: noisy, at: theta, batchSize: b)
        let g = noisy.gradient(at: theta), hessian = noisy.denseHessian(at: theta)
        var same = [Double](repeating: 0, count: 9), cross = same, mixed = same
        let orders = permutations(6)
        for order in orders {
            let batch0 = Array(order[0..<b]), batch1 = Array(order[b..<(2 * b)])
            let d0 = zip(noisy.gradient(at: theta, batch: batch0), g).map { $0 - $1 }
            let d1 = zip(noisy.gradient(at: theta, batch: batch1), g).map { $0 - $1 }
            let h0 = noisy.denseHessian(at: theta, batch: batch0)
            for i in 0..<3 { for j in 0..<3 {
                same[i * 3 + j] += d0[i] * d0[j] / Double(orders.count)
                cross[i * 3 + j] += d0[i] * d1[j] / Double(orders.count)
                mixed[i * 3 + j] += (h0.scalars[i * 3 + j] - hessian.scalars[i * 3 + j]) * d0[j] / Double(orders.count)
            } }
        }
        for i in 0..<3 { for j in 0..<3 {
            expectClose(moments.sameBatch(i, j), same[i * 3 + j], relative: 1e-10, floor: 1e-3, "same (\(i),\(j))")
            expectClose(moments.crossBatch(i, j), cross[i * 3 + j], relative: 1e-10, floor: 1e-3, "cross (\(i),\(j))")
            expectClose(moments.sameBatchHessianGradient(i, j), mixed[i * 3 + j], relative: 1e-10, floor: 1e-3, "mixed (\(i),\(j))")
        } }
    }

    // Oracle: the §4.4 per-sample forms of FB and MBN₁…MBN₅ equal the §4.2 definitions written with dense
    // Σ, ∇Σ (MiniBatchNoiseMoments, itself checked by enumeration) and the dense Hessian.
    @Test func adamNoiseTermsMatchDefinitions() throws {
        let (b1, b2, b) = (0.9, 0.95, 2)
        let terms = try AdamNoiseTerms(objective: noisy, at: theta, batchSize: b, beta1: b1, beta2: b2)
        let k = try AdamNoiseCoefficients(beta1: b1, beta2: b2)
        let moments = try MiniBatchNoiseMoments(objective: noisy, at: theta, batchSize: b)
        let g = noisy.gradient(at: theta), hm = noisy.denseHessian(at: theta)
        let c = moments.sameBatchFactor
        let s = g.map { $0 > 0 ? 1.0 : -1.0 }
        func H(_ i: Int, _ j: Int) -> Double { hm.scalars[i * 3 + j] }
        func sigma(_ i: Int, _ j: Int) -> Double { moments.covariance.scalars[i * 3 + j] }
        for j in 0..<3 {
            let l1Gradient = (0..<3).reduce(0.0) { $0 + s[$1] * H($1, j) }
            expectClose(terms.fullBatch[j], k.fullBatch * l1Gradient, relative: 1e-12, "FB \(j)")
            let expected = [
                k.c1 * l1Gradient * c * sigma(j, j) / (g[j] * g[j]),
                k.c2 * (0..<3).reduce(0.0) { $0 + s[$1] * H($1, j) * c * sigma($1, $1) / (g[$1] * g[$1]) },
                k.c3 * s[j] / abs(g[j]) * (0..<3).reduce(0.0) { $0 + s[$1] * moments.sameBatchHessianGradient($1, j) },
                k.c4 * (0..<3).reduce(0.0) { $0 + c / 2 * moments.covarianceDiagonalGradient.scalars[j * 3 + $1] / abs(g[$1]) },
                k.c5 * s[j] / abs(g[j]) * (0..<3).reduce(0.0) { $0 + H($1, j) / abs(g[$1]) * c * sigma($1, j) },
            ]
            for t in 0..<5 { expectClose(terms.miniBatchNoise[t][j], expected[t], relative: 1e-10, floor: 1e-8, "MBN\(t + 1)[\(j)]") }
        }
        let noise = GradientNoiseStatistics(perSampleGradients: noisy.perSampleGradients(at: theta, batch: nil))
        expectClose(terms.noiseRatio, (6.0 / 2 - 1) / 5 * noise.simpleNoiseScale, relative: 1e-14, "λ")
    }

    // Oracle: the mini-batch HB noise penalty hβ/(2(1−β)(1+β)) E_B‖∇L_B − ∇L‖² against the expectation over
    // all C(6,3) batches (paper 001 App. G; 2.3684h at β = 0.9).
    @Test func heavyBallNoisePenaltyByEnumeration() throws {
        let g = noisy.gradient(at: theta)
        var subsets: [[Int]] = []
        for a in 0..<6 { for b in (a + 1)..<6 { for c in (b + 1)..<6 { subsets.append([a, b, c]) } } }
        let mean = subsets.reduce(0.0) { total, batch in
            total + zip(noisy.gradient(at: theta, batch: batch), g).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
        } / Double(subsets.count)
        let parts = try MemoryModifiedLoss.heavyBall(objective: noisy, at: theta, beta: 0.9, learningRate: 1e-2, batchSize: 3)
        expectClose(parts.noisePenalty, 1e-2 * 0.9 / (2 * 0.1 * 1.9) * mean, relative: 1e-12, "noise term")
        expectClose(0.9 / (2 * 0.1 * 1.9), 2.368421052631579, relative: 1e-14, "digest 2.3684")
        expectClose(parts.memoryPenalty, 1e-2 * 45 * g.reduce(0) { $0 + $1 * $1 }, relative: 1e-12, "memory term")
    }
}
