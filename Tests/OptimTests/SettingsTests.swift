import Foundation
import Testing
@testable import Optim

// MARK: Settings: one typed path from every edge (oracle: the preset values written in the catalog, the
// doc comments' ranges and key names, and the exact one-line error texts)

/// Every preset's settings decode back to the same typed value: the encoding is lossless, so an
/// override of nothing is the preset itself.
@Test(arguments: OptimizerCatalog.presets.map(\.name))
func settingsRoundTripThroughTheOnePath(_ preset: String) throws {
    let entry = try #require(OptimizerCatalog.entry(named: preset))
    let decoded = try entry.hyperparameters.applying([:], optimizer: preset)
    #expect(decoded.settings == entry.settings)
    #expect(decoded.learningRate == entry.hyperparameters.learningRate)
    #expect(Set(entry.settings.map(\.key)).count == entry.settings.count, "\(preset): a key is listed twice")
}

/// A number typed at the edge and the same number as text give the same hyperparameters; the number is
/// kept exactly (0.1 + 0.2 has no short decimal form that a text round trip through `\(x)` would need).
@Test func numbersAndTextReachTheSameTypedValue() throws {
    let x = 0.1 + 0.2
    let typed = try OptimizerSpec(name: "adam:torch", overrides: ["lr": .number(x), "beta1": .number(0.5)])
    let text = try OptimizerSpec(parsing: "adam:torch,lr=\(x),beta1=0.5")
    #expect(typed == text)
    #expect(typed.learningRate == x)
    guard case .adam(let adam) = try typed.makeOptimizer(structure: ProblemStructure(dimension: 1)) else {
        Issue.record("adam:torch is not Adam")
        return
    }
    #expect(adam.hyperparameters.learningRate == x && adam.hyperparameters.beta1 == 0.5)
    #expect(typed.hyperparameters.firstMomentDecay == 0.5)
}

@Test func settingsListTheKeysOfEachFamilyInOrder() throws {
    #expect(try OptimizerSpec(parsing: "momentum").orderedSettings.map(\.key)
            == ["lr", "momentum", "dampening", "variant", "buffer_start", "weight_decay_mode", "weight_decay"])
    #expect(try OptimizerSpec(parsing: "nadam").orderedSettings.map(\.key).suffix(3) == ["weight_decay_mode", "weight_decay", "numerator"])
    #expect(try OptimizerSpec(parsing: "adafactor").orderedSettings.last == Setting(key: "eps1", value: .number(1e-30)))
    #expect(try OptimizerSpec(parsing: "lionk:l2").orderedSettings.suffix(2).map(\.key) == ["kernel", "eps"])
    #expect(try OptimizerSpec(parsing: "adam:paper000").settings["eps"] == "1e-6")
}

@Test func overridesOfEveryFamilyReachTheOptimizer() throws {
    let structure = ProblemStructure(dimension: 2)
    guard case .heavyBall(let hb) = try OptimizerSpec(name: "momentum", overrides: ["momentum": 0.5, "variant": "NESTEROV"])
        .makeOptimizer(structure: structure) else { Issue.record("momentum is not heavy ball"); return }
    #expect(hb.hyperparameters.momentum == 0.5 && hb.hyperparameters.variant == .nesterov)
    guard case .nadam(let nadam) = try OptimizerSpec(parsing: "nadam,numerator=optax,beta2=0.9").makeOptimizer(structure: structure)
    else { Issue.record("nadam is not NAdam"); return }
    #expect(nadam.numeratorForm == .optax && nadam.hyperparameters.beta2 == 0.9)
    guard case .adamE(let adamE) = try OptimizerSpec(parsing: "adame,exponent=0.5").makeOptimizer(structure: structure)
    else { Issue.record("adame is not AdamE"); return }
    #expect(adamE.exponent == 0.5)
    guard case .lionK(let lionK) = try OptimizerSpec(parsing: "lionk:paper001,eps=0.25").makeOptimizer(structure: structure)
    else { Issue.record("lionk is not LionK"); return }
    #expect(lionK.kernel == .smoothedL1(epsilon: 0.25) && lionK.hyperparameters.biasCorrection == .on)
    guard case .adafactor(let adafactor) = try OptimizerSpec(parsing: "adafactor,eps1=1e-20").makeOptimizer(structure: structure)
    else { Issue.record("adafactor is not Adafactor"); return }
    #expect(adafactor.epsilon1 == 1e-20)
}

@Test func settingErrorsAreOneLineAndNameTheKey() {
    func message(_ body: () throws -> Void) -> String {
        do { try body(); return "no error" } catch { return "\(error)" }
    }
    #expect(message { _ = try OptimizerSpec(parsing: "lion,bias_correction=on") }
            == "bias_correction must be off for lion (lionk:paper001 is the bias-corrected form), got on")
    #expect(message { _ = try OptimizerSpec(parsing: "lionk,kernel=custom") } == "kernel 'custom' needs a closure; build LionK in code")
    #expect(message { _ = try OptimizerSpec(parsing: "adame,exponent=1") } == "exponent must be in [0, 1), got 1.0")
    #expect(message { _ = try OptimizerSpec(parsing: "adafactor,eps1=-1") } == "eps1 must be in [0, ∞), got -1.0")
    #expect(message { _ = try OptimizerSpec(name: "sgd", overrides: ["lr": .number(-2)]) } == "lr must be in [0, ∞), got -2.0")
    #expect(message { _ = try OptimizerSpec(parsing: "momentum,variant=ahead") } == "variant must be one of heavyBall, nesterov, got 'ahead'")
    #expect(message { _ = try OptimizerSpec(parsing: "sgd").applying(["beta1": 0.9]) }
            == "unknown setting 'beta1' for sgd:plain; valid settings: lr, weight_decay_mode, weight_decay")
}

@Test func specApplyingLaterOverridesReplacesEarlierOnes() throws {
    let spec = try OptimizerSpec(parsing: "adamw:torch,lr=0.5,weight_decay=0.2").applying(["lr": 0.25])
    #expect(spec.learningRate == 0.25 && spec.settings["weight_decay"] == "0.2" && spec.preset == "adamw:torch")
    #expect(spec != (try OptimizerSpec(parsing: "adamw:torch,lr=0.5,weight_decay=0.2")))
}

@Test func settingValuesPrintInTheirShortestForm() {
    #expect(SettingValue.number(1e-8).description == "1e-8")
    #expect(SettingValue.number(1e+300).description == "1e+300")
    #expect(SettingValue.number(0.001).description == "0.001")
    #expect(SettingValue.text("insideSqrt").description == "insideSqrt")
    let literal: SettingValue = 0.5
    #expect(literal == .number(0.5))
}

@Test func aliasesNameAPreset() throws {
    #expect(OptimizerCatalog.aliases == ["heavy-ball": "momentum:paper"])
    #expect(OptimizerCatalog.validNames.contains("heavy-ball"))
    #expect(OptimizerCatalog.entry(named: "nesterov")?.name == "nesterov:torch")
    #expect(OptimizerCatalog.entry(named: "nesterov:paper003")?.familyName == "nesterov")
    #expect(OptimizerCatalog.entry(named: "adamw:torch")?.formula == (try OptimizerSpec(parsing: "adamw").hyperparameters.formula))
    #expect(try OptimizerSpec(parsing: "Heavy-Ball,momentum=0.5") == (try OptimizerSpec(parsing: "momentum:paper,momentum=0.5")))
}

@Test func settingsTypesNameTheirOptimizer() {
    #expect(Adam.Hyperparameters.optimizerName == "Adam" && HeavyBall.Hyperparameters.optimizerName == "heavy ball")
    #expect(NAdam.Settings.optimizerName == "NAdam" && LionK.Settings.optimizerName == "Lion-𝒦" && Lion.Settings.optimizerName == "Lion")
    let names = Set(OptimizerCatalog.presets.map { type(of: $0.hyperparameters).optimizerName })
    #expect(names.count == 14, "one name per optimizer type: \(names.sorted())")
}

@Test func extendedSettingsValidateBaseAndOptions() throws {
    #expect(throws: HyperparameterError.self) { try NAdam.Settings(try Adam.Hyperparameters(), NAdam.Options()).applying(["beta1": 1.0], optimizer: "nadam") }
    let settings = try AdamE.Settings(try Adam.Hyperparameters(learningRate: 0.5), AdamE.Options(exponent: 0.5))
    #expect(settings.learningRate == 0.5 && settings.firstMomentDecay == 0.9)
    #expect(throws: HyperparameterError.self) { try AdamE.Settings(try Adam.Hyperparameters(), AdamE.Options(exponent: -1)) }
    #expect(try Lion.Settings(try LionK.Hyperparameters(), Lion.Options()).firstMomentDecay == nil)
}

/// Oracle: `Schedule`'s doc comment, η_k = η·s(k).
@Test func scheduledLearningRateIsBaseTimesMultiplier() {
    let schedules = Schedules(learningRate: .stepDecay(milestones: [2], factor: 0.5))
    #expect(schedules.learningRate(atStep: 1, base: 0.2) == 0.2)
    #expect(schedules.learningRate(atStep: 2, base: 0.2) == 0.1)
}

// MARK: Formulas (oracle: each optimizer's doc comment step listing; the printed text follows the settings)

@Test func formulasFollowTheConventions() throws {
    func formula(_ text: String) throws -> String { try OptimizerSpec(parsing: text).hyperparameters.formula }
    #expect(try formula("adam:torch")
            == "g ← g + λθ; m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²; θ ← θ − η (m/(1−β₁ᵗ)) / (√(v/(1−β₂ᵗ)) + ε)")
    #expect(try formula("adam:torch,eps_placement=insideSqrt,bias_correction=off,weight_decay_mode=none")
            == "m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²; θ ← θ − η m / √(v + ε)")
    #expect(try formula("adam:paper004")
            == "m ← β₁m + (1−β₁)g; θ ← θ − η (m/(1−β₁ᵗ)) / (√(v/(1−β₂^{t−1})) + ε); v ← β₂v + (1−β₂)g²")
    #expect(try formula("rmsprop:paper004") == "θ ← θ − η g / (√v + ε); v ← β₂v + (1−β₂)g²")
    #expect(try formula("adame") == "m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²; θ ← θ − η m / (v^λ + ε)")
    #expect(try formula("momentum:paper") == "b ← βb + g; θ ← θ − η b")
    #expect(try formula("momentum:ema") == "b ← βb + (1−β)g; θ ← θ − η b")
    #expect(try formula("momentum,dampening=0.5") == "b ← βb + (1−τ)g; θ ← θ − η b")
    #expect(try formula("nesterov:torch") == "g ← g + λθ; b ← βb + g (b₁ = g); θ ← θ − η (g + βb)")
    #expect(try formula("generalized-momentum:polyak") == "δ ← β₁δ − η g; θ ← θ + δ")
    #expect(try formula("lion,step_order=updateThenDecay")
            == "c ← β₁m + (1−β₁)g; θ ← θ − η sign(c); m ← β₂m + (1−β₂)g; θ ← (1 − ηλ)θ")
    #expect(try formula("lionk:paper001")
            == "θ ← (1 − ηλ)θ; m ← β₂m + (1−β₂)g; c ← (β₁/β₂)m/(1−β₂ᵗ) + (1−β₁/β₂)g; θ ← θ − η c/√(c² + ε)")
    #expect(try formula("softsign") == "θ ← (1 − ηλ)θ; θ ← θ − η g/√(g² + ε)")
    #expect(try formula("signum,weight_decay_mode=coupled") == "g ← g + λθ; m ← βm + (1−β)g; θ ← θ − η sign(m)")
    #expect(try formula("sgd:plain") == "θ ← θ − η g")
}
