import Optim
import Tensor
import Testing

/// Typed presets (`Adam.torch`, `Lion.official`, …) are the catalog's presets, and an optimizer built from
/// one steps exactly as the same preset named by string.
struct TypedPresetTests {
    @Test func typedPresetsAreTheCatalogs() throws {
        let torch = try Adam.Hyperparameters(weightDecayMode: .coupled)
        #expect(Adam.torch == torch)
        #expect(Adam.paper000.epsilonPlacement == .insideSqrt && Adam.optax.weightDecayMode == .none)
        #expect(Adam.adamwTorch.weightDecayMode == .decoupled && Adam.adamwTorch.weightDecay == 0.01)
        let (sgd, heavyBall) = (try SGD.Hyperparameters(), try HeavyBall.Hyperparameters())
        #expect(SGD.plain == sgd && HeavyBall.paper == heavyBall)
        #expect(RMSprop.torch.weightDecayMode == .coupled && HeavyBall.torch.bufferStart == .firstGradient)
        #expect(SGD.torch.weightDecayMode == .coupled && Lion.official.formula == OptimizerCatalog.entry(named: "lion:official")!.formula)
    }

    @Test func typedAndNamedPresetsStepAlike() throws {
        var rng = RandomGenerator(seed: 4)
        var a = rng.gaussians(50)
        var b = a
        var typed = try Adam.torch.with(["lr": 0.01, "beta2": "0.99"]).instance(dimension: 50)
        var named = try OptimizerSpec(parsing: "adam:torch,lr=0.01,beta2=0.99").makeInstance(structure: ProblemStructure(dimension: 50))
        for _ in 0..<5 {
            let g = rng.gaussians(50)
            typed.step(parameters: &a, gradient: g)
            named.step(parameters: &b, gradient: g)
        }
        #expect(a == b)
        #expect(throws: (any Error).self) { try Adam.torch.with(["beta2": 1.5]) }
    }

    /// `summary` lists the family and every setting as `key=value` in declaration order, the same settings
    /// `biaslab optimizers` shows; it follows a changed value and nothing else.
    @Test func summaryListsEverySetting() throws {
        let sgd = SGD.plain.summary
        #expect(sgd == "SGD lr=0.01 weight_decay_mode=none weight_decay=0.0")
        let adam = try Adam.torch.with(["lr": 0.5])
        #expect(adam.summary.hasPrefix("Adam lr=0.5 beta1=0.9 beta2=0.999 eps=1e-8 "))
        #expect(adam.summary.split(separator: " ").count == 1 + adam.settings.count)
        #expect(try Adam.torch.with(["lr": 0.5]).summary == adam.summary && Adam.torch.summary != adam.summary)
    }
}
