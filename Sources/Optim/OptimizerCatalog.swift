/// Every named optimizer preset, with a one-line exact formula and its settings, for `OptimizerSpec`
/// and `biaslab optimizers`. A bare family name (`adam`) is its first preset (`adam:torch`).
public enum OptimizerCatalog {
    /// One named preset.
    public struct Entry: Sendable {
        /// `family:preset`, e.g. `adam:torch`.
        public let name: String
        /// What it reproduces.
        public let summary: String
        /// The update, one line, with the preset's conventions.
        public let formula: String
        /// The preset's settings, in display order (keys as accepted by `OptimizerSpec` overrides).
        public let settings: [(key: String, value: String)]
        let family: Family

        public var familyName: String { family.rawValue }
        var settingsDictionary: [String: String] {
            Dictionary(settings.map { ($0.key, $0.value) }, uniquingKeysWith: { _, b in b })
        }
    }

    /// Every preset, in listing order.
    public static let presets: [Entry] = [
        Entry(name: "sgd:plain", summary: "gradient descent / SGD",
              formula: "θ ← θ − η g",
              settings: [("lr", "0.01"), ("weight_decay_mode", "none"), ("weight_decay", "0")], family: .sgd),
        Entry(name: "sgd:torch", summary: "PyTorch SGD(momentum=0), coupled weight decay",
              formula: "θ ← θ − η (g + λθ)",
              settings: [("lr", "0.01"), ("weight_decay_mode", "coupled"), ("weight_decay", "0")], family: .sgd),
        Entry(name: "momentum:paper", summary: "heavy ball of papers 000/001 (no dampening, m₀ = 0)",
              formula: "m ← βm + g; θ ← θ − η m",
              settings: momentumSettings(variant: "heavyBall", start: "zero", dampening: "0", decay: "none"),
              family: .heavyBall),
        Entry(name: "momentum:torch", summary: "PyTorch SGD(momentum=β, dampening=τ)",
              formula: "g ← g + λθ; b ← βb + (1−τ)g (b₁ = g); θ ← θ − η b",
              settings: momentumSettings(variant: "heavyBall", start: "firstGradient", dampening: "0", decay: "coupled"),
              family: .heavyBall),
        Entry(name: "momentum:ema", summary: "EMA momentum (dampening τ = β)",
              formula: "m ← βm + (1−β)g; θ ← θ − η m",
              settings: momentumSettings(variant: "heavyBall", start: "zero", dampening: "0.9", decay: "none"),
              family: .heavyBall),
        Entry(name: "nesterov:torch", summary: "PyTorch SGD(nesterov=True); paper 001 Ex. 1.2",
              formula: "g ← g + λθ; b ← βb + g (b₁ = g); θ ← θ − η (g + βb)",
              settings: momentumSettings(variant: "nesterov", start: "firstGradient", dampening: "0", decay: "coupled"),
              family: .heavyBall),
        Entry(name: "nesterov:paper003", summary: "paper 003 eqs. 13–14 with β₁ = β₂ (parameters = look-ahead point)",
              formula: "δ' ← β₁δ − η g; φ ← φ + (1+β₂)δ' − β₂δ; δ ← δ'",
              settings: [("lr", "0.01"), ("beta1", "0.9"), ("beta2", "0.9"), ("weight_decay_mode", "none"), ("weight_decay", "0")],
              family: .generalizedMomentum),
        Entry(name: "generalized-momentum:polyak", summary: "paper 003 eqs. 13–14 with β₂ = 0 (Polyak)",
              formula: "δ ← β₁δ − η g; θ ← θ + δ",
              settings: [("lr", "0.01"), ("beta1", "0.9"), ("beta2", "0"), ("weight_decay_mode", "none"), ("weight_decay", "0")],
              family: .generalizedMomentum),
        Entry(name: "adam:torch", summary: "PyTorch Adam (ε outside, bias-corrected, coupled L2)",
              formula: "g ← g + λθ; m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²; θ ← θ − η (m/(1−β₁ᵗ)) / (√(v/(1−β₂ᵗ)) + ε)",
              settings: adamSettings(eps: "1e-8", placement: "outsideSqrt", correction: "on", decay: "coupled"), family: .adam),
        Entry(name: "adam:paper000", summary: "Cattaneo & Shigida Def. 3.1 (ε inside, bias-corrected)",
              formula: "m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²; θ ← θ − η (m/(1−β₁ᵗ)) / √(v/(1−β₂ᵗ) + ε)",
              settings: adamSettings(eps: "1e-6", placement: "insideSqrt", correction: "on", decay: "none"), family: .adam),
        Entry(name: "adam:optax", summary: "optax.adam (eps outside, eps_root = 0)",
              formula: "m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²; θ ← θ − η (m/(1−β₁ᵗ)) / (√(v/(1−β₂ᵗ)) + ε)",
              settings: adamSettings(eps: "1e-8", placement: "outsideSqrt", correction: "on", decay: "none"), family: .adam),
        Entry(name: "adam:mlx", summary: "MLX Adam (no bias correction)",
              formula: "m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²; θ ← θ − η m / (√v + ε)",
              settings: adamSettings(eps: "1e-8", placement: "outsideSqrt", correction: "off", decay: "none"), family: .adam),
        Entry(name: "adam:paper002", summary: "Li, Wen, Lyu §3 (no bias correction, ε outside)",
              formula: "m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²; θ ← θ − η m / (√v + ε)",
              settings: adamSettings(eps: "1e-8", placement: "outsideSqrt", correction: "off", decay: "none"), family: .adam),
        Entry(name: "adam:paper004", summary: "Malladi et al. App. D (lagged v, ε outside)",
              formula: "m ← β₁m + (1−β₁)g; θ ← θ − η (m/(1−β₁ᵗ)) / (√(v/(1−β₂^{t−1})) + ε); v ← β₂v + (1−β₂)g²",
              settings: adamSettings(eps: "1e-8", placement: "outsideSqrt", correction: "on", decay: "none", timing: "lagged"),
              family: .adam),
        Entry(name: "adamw:torch", summary: "PyTorch AdamW (decoupled, λ multiplied by η)",
              formula: "θ ← (1 − ηλ)θ; m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²; θ ← θ − η (m/(1−β₁ᵗ)) / (√(v/(1−β₂ᵗ)) + ε)",
              settings: adamSettings(eps: "1e-8", placement: "outsideSqrt", correction: "on", decay: "decoupled", lambda: "0.01"),
              family: .adam),
        Entry(name: "adamw:optax", summary: "optax.adamw (decoupled, λ multiplied by η)",
              formula: "θ ← (1 − ηλ)θ; m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²; θ ← θ − η (m/(1−β₁ᵗ)) / (√(v/(1−β₂ᵗ)) + ε)",
              settings: adamSettings(eps: "1e-8", placement: "outsideSqrt", correction: "on", decay: "decoupled", lambda: "0.0001"),
              family: .adam),
        Entry(name: "adamw:paper001", summary: "Cattaneo & Shigida Ex. 1.3 (ε inside, decoupled)",
              formula: "θ ← (1 − ηλ)θ; m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²; θ ← θ − η (m/(1−β₁ᵗ)) / √(v/(1−β₂ᵗ) + ε)",
              settings: adamSettings(eps: "1e-6", placement: "insideSqrt", correction: "on", decay: "decoupled", lambda: "0"),
              family: .adam),
        Entry(name: "nadam:paper001", summary: "NAdam, paper 001 Ex. 1.4 (ε inside)",
              formula: "m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²; θ ← θ − η (β₁m/(1−β₁ᵗ) + (1−β₁)g) / √(v/(1−β₂ᵗ) + ε)",
              settings: adamSettings(eps: "1e-6", placement: "insideSqrt", correction: "on", decay: "none") + [("numerator", "paper001")],
              family: .nadam),
        Entry(name: "nadamw:paper001", summary: "NAdamW, paper 001 Ex. 1.4 (ε inside, decoupled)",
              formula: "θ ← (1 − ηλ)θ; m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²; θ ← θ − η (β₁m/(1−β₁ᵗ) + (1−β₁)g) / √(v/(1−β₂ᵗ) + ε)",
              settings: adamSettings(eps: "1e-6", placement: "insideSqrt", correction: "on", decay: "decoupled", lambda: "0.01")
                + [("numerator", "paper001")],
              family: .nadam),
        Entry(name: "nadam:optax", summary: "optax.nadam",
              formula: "m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²; θ ← θ − η (β₁m/(1−β₁^{t+1}) + (1−β₁)g/(1−β₁ᵗ)) / (√(v/(1−β₂ᵗ)) + ε)",
              settings: adamSettings(eps: "1e-8", placement: "outsideSqrt", correction: "on", decay: "none") + [("numerator", "optax")],
              family: .nadam),
        Entry(name: "rmsprop:torch", summary: "PyTorch RMSprop (α = β₂, no bias correction, ε outside)",
              formula: "g ← g + λθ; v ← β₂v + (1−β₂)g²; θ ← θ − η g / (√v + ε)",
              settings: rmspropSettings(lr: "0.01", beta2: "0.99", placement: "outsideSqrt", correction: "off", timing: "current", decay: "coupled"),
              family: .rmsprop),
        Entry(name: "rmsprop:optax", summary: "optax.rmsprop (ε inside, no bias correction)",
              formula: "v ← β₂v + (1−β₂)g²; θ ← θ − η g / √(v + ε)",
              settings: rmspropSettings(lr: "0.01", beta2: "0.9", placement: "insideSqrt", correction: "off", timing: "current", decay: "none"),
              family: .rmsprop),
        Entry(name: "rmsprop:adam", summary: "Adam with β₁ = 0 (optax scale_by_rms, bias-corrected, ε outside)",
              formula: "v ← β₂v + (1−β₂)g²; θ ← θ − η g / (√(v/(1−β₂ᵗ)) + ε)",
              settings: rmspropSettings(lr: "0.001", beta2: "0.999", placement: "outsideSqrt", correction: "on", timing: "current", decay: "none"),
              family: .rmsprop),
        Entry(name: "rmsprop:paper004", summary: "Malladi et al. Def. 2.1 (lagged v, ε outside)",
              formula: "θ ← θ − η g / (√v + ε); v ← β₂v + (1−β₂)g²",
              settings: rmspropSettings(lr: "0.001", beta2: "0.999", placement: "outsideSqrt", correction: "off", timing: "lagged", decay: "none"),
              family: .rmsprop),
        Entry(name: "adame:paper002", summary: "AdamE-λ, Li, Wen, Lyu App. G (no bias correction)",
              formula: "m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²; θ ← θ − η m / (v^λ + ε)",
              settings: adamSettings(eps: "1e-8", placement: "outsideSqrt", correction: "off", decay: "none") + [("exponent", "0.25")],
              family: .adamE),
        Entry(name: "adam-mini:official", summary: "Adam-mini (one v per block, block mean of g²; decoupled decay)",
              formula: "θ ← (1 − ηλ)θ; m ← β₁m + (1−β₁)g; v_b ← β₂v_b + (1−β₂) mean_{i∈b} g_i²; θ_i ← θ_i − η (m_i/(1−β₁ᵗ)) / (√(v_b/(1−β₂ᵗ)) + ε)",
              settings: adamSettings(eps: "1e-8", placement: "outsideSqrt", correction: "on", decay: "decoupled", lambda: "0"),
              family: .adamMini),
        Entry(name: "adalayer:paper002", summary: "Adalayer (one v per layer, layer mean of g²)",
              formula: "m ← β₁m + (1−β₁)g; v_ℓ ← β₂v_ℓ + (1−β₂) mean_{i∈ℓ} g_i²; θ_i ← θ_i − η (m_i/(1−β₁ᵗ)) / (√(v_ℓ/(1−β₂ᵗ)) + ε)",
              settings: adamSettings(eps: "1e-8", placement: "outsideSqrt", correction: "on", decay: "none"), family: .adalayer),
        Entry(name: "adasgd:paper002", summary: "AdaSGD (one v for all of θ, mean of g²)",
              formula: "m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)‖g‖²/d; θ ← θ − η (m/(1−β₁ᵗ)) / (√(v/(1−β₂ᵗ)) + ε)",
              settings: adamSettings(eps: "1e-8", placement: "outsideSqrt", correction: "on", decay: "none"), family: .adaSGD),
        Entry(name: "adafactor:paper002", summary: "Adafactor, Shazeer & Stern Alg. 2 without clipping, with β₁ momentum",
              formula: "m ← β₁m + (1−β₁)g; R ← β₂R + (1−β₂)(G²+ε₁)1; C ← β₂C + (1−β₂)1ᵀ(G²+ε₁); θ ← θ − η m / (√(RCᵀ/ΣR) + ε)",
              settings: adamSettings(eps: "1e-8", placement: "outsideSqrt", correction: "off", decay: "none") + [("eps1", "1e-30")],
              family: .adafactor),
        Entry(name: "lion:official", summary: "Lion, google/automl (decay first, sign(0) = 0)",
              formula: "θ ← (1 − ηλ)θ; θ ← θ − η sign(β₁m + (1−β₁)g); m ← β₂m + (1−β₂)g",
              settings: lionSettings() + [("step_order", "decayThenUpdate")], family: .lion),
        Entry(name: "lionk:paper001", summary: "Lion-𝒦 with 𝒦 = ‖·‖_{1,ε} and bias correction (paper 001 App. L, Fig. 1b)",
              formula: "θ ← (1 − ηλ)θ; m ← ρ₂m + (1−ρ₂)g; c ← (ρ₁/ρ₂)m/(1−ρ₂ᵗ) + (1−ρ₁/ρ₂)g; θ ← θ − η c/√(c² + ε)",
              settings: lionSettings() + [("bias_correction", "on"), ("kernel", "smoothedL1"), ("eps", "1e-6")], family: .lionK),
        Entry(name: "lionk:l2", summary: "Lion-𝒦 with 𝒦 = ½‖x‖² (EMA heavy ball when β₁ = β₂)",
              formula: "θ ← (1 − ηλ)θ; θ ← θ − η (β₁m + (1−β₁)g); m ← β₂m + (1−β₂)g",
              settings: lionSettings() + [("bias_correction", "off"), ("kernel", "halfSquaredL2"), ("eps", "0")], family: .lionK),
        Entry(name: "signum:paper", summary: "Signum (Bernstein et al. 2018), = Lion with β₁ = β₂",
              formula: "θ ← (1 − ηλ)θ; m ← βm + (1−β)g; θ ← θ − η sign(m)",
              settings: signSettings(momentum: "0.9", sign: "sign"), family: .signum),
        Entry(name: "signgd:paper", summary: "sign gradient descent",
              formula: "θ ← (1 − ηλ)θ; θ ← θ − η sign(g)",
              settings: signSettings(momentum: "0", sign: "sign"), family: .signum),
        Entry(name: "softsign:paper001", summary: "soft-sign GD, Adam's first-order memoryless approximation (paper 001 §3.9)",
              formula: "θ ← (1 − ηλ)θ; θ ← θ − η g/√(g² + ε)",
              settings: signSettings(momentum: "0", sign: "softSign"), family: .signum),
    ]

    /// Every accepted name: the presets and the bare family names.
    public static var validNames: [String] {
        var names: [String] = []
        for entry in presets {
            let family = String(entry.name.split(separator: ":")[0])
            if !names.contains(family) { names.append(family) }
            names.append(entry.name)
        }
        return names
    }

    /// The preset called `name`, or the first preset of the family `name`.
    public static func entry(named name: String) -> Entry? {
        presets.first { $0.name == name } ?? presets.first { $0.name.hasPrefix(name + ":") }
    }

    private static func adamSettings(eps: String, placement: String, correction: String, decay: String,
                                     lambda: String = "0", timing: String = "current") -> [(key: String, value: String)] {
        [("lr", "0.001"), ("beta1", "0.9"), ("beta2", "0.999"), ("eps", eps), ("eps_placement", placement),
         ("bias_correction", correction), ("v_timing", timing), ("weight_decay_mode", decay), ("weight_decay", lambda)]
    }

    private static func rmspropSettings(lr: String, beta2: String, placement: String, correction: String, timing: String,
                                        decay: String) -> [(key: String, value: String)] {
        [("lr", lr), ("beta2", beta2), ("eps", "1e-8"), ("eps_placement", placement), ("bias_correction", correction),
         ("v_timing", timing), ("weight_decay_mode", decay), ("weight_decay", "0")]
    }

    private static func momentumSettings(variant: String, start: String, dampening: String,
                                         decay: String) -> [(key: String, value: String)] {
        [("lr", "0.01"), ("momentum", "0.9"), ("dampening", dampening), ("variant", variant), ("buffer_start", start),
         ("weight_decay_mode", decay), ("weight_decay", "0")]
    }

    private static func lionSettings() -> [(key: String, value: String)] {
        [("lr", "0.0001"), ("beta1", "0.9"), ("beta2", "0.99"), ("weight_decay_mode", "decoupled"), ("weight_decay", "0")]
    }

    private static func signSettings(momentum: String, sign: String) -> [(key: String, value: String)] {
        [("lr", "0.0001"), ("momentum", momentum), ("sign", sign), ("eps", "1e-6"), ("weight_decay_mode", "decoupled"),
         ("weight_decay", "0")]
    }
}

/// How each family reads its settings.
enum Family: String, Sendable {
    case sgd, heavyBall = "momentum", generalizedMomentum = "generalized-momentum", adam, nadam, rmsprop
    case adamE = "adame", adamMini = "adam-mini", adalayer, adaSGD = "adasgd", adafactor, lion, lionK = "lionk", signum

    func build(_ r: inout SettingReader, _ s: ProblemStructure) throws -> AnyOptimizer {
        switch self {
        case .sgd:
            return .sgd(SGD(try SGD.Hyperparameters(
                learningRate: r.double("lr", 0.01), weightDecayMode: r.choice("weight_decay_mode", .none),
                weightDecay: r.double("weight_decay", 0))))
        case .heavyBall:
            return .heavyBall(HeavyBall(try HeavyBall.Hyperparameters(
                learningRate: r.double("lr", 0.01), momentum: r.double("momentum", 0.9),
                dampening: r.double("dampening", 0), variant: r.choice("variant", .heavyBall),
                bufferStart: r.choice("buffer_start", .zero), weightDecayMode: r.choice("weight_decay_mode", .none),
                weightDecay: r.double("weight_decay", 0))))
        case .generalizedMomentum:
            return .generalizedMomentum(GeneralizedMomentum(try GeneralizedMomentum.Hyperparameters(
                learningRate: r.double("lr", 0.01), beta1: r.double("beta1", 0.9), beta2: r.double("beta2", 0.9),
                weightDecayMode: r.choice("weight_decay_mode", .none), weightDecay: r.double("weight_decay", 0))))
        case .adam:
            return .adam(Adam(try Self.adamHyperparameters(&r)))
        case .nadam:
            return .nadam(NAdam(try Self.adamHyperparameters(&r), numerator: try r.choice("numerator", .paper001)))
        case .rmsprop:
            return .rmsprop(RMSprop(try RMSprop.Hyperparameters(
                learningRate: r.double("lr", 0.01), beta2: r.double("beta2", 0.99), epsilon: r.double("eps", 1e-8),
                epsilonPlacement: r.choice("eps_placement", .outsideSqrt),
                biasCorrection: r.choice("bias_correction", .off), secondMomentTiming: r.choice("v_timing", .current),
                weightDecayMode: r.choice("weight_decay_mode", .none), weightDecay: r.double("weight_decay", 0))))
        case .adamE:
            return .adamE(try AdamE(try Self.adamHyperparameters(&r), exponent: try r.double("exponent", 0.25)))
        case .adamMini:
            return .adamMini(AdamMini(try Self.adamHyperparameters(&r), blocks: s.blocks))
        case .adalayer:
            return .adalayer(Adalayer(try Self.adamHyperparameters(&r), blocks: s.blocks))
        case .adaSGD:
            return .adaSGD(AdaSGD(try Self.adamHyperparameters(&r), dimension: s.dimension))
        case .adafactor:
            return .adafactor(try Adafactor(try Self.adamHyperparameters(&r), epsilon1: try r.double("eps1", 1e-30),
                                            shapes: s.matrixShapes))
        case .lion:
            return .lion(Lion(try Self.lionHyperparameters(&r, biasCorrection: .off)))
        case .lionK:
            let correction = try r.choice("bias_correction", BiasCorrection.off)
            let hyperparameters = try Self.lionHyperparameters(&r, biasCorrection: correction)
            let kernel: ConvexKernel
            switch try r.choice("kernel", ConvexKernel.Kind.l1) {
            case .l1: kernel = .l1
            case .smoothedL1: kernel = .smoothedL1(epsilon: try r.double("eps", 1e-6))
            case .halfSquaredL2: kernel = .halfSquaredL2
            case .custom: throw OptimizerSpecError("kernel 'custom' needs a closure; build LionK in code")
            }
            _ = try r.double("eps", 0)
            return .lionK(LionK(hyperparameters, kernel: kernel))
        case .signum:
            return .signum(Signum(try Signum.Hyperparameters(
                learningRate: r.double("lr", 1e-4), momentum: r.double("momentum", 0.9),
                signFunction: r.choice("sign", .sign), epsilon: r.double("eps", 1e-6),
                weightDecayMode: r.choice("weight_decay_mode", .decoupled), weightDecay: r.double("weight_decay", 0))))
        }
    }

    private static func adamHyperparameters(_ r: inout SettingReader) throws -> Adam.Hyperparameters {
        try Adam.Hyperparameters(
            learningRate: r.double("lr", 1e-3), beta1: r.double("beta1", 0.9), beta2: r.double("beta2", 0.999),
            epsilon: r.double("eps", 1e-8), epsilonPlacement: r.choice("eps_placement", .outsideSqrt),
            biasCorrection: r.choice("bias_correction", .on), secondMomentTiming: r.choice("v_timing", .current),
            weightDecayMode: r.choice("weight_decay_mode", .none), weightDecay: r.double("weight_decay", 0))
    }

    private static func lionHyperparameters(_ r: inout SettingReader, biasCorrection: BiasCorrection) throws -> LionK.Hyperparameters {
        try LionK.Hyperparameters(
            learningRate: r.double("lr", 1e-4), beta1: r.double("beta1", 0.9), beta2: r.double("beta2", 0.99),
            biasCorrection: biasCorrection, stepOrder: r.choice("step_order", .decayThenUpdate),
            weightDecayMode: r.choice("weight_decay_mode", .decoupled), weightDecay: r.double("weight_decay", 0))
    }
}
