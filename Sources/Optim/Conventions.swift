import Foundation

/// The conventions on which optimizer implementations disagree, as named settings (never Booleans).
/// Each raw value is what `OptimizerSpec` overrides and the CLI accept.

/// Where Adam's ε enters the denominator.
/// - `outsideSqrt`: √v̂ + ε. Kingma & Ba (arXiv 1412.6980) Alg. 1, PyTorch, optax `eps`, MLX, Adam-mini,
///   Malladi et al. (paper 004).
/// - `insideSqrt`: √(v̂ + ε). Cattaneo & Shigida (paper 000 Def. 3.1, paper 001 Ex. 1.3), optax `eps_root`
///   (with `eps = 0`), optax `rmsprop` (`eps_in_sqrt=True`).
public enum EpsilonPlacement: String, Codable, CaseIterable, Sendable {
    case outsideSqrt
    case insideSqrt
}

/// Whether moments are divided by 1 − βᵗ.
/// - `on`: PyTorch, optax, Kingma & Ba, papers 000, 001, 004.
/// - `off`: MLX default (`bias_correction=False`), paper 002 (App. E), PyTorch RMSprop.
public enum BiasCorrection: String, Codable, CaseIterable, Sendable {
    case on
    case off

    /// The factor 1 − βᵗ (or 1 when off). t is the 1-based step number; t ≤ 0 gives 1.
    public func factor(beta: Double, step t: Int) -> Double {
        guard self == .on, t > 0 else { return 1 }
        return 1 - pow(beta, Double(t))
    }
}

/// How weight decay λ enters.
/// - `none`: no decay (λ ignored).
/// - `coupled`: L2 added to the gradient before anything else, g ← g + λ_t·θ. λ is **not** multiplied by η
///   here (η multiplies the whole step later). PyTorch `Adam`/`SGD`/`RMSprop` `weight_decay`, `MyAdam`.
/// - `decoupled`: θ ← (1 − η_t·λ_t)·θ before the update, using θ_{t−1}. λ **is** multiplied by η (and by
///   the learning-rate schedule). PyTorch `AdamW`, optax `adamw`/`lion`, official Lion, Adam-mini, paper 001
///   (F = u + λθ). Loshchilov & Hutter's original AdamW (arXiv 1711.05101) multiplies λ by the schedule only:
///   use `decoupled` with λ/η.
public enum WeightDecayMode: String, Codable, CaseIterable, Sendable {
    case none
    case coupled
    case decoupled
}

/// Which second moment divides step t (paper 004 footnote 1).
/// - `current`: v̂_t, after v is updated with g_t (Kingma & Ba, PyTorch, optax).
/// - `lagged`: v̂_{t−1}, before v is updated, with v̂_{t−1} = v_{t−1}/(1 − β₂^{t−1}) (Malladi et al., paper
///   004 App. D). At t = 1 the correction 1 − β₂⁰ = 0 is replaced by 1, so the first step divides by
///   √v₀ + ε (= ε from the zero state).
public enum SecondMomentTiming: String, Codable, CaseIterable, Sendable {
    case current
    case lagged
}

/// The numerator of NAdam (Nesterov momentum inside Adam).
/// - `paper001`: β₁·m̂_t + (1 − β₁)·g_t with m̂_t = m_t/(1 − β₁ᵗ) (Choi et al. form, paper 001 Ex. 1.4).
/// - `optax`: β₁·m_t/(1 − β₁^{t+1}) + (1 − β₁)·g_t/(1 − β₁ᵗ) (optax `nadam`, Dozat 2016 without the extra
///   β₂ factor).
public enum NAdamNumerator: String, Codable, CaseIterable, Sendable {
    case paper001
    case optax
}

/// Lion's order of decoupled weight decay and the sign step.
/// - `decayThenUpdate`: θ ← θ(1 − ηλ); θ ← θ − η·sign(c). Official `google/automl` Lion (PyTorch, optax),
///   equal (up to rounding) to paper 001's θ ← θ − h(sign(c) + λθ).
/// - `updateThenDecay`: θ ← θ − η·sign(c); θ ← θ(1 − ηλ).
/// In both, c = β₁·m + (1 − β₁)·g uses the old m, and m is updated after the step.
public enum LionStepOrder: String, Codable, CaseIterable, Sendable {
    case decayThenUpdate
    case updateThenDecay
}

/// How a momentum buffer starts.
/// - `zero`: b₀ = 0 and b ← βb + (1 − τ)g from the first step (papers 000, 001: m ← βm + g).
/// - `firstGradient`: b₁ = g on the first step, without dampening (PyTorch `SGD`). Identical to `zero` when
///   the dampening τ is 0.
public enum MomentumBufferStart: String, Codable, CaseIterable, Sendable {
    case zero
    case firstGradient
}

/// Whether the heavy-ball step uses the buffer (`heavyBall`: θ ← θ − η·b) or looks ahead
/// (`nesterov`: θ ← θ − η·(g + β·b), PyTorch `nesterov=True`, paper 001 Ex. 1.2).
public enum MomentumVariant: String, Codable, CaseIterable, Sendable {
    case heavyBall
    case nesterov
}

/// The map applied by sign descent.
/// - `sign`: sign(x) ∈ {−1, 0, 1}, sign(0) = 0 (torch.sign, numpy.sign).
/// - `softSign`: x/√(x² + ε) (paper 001 §3, ∇‖x‖_{1,ε}).
public enum SignFunction: String, Codable, CaseIterable, Sendable {
    case sign
    case softSign

    func apply(_ x: Double, epsilon: Double) -> Double {
        switch self {
        case .sign: x > 0 ? 1 : (x < 0 ? -1 : 0)
        case .softSign: x / (x * x + epsilon).squareRoot()
        }
    }
}
