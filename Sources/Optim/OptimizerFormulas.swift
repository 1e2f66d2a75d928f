/// The one-line update formulas of `biaslab optimizers`, written from the convention values each step
/// branches on (so a preset's printed formula follows its settings: the same words as the doc comments'
/// step listings, with η, λ, β for η_t, λ_t and the buffers' old values on the right).
enum OptimizerFormula {
    /// The weight-decay part before the update: `θ ← (1 − ηλ)θ; ` (decoupled), `g ← g + λθ; ` (coupled).
    static func decayBefore(_ mode: WeightDecayMode) -> String {
        switch mode {
        case .none: ""
        case .coupled: "g ← g + λθ; "
        case .decoupled: "θ ← (1 − ηλ)θ; "
        }
    }

    /// SGD: θ ← θ − η g.
    static func sgd(_ h: SGD.Hyperparameters) -> String { decayBefore(h.weightDecayMode) + "θ ← θ − η g" }

    /// Heavy ball: b ← βb + (1−τ)g (τ = 0 and τ = β written out); θ ← θ − η b, or θ − η (g + βb) (Nesterov).
    static func heavyBall(_ h: HeavyBall.Hyperparameters) -> String {
        let input = h.dampening == 0 ? "g" : (h.dampening == h.momentum ? "(1−β)g" : "(1−τ)g")
        let start = h.bufferStart == .firstGradient ? " (b₁ = g)" : ""
        let step = h.variant == .nesterov ? "θ ← θ − η (g + βb)" : "θ ← θ − η b"
        return decayBefore(h.weightDecayMode) + "b ← βb + \(input)\(start); \(step)"
    }

    /// Paper 003 eqs. 13–14 (Polyak's form when β₂ = 0).
    static func generalizedMomentum(_ h: GeneralizedMomentum.Hyperparameters) -> String {
        let update = h.beta2 == 0 ? "δ ← β₁δ − η g; θ ← θ + δ" : "δ' ← β₁δ − η g; φ ← φ + (1+β₂)δ' − β₂δ; δ ← δ'"
        return decayBefore(h.weightDecayMode) + update
    }

    /// Signum / signGD / soft-sign GD.
    static func signum(_ h: Signum.Hyperparameters) -> String {
        let map = { (x: String) in h.signFunction == .sign ? "sign(\(x))" : "\(x)/√(\(x)² + ε)" }
        let update = h.momentum == 0 ? "θ ← θ − η \(map("g"))" : "m ← βm + (1−β)g; θ ← θ − η \(map("m"))"
        return decayBefore(h.weightDecayMode) + update
    }

    /// Lion-𝒦 (Lion: 𝒦 = ‖·‖₁), with its bias correction and step order.
    static func lion(_ h: LionK.Hyperparameters, kernel: ConvexKernel.Kind) -> String {
        let direction = switch kernel {
        case .l1: "sign(c)"
        case .smoothedL1: "c/√(c² + ε)"
        case .halfSquaredL2: "c"
        case .custom: "∇𝒦(c)"
        }
        let update = switch h.biasCorrection {
        case .off: "c ← β₁m + (1−β₁)g; θ ← θ − η \(direction); m ← β₂m + (1−β₂)g"
        case .on: "m ← β₂m + (1−β₂)g; c ← (β₁/β₂)m/(1−β₂ᵗ) + (1−β₁/β₂)g; θ ← θ − η \(direction)"
        }
        if h.stepOrder == .updateThenDecay && h.weightDecayMode == .decoupled { return update + "; θ ← (1 − ηλ)θ" }
        return decayBefore(h.weightDecayMode) + update
    }

    /// How an adaptive optimizer stores v: one per coordinate, per group of coordinates (`index` names
    /// the group: b for blocks, ℓ for layers), one for all of θ, or Adafactor's factors.
    enum SecondMoment {
        case perCoordinate
        case perGroup(index: String)
        case whole
        case factored
    }

    /// The Adam family (see `AdaptiveRule`): decay; m ← β₁m + (1−β₁)g; v update; θ ← θ − η n / D(v̂).
    static func adaptive(weightDecayMode: WeightDecayMode, numerator: Numerator, denominator: Denominator,
                         biasCorrection: BiasCorrection, timing: SecondMomentTiming,
                         secondMoment: SecondMoment = .perCoordinate) -> String {
        let corrected = biasCorrection == .on
        let (vUpdate, v, target): (String, String, String) = switch secondMoment {
        case .perCoordinate: ("v ← β₂v + (1−β₂)g²", "v", "θ")
        case .perGroup(let s): ("v_\(s) ← β₂v_\(s) + (1−β₂) mean_{i∈\(s)} g_i²", "v_\(s)", "θ_i")
        case .whole: ("v ← β₂v + (1−β₂)‖g‖²/d", "v", "θ")
        case .factored: ("R ← β₂R + (1−β₂)(G²+ε₁)1; C ← β₂C + (1−β₂)1ᵀ(G²+ε₁)", "RCᵀ/ΣR", "θ")
        }
        let m = target == "θ_i" ? "m_i" : "m"
        let n: String = switch numerator {
        case .gradient: "g"
        case .momentum: corrected ? "(\(m)/(1−β₁ᵗ))" : m
        case .nesterov(.paper001): corrected ? "(β₁m/(1−β₁ᵗ) + (1−β₁)g)" : "(β₁m + (1−β₁)g)"
        case .nesterov(.optax): corrected ? "(β₁m/(1−β₁^{t+1}) + (1−β₁)g/(1−β₁ᵗ))" : "(β₁m + (1−β₁)g)"
        }
        let power = timing == .lagged ? "^{t−1}" : "ᵗ"
        let vHat = corrected ? "\(v)/(1−β₂\(power))" : v
        let compound = vHat.count > 1
        let d: String = switch denominator {
        case .root(.outsideSqrt): compound ? "(√(\(vHat)) + ε)" : "(√\(vHat) + ε)"
        case .root(.insideSqrt): "√(\(vHat) + ε)"
        case .power: compound ? "((\(vHat))^λ + ε)" : "(\(vHat)^λ + ε)"
        }
        let step = "\(target) ← \(target) − η \(n) / \(d)"
        let moments = (numerator == .gradient ? "" : "m ← β₁m + (1−β₁)g; ")
            + (timing == .lagged ? "\(step); \(vUpdate)" : "\(vUpdate); \(step)")
        return decayBefore(weightDecayMode) + moments
    }
}
