/// Every named optimizer preset as a typed value: a summary and the family's settings type with the
/// preset's values (only what differs from the type's defaults is written here). `OptimizerSpec` resolves
/// names against it; `biaslab optimizers` lists it, each formula printed from the preset's conventions. A
/// bare family name (`adam`) is its first preset (`adam:torch`).
public enum OptimizerCatalog {
    /// One named preset.
    public struct Entry: Sendable {
        /// `family:preset`, e.g. `adam:torch`.
        public let name: String
        /// What it reproduces.
        public let summary: String
        /// The preset's hyperparameters.
        public let hyperparameters: any OptimizerSettings

        /// Presets are constants inside their documented ranges (every one is built by the tests), so
        /// building one cannot fail.
        init(_ name: String, _ summary: String, _ make: () throws -> any OptimizerSettings) {
            self.name = name
            self.summary = summary
            self.hyperparameters = try! make()
        }

        /// The family part of the name (`adam` for `adam:torch`).
        public var familyName: String { String(name.split(separator: ":")[0]) }
        /// The update, one line, with the preset's conventions.
        public var formula: String { hyperparameters.formula }
        /// The preset's settings, in display order (keys as accepted by `OptimizerSpec` overrides).
        public var settings: [Setting] { hyperparameters.settings }
    }

    /// Every preset, in listing order.
    public static let presets: [Entry] = [
        Entry("sgd:plain", "gradient descent / SGD") { try SGD.Hyperparameters() },
        Entry("sgd:torch", "PyTorch SGD(momentum=0), coupled weight decay") {
            try SGD.Hyperparameters(weightDecayMode: .coupled)
        },
        Entry("momentum:paper", "heavy ball of papers 000/001 (no dampening, m₀ = 0)") { try HeavyBall.Hyperparameters() },
        Entry("momentum:torch", "PyTorch SGD(momentum=β, dampening=τ)") {
            try HeavyBall.Hyperparameters(bufferStart: .firstGradient, weightDecayMode: .coupled)
        },
        Entry("momentum:ema", "EMA momentum (dampening τ = β)") { try HeavyBall.Hyperparameters(dampening: 0.9) },
        Entry("nesterov:torch", "PyTorch SGD(nesterov=True); paper 001 Ex. 1.2") {
            try HeavyBall.Hyperparameters(variant: .nesterov, bufferStart: .firstGradient, weightDecayMode: .coupled)
        },
        Entry("nesterov:paper003", "paper 003 eqs. 13–14 with β₁ = β₂ (parameters = look-ahead point)") {
            try GeneralizedMomentum.Hyperparameters()
        },
        Entry("generalized-momentum:polyak", "paper 003 eqs. 13–14 with β₂ = 0 (Polyak)") {
            try GeneralizedMomentum.Hyperparameters(beta2: 0)
        },
        Entry("adam:torch", "PyTorch Adam (ε outside, bias-corrected, coupled L2)") {
            try Adam.Hyperparameters(weightDecayMode: .coupled)
        },
        Entry("adam:paper000", "Cattaneo & Shigida Def. 3.1 (ε inside, bias-corrected)") { try paperAdam() },
        Entry("adam:optax", "optax.adam (eps outside, eps_root = 0)") { try Adam.Hyperparameters() },
        Entry("adam:mlx", "MLX Adam (no bias correction)") { try Adam.Hyperparameters(biasCorrection: .off) },
        Entry("adam:paper002", "Li, Wen, Lyu §3 (no bias correction, ε outside)") { try Adam.Hyperparameters(biasCorrection: .off) },
        Entry("adam:paper004", "Malladi et al. App. D (lagged v, ε outside)") {
            try Adam.Hyperparameters(secondMomentTiming: .lagged)
        },
        Entry("adamw:torch", "PyTorch AdamW (decoupled, λ multiplied by η)") {
            try Adam.Hyperparameters(weightDecayMode: .decoupled, weightDecay: 0.01)
        },
        Entry("adamw:optax", "optax.adamw (decoupled, λ multiplied by η)") {
            try Adam.Hyperparameters(weightDecayMode: .decoupled, weightDecay: 1e-4)
        },
        Entry("adamw:paper001", "Cattaneo & Shigida Ex. 1.3 (ε inside, decoupled)") { try paperAdam(weightDecayMode: .decoupled) },
        Entry("nadam:paper001", "NAdam, paper 001 Ex. 1.4 (ε inside)") {
            try NAdam.Settings(try paperAdam(), NAdam.Options(numerator: .paper001))
        },
        Entry("nadamw:paper001", "NAdamW, paper 001 Ex. 1.4 (ε inside, decoupled)") {
            try NAdam.Settings(try paperAdam(weightDecayMode: .decoupled, weightDecay: 0.01), NAdam.Options(numerator: .paper001))
        },
        Entry("nadam:optax", "optax.nadam") { try NAdam.Settings(try Adam.Hyperparameters(), NAdam.Options(numerator: .optax)) },
        Entry("rmsprop:torch", "PyTorch RMSprop (α = β₂, no bias correction, ε outside)") {
            try RMSprop.Hyperparameters(weightDecayMode: .coupled)
        },
        Entry("rmsprop:optax", "optax.rmsprop (ε inside, no bias correction)") {
            try RMSprop.Hyperparameters(beta2: 0.9, epsilonPlacement: .insideSqrt)
        },
        Entry("rmsprop:adam", "Adam with β₁ = 0 (optax scale_by_rms, bias-corrected, ε outside)") {
            try RMSprop.Hyperparameters(learningRate: 1e-3, beta2: 0.999, biasCorrection: .on)
        },
        Entry("rmsprop:paper004", "Malladi et al. Def. 2.1 (lagged v, ε outside)") {
            try RMSprop.Hyperparameters(learningRate: 1e-3, beta2: 0.999, secondMomentTiming: .lagged)
        },
        Entry("adame:paper002", "AdamE-λ, Li, Wen, Lyu App. G (no bias correction)") {
            try AdamE.Settings(try Adam.Hyperparameters(biasCorrection: .off), AdamE.Options())
        },
        Entry("adam-mini:official", "Adam-mini (one v per block, block mean of g²; decoupled decay)") {
            try AdamMini.Settings(try Adam.Hyperparameters(weightDecayMode: .decoupled), AdamMini.Options())
        },
        Entry("adalayer:paper002", "Adalayer (one v per layer, layer mean of g²)") {
            try Adalayer.Settings(try Adam.Hyperparameters(), Adalayer.Options())
        },
        Entry("adasgd:paper002", "AdaSGD (one v for all of θ, mean of g²)") {
            try AdaSGD.Settings(try Adam.Hyperparameters(), AdaSGD.Options())
        },
        Entry("adafactor:paper002", "Adafactor, Shazeer & Stern Alg. 2 without clipping, with β₁ momentum") {
            try Adafactor.Settings(try Adam.Hyperparameters(biasCorrection: .off), Adafactor.Options())
        },
        Entry("lion:official", "Lion, google/automl (decay first, sign(0) = 0)") {
            try Lion.Settings(try LionK.Hyperparameters(), Lion.Options())
        },
        Entry("lionk:paper001", "Lion-𝒦 with 𝒦 = ‖·‖_{1,ε} and bias correction (paper 001 App. L, Fig. 1b)") {
            try LionK.Settings(try LionK.Hyperparameters(biasCorrection: .on), LionK.Options(kernel: .smoothedL1))
        },
        Entry("lionk:l2", "Lion-𝒦 with 𝒦 = ½‖x‖² (EMA heavy ball when β₁ = β₂)") {
            try LionK.Settings(try LionK.Hyperparameters(), LionK.Options(kernel: .halfSquaredL2, epsilon: 0))
        },
        Entry("signum:paper", "Signum (Bernstein et al. 2018), = Lion with β₁ = β₂") { try Signum.Hyperparameters() },
        Entry("signgd:paper", "sign gradient descent") { try Signum.Hyperparameters(momentum: 0) },
        Entry("softsign:paper001", "soft-sign GD, Adam's first-order memoryless approximation (paper 001 §3.9)") {
            try Signum.Hyperparameters(momentum: 0, signFunction: .softSign)
        },
    ]

    /// Cattaneo & Shigida's Adam (papers 000, 001): ε = 10⁻⁶ inside the root, bias-corrected.
    private static func paperAdam(weightDecayMode: WeightDecayMode = .none, weightDecay: Double = 0) throws -> Adam.Hyperparameters {
        try Adam.Hyperparameters(epsilon: 1e-6, epsilonPlacement: .insideSqrt, weightDecayMode: weightDecayMode,
                                 weightDecay: weightDecay)
    }

    /// Other names of presets, accepted wherever an optimizer is named: `heavy-ball` is papers 000/001's
    /// heavy ball m ← βm + g, θ ← θ − ηm (`momentum:paper`).
    public static let aliases: [String: String] = ["heavy-ball": "momentum:paper"]

    /// Every accepted name: the presets, the bare family names and the aliases.
    public static var validNames: [String] {
        var names: [String] = []
        for entry in presets {
            if !names.contains(entry.familyName) { names.append(entry.familyName) }
            names.append(entry.name)
        }
        return names + aliases.keys.sorted()
    }

    /// The preset called `name` (or aliased by it), or the first preset of the family `name`.
    public static func entry(named name: String) -> Entry? {
        let name = aliases[name] ?? name
        return presets.first { $0.name == name } ?? presets.first { $0.familyName == name }
    }
}
