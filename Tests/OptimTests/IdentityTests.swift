import Foundation
import Testing
@testable import Optim
import Tensor

/// Identity tests: two settings that the papers say are the same algorithm must give the same trajectory.
/// "Bit-exact" ones perform the same floating-point operations; the others differ in operation order only,
/// so they agree to a few ulps per step (tolerance 1e-13 over 40 steps on Toy5D).

private func run<O: Optimizer>(_ o: O, steps: Int = 40) -> [[Double]] {
    o.trajectory(from: Toy5D.start, steps: steps, gradient: Toy5D.gradient)
}

private func adamHyperparameters(beta1: Double = 0.9, beta2: Double = 0.99, epsilon: Double = 1e-3,
                                 placement: EpsilonPlacement = .outsideSqrt, correction: BiasCorrection = .on,
                                 mode: WeightDecayMode = .none, lambda: Double = 0) throws -> Adam.Hyperparameters {
    try Adam.Hyperparameters(learningRate: 0.02, beta1: beta1, beta2: beta2, epsilon: epsilon, epsilonPlacement: placement,
                             biasCorrection: correction, weightDecayMode: mode, weightDecay: lambda)
}

@Test(arguments: EpsilonPlacement.allCases, BiasCorrection.allCases)
func rmspropIsAdamWithZeroBeta1(_ placement: EpsilonPlacement, _ correction: BiasCorrection) throws {
    // Oracle: Adam with β₁ = 0 (optax test_rms_match_adam; digest 001 §3.4). Bit-exact.
    let rms = RMSprop(try RMSprop.Hyperparameters(learningRate: 0.02, beta2: 0.99, epsilon: 1e-3, epsilonPlacement: placement,
                                                  biasCorrection: correction))
    let adam = Adam(try adamHyperparameters(beta1: 0, placement: placement, correction: correction))
    #expect(run(rms) == run(adam))
}

@Test func adamEHalfIsAdam() throws {
    // Oracle: AdamE-½ = Adam (paper 002 Table 1), ε outside; pow(v, ½) and √v are both correctly rounded.
    let h = try adamHyperparameters()
    let a = run(try AdamE(h, exponent: 0.5)), b = run(Adam(h))
    for k in a.indices { expectClose(a[k], b[k], tolerance: 1e-13, "step \(k + 1)") }
}

@Test func adamEZeroIsEMAMomentum() throws {
    // Oracle: AdamE-0 = SGD with EMA momentum and learning rate η/(1 + ε) (paper 002 Table 1).
    let h = try adamHyperparameters(epsilon: 0.25, correction: .off)
    let ema = HeavyBall(try HeavyBall.Hyperparameters(learningRate: 0.02 / 1.25, momentum: 0.9, dampening: 0.9))
    let a = run(try AdamE(h, exponent: 0)), b = run(ema)
    for k in a.indices { expectClose(a[k], b[k], tolerance: 1e-13, "step \(k + 1)") }
}

@Test func adamMiniWithSingletonBlocksIsAdam() throws {
    // Oracle: Adam (paper 002 Table 1 with |B(i)| = 1). Bit-exact.
    let h = try adamHyperparameters(mode: .decoupled, lambda: 0.1)
    let singletons = (0..<5).map { ParameterBlock(name: "p\($0)", range: $0..<($0 + 1), layer: $0) }
    #expect(run(AdamMini(h, blocks: singletons)) == run(Adam(h)))
    // Adalayer with one block per layer is the same grouping.
    #expect(run(Adalayer(h, blocks: singletons)) == run(Adam(h)))
}

@Test func adamMiniWithOneBlockIsAdaSGD() throws {
    // Oracle: AdaSGD, V(M)_i = tr(M)/d (paper 002 Table 1). Bit-exact.
    let h = try adamHyperparameters()
    #expect(run(AdamMini(h, blocks: ParameterBlock.whole(5))) == run(AdaSGD(h, dimension: 5)))
}

@Test func adalayerSharesOneVPerLayer() throws {
    // Oracle: Adam-mini with the layers as blocks (weight and bias of a layer share one v). Bit-exact.
    let h = try adamHyperparameters()
    let blocks = [ParameterBlock(name: "w0", range: 0..<2, layer: 0), ParameterBlock(name: "b0", range: 2..<3, layer: 0),
                  ParameterBlock(name: "w1", range: 3..<5, layer: 1)]
    let layers = [ParameterBlock(name: "l0", range: 0..<3, layer: 0), ParameterBlock(name: "l1", range: 3..<5, layer: 1)]
    #expect(run(Adalayer(h, blocks: blocks)) == run(AdamMini(h, blocks: layers)))
}

@Test func lionKWithHalfSquaredNormIsHeavyBall() throws {
    // Oracle: paper 001 T8 (digest 001 §3.6, §8.2): Lion-𝒦 with 𝒦 = ½‖x‖², ρ₁ = ρ₂ = ρ, λ = 0 is heavy ball
    // m ← ρm + g, θ ← θ − h(1 − ρ)m.
    let rho = 0.8, h = 0.05
    let lionK = LionK(try LionK.Hyperparameters(learningRate: h, beta1: rho, beta2: rho), kernel: .halfSquaredL2)
    let hb = HeavyBall(try HeavyBall.Hyperparameters(learningRate: h * (1 - rho), momentum: rho))
    let a = run(lionK), b = run(hb)
    for k in a.indices { expectClose(a[k], b[k], tolerance: 1e-13, "step \(k + 1)") }
}

@Test(arguments: EpsilonPlacement.allCases, BiasCorrection.allCases)
func adamStateFormIsUnrolledForm(_ placement: EpsilonPlacement, _ correction: BiasCorrection) throws {
    // Oracle: paper 000 §3.3, the unrolled weighted sums with μ_{t,k}, ν_{t,k}.
    let adam = Adam(try adamHyperparameters(placement: placement, correction: correction))
    var theta = Toy5D.start
    var state = adam.initialState(dimension: 5)
    var history: [[Double]] = []
    for t in 1...30 {
        let g = Toy5D.gradient(theta)
        history.append(g)
        let before = theta
        adam.step(parameters: &theta, gradient: g, state: &state)
        let expected = zip(before, adam.unrolledDirection(history: history)).map { $0 - 0.02 * $1 }
        expectClose(theta, expected, tolerance: 1e-13, "step \(t)")
    }
}

@Test func adamWWithZeroDecayIsAdam() throws {
    // Oracle: Adam (paper 001 §3.4: Adam is AdamW with λ = 0). Bit-exact.
    #expect(run(Adam(try adamHyperparameters(mode: .decoupled, lambda: 0))) == run(Adam(try adamHyperparameters())))
    #expect(run(Adam(try adamHyperparameters(mode: .coupled, lambda: 0))) == run(Adam(try adamHyperparameters())))
}

@Test func lionWithEqualBetasIsSignum() throws {
    // Oracle: Signum (paper 001 §3.7, §3.9: Lion with ρ₁ = ρ₂ is Signum). Bit-exact, with decoupled decay.
    let lion = Lion(try LionK.Hyperparameters(learningRate: 0.01, beta1: 0.95, beta2: 0.95, weightDecay: 0.3))
    let signum = Signum(try Signum.Hyperparameters(learningRate: 0.01, momentum: 0.95, weightDecay: 0.3))
    #expect(run(lion) == run(signum))
}

@Test func generalizedMomentumContainsNesterovAndPolyak() throws {
    // Oracle: paper 003 §4: β₁ = β₂ is PyTorch's Nesterov (linear change of variables b = −δ/η, parameters =
    // look-ahead point), β₂ = 0 is heavy ball.
    let nesterov = HeavyBall(try HeavyBall.Hyperparameters(learningRate: 0.02, momentum: 0.7, variant: .nesterov,
                                                           bufferStart: .firstGradient))
    let lookAhead = GeneralizedMomentum(try GeneralizedMomentum.Hyperparameters(learningRate: 0.02, beta1: 0.7, beta2: 0.7))
    let polyak = GeneralizedMomentum(try GeneralizedMomentum.Hyperparameters(learningRate: 0.02, beta1: 0.7, beta2: 0))
    let heavyBall = HeavyBall(try HeavyBall.Hyperparameters(learningRate: 0.02, momentum: 0.7))
    for (a, b) in [(run(lookAhead), run(nesterov)), (run(polyak), run(heavyBall))] {
        for k in a.indices { expectClose(a[k], b[k], tolerance: 1e-13, "step \(k + 1)") }
    }
}

@Test func sgdIsHeavyBallWithoutMomentum() throws {
    // Oracle: heavy ball with β = 0. Bit-exact.
    let sgd = SGD(try SGD.Hyperparameters(learningRate: 0.02, weightDecayMode: .coupled, weightDecay: 0.1))
    let hb = HeavyBall(try HeavyBall.Hyperparameters(learningRate: 0.02, momentum: 0, weightDecayMode: .coupled, weightDecay: 0.1))
    #expect(run(sgd) == run(hb))
}

@Test func signGDWithSoftSignIsAdamsFirstOrderApproximation() throws {
    // Oracle: paper 001 §3.9: with β₁ = β₂ = 0, Adam with ε inside and bias correction is soft-sign GD.
    let adam = Adam(try Adam.Hyperparameters(learningRate: 0.02, beta1: 0, beta2: 0, epsilon: 1e-3, epsilonPlacement: .insideSqrt))
    let soft = Signum(try Signum.Hyperparameters(learningRate: 0.02, momentum: 0, signFunction: .softSign, epsilon: 1e-3))
    let a = run(adam), b = run(soft)
    for k in a.indices { expectClose(a[k], b[k], tolerance: 1e-13, "step \(k + 1)") }
}
