/// Lion (Chen et al. 2023, "Symbolic Discovery of Optimization Algorithms"), official `google/automl` form.
/// It is `LionK` with 𝒦 = ‖x‖₁ and no bias correction.
///
/// | Symbol | Parameter | Key |
/// |---|---|---|
/// | η | `learningRate` | `lr` |
/// | β₁ (interpolation) | `beta1` | `beta1` |
/// | β₂ (momentum decay) | `beta2` | `beta2` |
/// | λ | `weightDecay` | `weight_decay` |
///
/// Initial state: t = 0, m₀ = 0 ∈ ℝ^d.
///
/// Step t:
/// ```
/// θ ← (1 − η_t λ_t) θ                ◀ stepOrder = decayThenUpdate (official)
/// c ← β₁ m + (1 − β₁) g              (old m)
/// θ ← θ − η_t sign(c)                sign(0) = 0
/// θ ← (1 − η_t λ_t) θ                ◀ stepOrder = updateThenDecay
/// m ← β₂ m + (1 − β₂) g
/// ```
/// With β₁ = β₂ it is Signum (tested bit-for-bit).
///
/// - Parameters: η ≥ 0, β₁, β₂ ∈ [0, 1), λ ≥ 0.
///
/// References:
/// - X. Chen et al., "Symbolic Discovery of Optimization Algorithms", NeurIPS 2023, arXiv 2302.06675,
///   Program 1; code `google/automl/lion/lion_pytorch.py`.
/// - Paper 001 §3.6–3.7 (digest 001), peers-and-conventions §3 (step order).
///
/// Differs from: official defaults are η = 10⁻⁴, (β₁, β₂) = (0.9, 0.99); optax `lion` is the same update
/// (its decay is `mu_dtype`-independent and multiplied by η).
public struct Lion: Optimizer {
    public var hyperparameters: LionK.Hyperparameters
    public var schedules: Schedules

    /// `hyperparameters.biasCorrection` must be `.off` (use `LionK` for the bias-corrected form).
    public init(_ hyperparameters: LionK.Hyperparameters, schedules: Schedules = .constant) {
        precondition(hyperparameters.biasCorrection == .off, "Lion has no bias correction; use LionK")
        self.hyperparameters = hyperparameters
        self.schedules = schedules
    }

    var asLionK: LionK { LionK(hyperparameters, kernel: .l1, schedules: schedules) }

    public func initialState(dimension: Int) -> MomentumState { asLionK.initialState(dimension: dimension) }

    public func step(parameters: inout [Double], gradient: [Double], state: inout MomentumState) {
        asLionK.step(parameters: &parameters, gradient: gradient, state: &state)
    }
}
