import Foundation
import Optim
import Testing
@testable import Theory

private let toy = AnalyticObjective.toy
private let start = AnalyticObjective.toyStart

/// Every optimizer of paper 001 §3 with the digest's §4.3 hyperparameters (ε = 1e−2, λ = 0.5).
private let optimizers: [(String, MemoryOptimizer)] = [
    ("heavy ball", .heavyBall(beta: 0.9)),
    ("nesterov", .nesterov(beta: 0.9)),
    ("adamw", .adam(beta1: 0.9, beta2: 0.95, epsilon: 1e-2, weightDecay: 0.5)),
    ("nadamw", .nadam(beta1: 0.9, beta2: 0.95, epsilon: 1e-2, weightDecay: 0.5)),
    ("rmsprop", .rmsprop(beta2: 0.95, epsilon: 1e-2, weightDecay: 0.5)),
    ("lion-eps", .lion(rho1: 0.9, rho2: 0.99, kernel: .smoothedL1(epsilon: 1e-2), weightDecay: 0.5, biasCorrection: .off)),
    ("lion-eps bc", .lion(rho1: 0.9, rho2: 0.99, kernel: .smoothedL1(epsilon: 1e-2), weightDecay: 0.5, biasCorrection: .on)),
    ("lion-l2", .lion(rho1: 0.8, rho2: 0.9, kernel: .halfSquaredL2, weightDecay: 0.5, biasCorrection: .off)),
    ("lion-l2 bc", .lion(rho1: 0.8, rho2: 0.9, kernel: .halfSquaredL2, weightDecay: 0.5, biasCorrection: .on)),
    ("signum", .signum(beta: 0.9, epsilon: 1e-2, weightDecay: 0.5)),
]

private func maxRelative(_ a: [Double], _ b: [Double]) -> Double {
    let scale = max(b.map(abs).max() ?? 0, 1e-300)
    return zip(a, b).map { abs($0 - $1) }.max()! / scale
}

@Suite("Memoryless approximations (paper 001)")
struct MemoryCorrectionTests {
    // Oracle T1 (digest 001 §8.2): Lemma K.1 closed form κ_n against the double sum
    // M = h Σ_{k=1}^n β^k H Σ_{s=n−k}^{n−1} (1−β^{s+1})/(1−β) g = 2hκ_n Hg.
    @Test func heavyBallClosedFormEqualsDoubleSum() {
        for beta in [0.5, 0.9, 0.99] {
            for n in [1, 2, 5, 30] {
                var sum = 0.0
                for k in 1...n { for s in (n - k)..<n { sum += pow(beta, Double(k)) * (1 - pow(beta, Double(s + 1))) / (1 - beta) } }
                // The closed form divides a cancelling numerator by (1−β)³: round-off ≈ 1e−16/(1−β)³ relative.
                expectClose(MemoryClosedForm.heavyBallCoefficient(beta: beta, step: n), sum / 2,
                            relative: max(1e-12, 1e-15 / pow(1 - beta, 3)), "β=\(beta) n=\(n)")
            }
        }
    }

    // Oracle T2 and digest 001 §2.6: C₃ → β/((1−β)²(1+β)) = 47.368421…, C₄ → 2β²/((1−β)³(1+β)) = 852.631578… at β = 0.9.
    @Test func miniBatchCoefficientsConverge() {
        let (c3, c4) = MiniBatchMomentumCorrection.coefficients(beta: 0.9, step: 600)
        expectClose(c3, 47.368421052631579, relative: 1e-10, "C3")
        expectClose(c4, 852.63157894736842, relative: 1e-10, "C4")
        let limit = MiniBatchMomentumCorrection.coefficients(beta: 0.9, step: nil)
        expectClose(limit.sameBatch, 47.368421052631579, relative: 1e-14, "C3 limit")
        expectClose(limit.crossBatch, 852.63157894736842, relative: 1e-14, "C4 limit")
    }

    // Oracle T3: the generic engine (dual numbers through the update rule + exact HVPs) equals every closed
    // form at finite n, to round-off.
    @Test(arguments: [1, 5, 40, 200])
    func genericEqualsClosedForm(step n: Int) {
        let theta = [0.3, -0.8, 0.6]
        for (name, optimizer) in optimizers {
            let generic = MemoryCorrection.generic(rule: optimizer, objective: toy, at: theta, step: n, learningRate: 1e-2)
            let closed = MemoryClosedForm.correction(for: optimizer, objective: toy, at: theta, learningRate: 1e-2, step: n)
            let error = maxRelative(generic, closed)
            #expect(error < 1e-10, "\(name) n=\(n): generic \(generic) closed \(closed) error \(error)")
            let drift = MemoryCorrection.constantHistoryDrift(rule: optimizer, step: n, gradients: Array(repeating: toy.gradient(at: theta), count: n + 1), parameters: theta)
            #expect(maxRelative(drift, MemoryClosedForm.drift(for: optimizer, gradient: toy.gradient(at: theta), parameters: theta, step: n)) < 1e-12, "\(name) drift n=\(n)")
        }
    }

    // Oracle: the limit closed forms are the n → ∞ limits of the generic engine (geometric convergence: at
    // n = 400 and β_max ≤ 0.95 the remainder is ≲ nβ^n ≈ 5e−7).
    @Test func genericApproachesLimitForms() {
        for (name, optimizer) in optimizers where optimizer.largestBeta <= 0.95 {
            let generic = MemoryCorrection.generic(rule: optimizer, objective: toy, at: start, step: 400, learningRate: 1e-2)
            let limit = MemoryClosedForm.correction(for: optimizer, objective: toy, at: start, learningRate: 1e-2, step: nil)
            #expect(maxRelative(generic, limit) < 1e-6, "\(name): generic \(generic) limit \(limit)")
        }
    }

    // Oracle T12 (and the rule's definition): every update rule, iterated on its explicit history, reproduces the
    // Optim optimizer's recursion (Lion: m₁ + m₂ = −c) to machine precision.
    @Test func historyFormEqualsOptimizerRecursion() throws {
        for (name, optimizer) in optimizers {
            let h = 1e-2
            let recursion = try optimizer.memoryfulTrajectory(learningRate: h, from: start, steps: 25) { toy.gradient(at: $0) }
            var path = [start]
            var gradients: [[Double]] = []
            for n in 0..<25 {
                gradients.append(toy.gradient(at: path[n]))
                let next = path[n].indices.map { r in
                    path[n][r] - h * optimizer.direction(step: n, gradients: (0...n).map { gradients[n - $0][r] },
                                                         parameters: (0...n).map { path[n - $0][r] })
                }
                path.append(next)
            }
            for (a, b) in zip(recursion, path) { #expect(maxRelative(a, b) < 1e-13, "\(name): \(a) vs \(b)") }
        }
    }

    // Oracle T7 (digest 001 §3.7, §6): Adam(β₁ = β₂ = β) and Lion(ρ₁ = ρ₂ = β) have identical corrections; the
    // ε-coefficient is εβ/(1−β) = 9ε at β = 0.9; with β₁ = β₂ the AdamW correction vanishes as ε → 0.
    @Test func adamWithEqualBetasMatchesLion() throws {
        let adam = MemoryOptimizer.adam(beta1: 0.9, beta2: 0.9, epsilon: 1e-2, weightDecay: 0.3)
        let lion = MemoryOptimizer.lion(rho1: 0.9, rho2: 0.9, kernel: .smoothedL1(epsilon: 1e-2), weightDecay: 0.3, biasCorrection: .off)
        let a = MemoryClosedForm.correction(for: adam, objective: toy, at: start, learningRate: 1e-3, step: nil)
        let l = MemoryClosedForm.correction(for: lion, objective: toy, at: start, learningRate: 1e-3, step: nil)
        #expect(maxRelative(a, l) < 1e-13, "adam \(a) lion \(l)")
        let terms = try #require(MemoryClosedForm.terms(for: adam, learningRate: 1, step: nil))
        expectClose(terms[2].coefficient, 9 * 1e-2, relative: 1e-13, "ε coefficient")
        let vanishing = MemoryClosedForm.correction(for: .adam(beta1: 0.9, beta2: 0.9, epsilon: 1e-14, weightDecay: 0.3),
                                                    objective: toy, at: start, learningRate: 1e-3, step: nil)
        #expect(vanishing.map(abs).max()! < 1e-12, "\(vanishing)")
    }

    // Oracle T8: Lion(𝒦 = ½‖x‖², ρ₁ = ρ₂ = ρ, λ = 0) is heavy ball with step h(1−ρ): trajectories to machine
    // precision, and h·M_Lion = h(1−ρ)·M_HB(h(1−ρ)) in the limit.
    @Test func lionWithQuadraticKernelIsHeavyBall() throws {
        let rho = 0.8, h = 1e-2
        let lion = MemoryOptimizer.lion(rho1: rho, rho2: rho, kernel: .halfSquaredL2, weightDecay: 0, biasCorrection: .off)
        let a = try lion.memoryfulTrajectory(learningRate: h, from: start, steps: 50) { toy.gradient(at: $0) }
        let b = try MemoryOptimizer.heavyBall(beta: rho).memoryfulTrajectory(learningRate: h * (1 - rho), from: start, steps: 50) { toy.gradient(at: $0) }
        for (x, y) in zip(a, b) { #expect(maxRelative(x, y) < 1e-13, "\(x) vs \(y)") }
        let ml = MemoryClosedForm.correction(for: lion, objective: toy, at: start, learningRate: h, step: nil)
        let mh = MemoryClosedForm.correction(for: .heavyBall(beta: rho), objective: toy, at: start, learningRate: h * (1 - rho), step: nil)
        #expect(maxRelative(ml.map { h * $0 }, mh.map { h * (1 - rho) * $0 }) < 1e-13)
    }

    // Oracle T9 (paper 001 §4): g/|g| + M_limit(ε = 0) = ∇L̃/|g|, with ∇L̃ of the AdamW modified loss by central
    // differences (step 1e−5, error O(1e−10)).
    @Test func adamModifiedLossIdentity() {
        let (b1, b2, wd, h) = (0.9, 0.95, 0.4, 1e-2)
        let theta = [0.2, -0.9, 0.7]
        let g = toy.gradient(at: theta)
        let m = MemoryClosedForm.correction(for: .adam(beta1: b1, beta2: b2, epsilon: 0, weightDecay: wd), objective: toy,
                                            at: theta, learningRate: h, step: nil)
        for r in 0..<3 {
            var plus = theta, minus = theta
            plus[r] += 1e-5; minus[r] -= 1e-5
            let gradient = (MemoryModifiedLoss.adamModifiedLoss(beta1: b1, beta2: b2, weightDecay: wd, learningRate: h, objective: toy, at: plus)
                - MemoryModifiedLoss.adamModifiedLoss(beta1: b1, beta2: b2, weightDecay: wd, learningRate: h, objective: toy, at: minus)) / 2e-5
            expectClose(g[r] / abs(g[r]) + m[r], gradient / abs(g[r]), relative: 1e-8, "coordinate \(r)")
        }
        // Digest 001 §6 constants: (*) = 990 at (0.9, 0.999), 900 at (0.99, 0.999).
        expectClose(MemoryModifiedLoss.adamMemoryGap(beta1: 0.9, beta2: 0.999), 990, relative: 1e-12)
        expectClose(MemoryModifiedLoss.adamMemoryGap(beta1: 0.99, beta2: 0.999), 900, relative: 1e-12)
    }

    // Digest 001 §6 table: HB 45h (penalty), 900h Hg (M), 475h (ODE); Nesterov 40.5h; NAdam 990.9; Lion 90.
    @Test func digestCoefficients() throws {
        let g = [1.0, 2.0, 2.0]   // ‖g‖² = 9
        expectClose(MemoryModifiedLoss.heavyBallPenalty(beta: 0.9, learningRate: 1, gradient: g), 45 * 9, relative: 1e-12)
        expectClose(MemoryModifiedLoss.nesterovPenalty(beta: 0.9, learningRate: 1, gradient: g), 40.5 * 9, relative: 1e-12)
        expectClose(2 * MemoryClosedForm.heavyBallCoefficient(beta: 0.9, step: nil), 900, relative: 1e-12)
        let nadam = try #require(MemoryClosedForm.terms(for: .nadam(beta1: 0.9, beta2: 0.999, epsilon: 0, weightDecay: 0), learningRate: 1, step: nil))
        expectClose(-nadam[0].coefficient, 990.9, relative: 1e-12)
        let lion = try #require(MemoryClosedForm.terms(for: .lion(rho1: 0.9, rho2: 0.99, kernel: .smoothedL1(epsilon: 1), weightDecay: 0, biasCorrection: .off), learningRate: 1, step: nil))
        expectClose(lion[0].coefficient, 90, relative: 1e-12)
        // ODE: θ̇ = −g/(1−β) − 475h·∇‖∇L‖² for heavy ball at β = 0.9.
        let h = 1e-3
        let field = MemoryModifiedEquation.vectorField(optimizer: .heavyBall(beta: 0.9), objective: toy, at: start, learningRate: h)
        let gt = toy.gradient(at: start), hg = toy.hessianVectorProduct(at: start, along: gt)
        let expected = (0..<3).map { -gt[$0] / 0.1 - 475 * h * 2 * hg[$0] }
        #expect(maxRelative(field, expected) < 1e-12, "\(field) vs \(expected)")
    }

    // Oracle T10: the App. F ODE (RK4) tracks the second-order memoryless iteration (limit forms) to O(h²),
    // much closer than the plain flow θ̇ = −F does.
    @Test func modifiedEquationTracksMemorylessIteration() {
        let optimizer = MemoryOptimizer.heavyBall(beta: 0.5), h = 4e-3, steps = 100
        var theta = start, iterates = [start]
        for _ in 0..<steps {
            let f = MemoryClosedForm.drift(for: optimizer, gradient: toy.gradient(at: theta), parameters: theta, step: nil)
            let m = MemoryClosedForm.correction(for: optimizer, objective: toy, at: theta, learningRate: h, step: nil)
            for i in theta.indices { theta[i] -= h * (f[i] + m[i]) }
            iterates.append(theta)
        }
        let ode = MemoryModifiedEquation.solve(optimizer: optimizer, objective: toy, from: start, learningRate: h, steps: steps)
        let flow = MemoryModifiedEquation.solve(optimizer: optimizer, objective: toy, from: start, learningRate: h, steps: steps,
                                                includeCorrection: false)
        let odeError = MemoryTrajectories.distances(iterates, ode).max()!
        let flowError = MemoryTrajectories.distances(iterates, flow).max()!
        #expect(odeError < flowError / 20, "ODE \(odeError) vs flow \(flowError)")
    }

    // Oracle T4 (digest 001 §4.3 reference table, float64, 4 significant digits) and §4.4's protocol.
    @Test func heavyBallGlobalOrder() throws {
        let order = try MemoryConvergenceOrder(optimizer: .heavyBall(beta: 0.9), objective: toy, from: start,
                                               learningRate: 1e-3, steps: 500, refinements: 3)
        for (observed, expected) in zip(order.secondOrderErrors, [3.7909e-2, 1.3718e-2, 4.2791e-3, 1.2064e-3]) {
            expectClose(observed, expected, relative: 2e-4, "HB with M")
        }
        for (observed, expected) in zip(order.firstOrderErrors, [8.5003e-2, 4.5026e-2, 2.2886e-2, 1.1488e-2]) {
            expectClose(observed, expected, relative: 2e-4, "HB without M")
        }
        #expect(order.secondOrderSlopes.last! >= 1.8 && order.firstOrderSlopes.last! > 0.85 && order.firstOrderSlopes.last! < 1.15)
        let last = try MemoryTrajectories(optimizer: .heavyBall(beta: 0.9), objective: toy, learningRate: 1e-3, from: start, steps: 500)
        for (observed, expected) in zip(last.memoryful.last!, [-0.1505009263, 0.2201727059, -0.2322948527]) {
            expectClose(observed, expected, relative: 1e-8, "final HB iterate")
        }
    }

    // Oracle T4 for AdamW (0.9, 0.95), ε = 1e−2, λ = 0.5, T = 0.2 and bias-corrected Lion-ε (0.9, 0.99), T = 0.3.
    @Test func adaptiveGlobalOrder() throws {
        let adam = try MemoryConvergenceOrder(optimizer: .adam(beta1: 0.9, beta2: 0.95, epsilon: 1e-2, weightDecay: 0.5),
                                              objective: toy, from: start, learningRate: 1e-3, steps: 200, refinements: 3)
        for (observed, expected) in zip(adam.secondOrderErrors, [5.9354e-4, 1.7860e-4, 4.8196e-5, 1.2475e-5]) {
            expectClose(observed, expected, relative: 2e-4, "AdamW with M")
        }
        for (observed, expected) in zip(adam.firstOrderErrors, [5.0137e-3, 2.7792e-3, 1.4453e-3, 7.3502e-4]) {
            expectClose(observed, expected, relative: 2e-4, "AdamW without M")
        }
        let lion = try MemoryConvergenceOrder(optimizer: .lion(rho1: 0.9, rho2: 0.99, kernel: .smoothedL1(epsilon: 1e-2), weightDecay: 0.5, biasCorrection: .on),
                                              objective: toy, from: start, learningRate: 1e-3, steps: 300, refinements: 3)
        for (observed, expected) in zip(lion.secondOrderErrors, [7.7845e-4, 5.4058e-4, 1.8988e-4, 5.0249e-5]) {
            expectClose(observed, expected, relative: 2e-4, "Lion with M")
        }
        for (observed, expected) in zip(lion.firstOrderErrors, [7.7454e-3, 5.1556e-3, 2.7431e-3, 1.3639e-3]) {
            expectClose(observed, expected, relative: 2e-4, "Lion without M")
        }
    }

    // Oracle T5 (digest 001 §4.3, §4.4): the Theorem 3.2 residual max_n ‖θ̃^{(n+1)} − θ̃^{(n)} + hF^{(n)}(θ̃^{(n)}, …, θ̃^{(0)})‖_∞
    // for HB β = 0.9, T = 0.5, h = 5e−4 … 3.125e−5. Digest log₂ ratios 2.22, 2.45, 2.63, 2.77 (→ 3, final ≥ 2.6),
    // matched to ±0.02. (The digest's residuals 5.441e−4 … 5.038e−7 are 1/0.796 times ours at every h: a
    // constant factor in its residual's normalization, so only the ratios are compared.)
    @Test func heavyBallTheoremResidualOrder() throws {
        let order = try MemoryConvergenceOrder(optimizer: .heavyBall(beta: 0.9), objective: toy, from: start,
                                               learningRate: 5e-4, steps: 1000, refinements: 4)
        for (observed, expected) in zip(order.residualSlopes, [2.22, 2.45, 2.63, 2.77]) {
            #expect(abs(observed - expected) < 0.02, "residual slopes \(order.residualSlopes), residuals \(order.residuals)")
        }
        #expect(order.residualSlopes.last! >= 2.6, "residual slopes \(order.residualSlopes)")
        #expect(order.residuals.first! < 1e-3, "the residual is O(h³)-small: \(order.residuals)")
    }

    // Oracle T6 (digest 001 §4.2 caveat 1, §4.4 protocol): HB with the n → ∞ drift (1/(1−β)) and correction
    // loses the transient Σ_n hβ^{n+1}|g|/(1−β) = O(h): global slopes on the §4.3 grid stay ≈ 1 (within
    // [0.7, 1.15], the last in [0.85, 1.15]), while the finite-n drift with only the limit correction keeps
    // order 2 (slopes rising past 1.5).
    @Test func limitCoefficientsDegradeTheOrder() throws {
        let limit = try MemoryConvergenceOrder(optimizer: .heavyBall(beta: 0.9), objective: toy, from: start,
                                               learningRate: 1e-3, steps: 500, refinements: 3, coefficients: .limit)
        let slopes = limit.secondOrderSlopes
        #expect(slopes.allSatisfy { $0 > 0.7 && $0 < 1.15 } && slopes.last! > 0.85, "limit-drift slopes \(slopes)")
        let limitCorrection = try MemoryConvergenceOrder(optimizer: .heavyBall(beta: 0.9), objective: toy, from: start,
                                                         learningRate: 1e-3, steps: 500, refinements: 3, coefficients: .limitCorrection)
        let rising = limitCorrection.secondOrderSlopes
        #expect(rising == rising.sorted() && rising.last! > 1.5, "limit-M slopes \(rising)")
    }
}
