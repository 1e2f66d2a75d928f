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

    /// The typed modifiers (`with(learningRate:)`, Adam's `with(beta1:beta2:epsilon:)`) equal the string
    /// overrides they stand for, keep every other setting and convention, and refuse what the overrides refuse.
    @Test func typedModifiersAreTheOverrides() throws {
        #expect(try SGD.plain.with(learningRate: 0.05) == SGD.plain.with(["lr": 0.05]))
        #expect(try Adam.adamwTorch.with(learningRate: 3e-4) == Adam.adamwTorch.with(["lr": 3e-4]))
        let adam = try Adam.paper000.with(beta1: 0.8, beta2: 0.95)
        #expect(try adam == Adam.paper000.with(["beta1": 0.8, "beta2": 0.95]))
        #expect(adam.epsilonPlacement == .insideSqrt && adam.epsilon == Adam.paper000.epsilon)
        #expect(try Adam.paper002.with(epsilon: 1e-30) == Adam.paper002.with(["eps": 1e-30]))
        #expect(Adam.paper002.biasCorrection == .off && Adam.paper002.epsilonPlacement == .outsideSqrt)
        #expect(try Adam.torch.with() == Adam.torch)
        #expect(throws: (any Error).self) { try Adam.torch.with(beta2: 1.5) }
        #expect(throws: (any Error).self) { try SGD.plain.with(learningRate: -1) }
        let polyak = OptimizerCatalog.settings("generalized-momentum:polyak", as: GeneralizedMomentum.Hyperparameters.self)
        #expect(try polyak.with(beta1: 0.5) == polyak.with(["beta1": 0.5]) && polyak.with(beta1: 0.5).beta2 == 0)
        #expect(try polyak.with(beta1: 0.5, beta2: 0.5) == polyak.with(["beta1": 0.5, "beta2": 0.5]))
        #expect(throws: (any Error).self) { try polyak.with(beta2: 1) }
        let adamE = try AdamE.Settings(try Adam.paper002.with(learningRate: 3e-3), AdamE.Options(exponent: 0.75))
        #expect(try adamE == OptimizerCatalog.settings("adame:paper002", as: AdamE.Settings.self).with(["lr": 3e-3, "exponent": 0.75]))
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
