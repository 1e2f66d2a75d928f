import Optim
import Theory

/// The stability threshold of a momentum method, read from the run's typed optimizer settings
/// (``ProbeContext/hyperparameters``, `RunConfig.optimizer.hyperparameters`) through Theory's
/// `StabilityOptimizer(settings)` — no string is parsed:
///
/// ```
/// generalized momentum (paper 003 eqs. (13)–(14)): δ_t = β₁δ_{t−1} − η∇L(θ_t + β₂δ_{t−1}),  θ_{t+1} = θ_t + δ_t
/// threshold (paper 003 Theorem 2, digest 003 §2.9):  (2/η)·γ(β₁, β₂),  γ(β₁, β₂) = (1 + β₁)/(1 + 2β₂)
/// ```
///
/// | optimizer settings | β₁ | β₂ |
/// |---|---|---|
/// | `HeavyBall.Hyperparameters`, variant `heavyBall` (b ← βb + g, θ ← θ − ηb: Polyak's δ = −ηb at constant η) | `momentum` | 0 |
/// | `HeavyBall.Hyperparameters`, variant `nesterov` (PyTorch's look-ahead form of β₂ = β₁) | `momentum` | `momentum` |
/// | `GeneralizedMomentum.Hyperparameters` | `beta1` | `beta2` |
///
/// Heavy ball with dampening τ ≠ 0 or weight decay is not of this form (`StabilityOptimizer` rejects
/// it): no momentum threshold, factor 1. Plain SGD has γ = 1 (threshold 2/η), Adam none (its threshold
/// is `aeos_threshold`).
enum MomentumThreshold {
    static let metric = ProbeMetric("momentum_threshold", "(2/η_t)(1 + β₁)/(1 + 2β₂) (paper 003 Theorem 2; Polyak β₂ = 0, Nesterov β₂ = β₁)",
                                    only: "heavy ball, Nesterov or generalized momentum (dampening 0, no weight decay)")

    /// (β₁, β₂) of a momentum method of paper 003's form; nil for any other optimizer or convention.
    static func betas(_ settings: any OptimizerSettings) -> (beta1: Double, beta2: Double)? {
        guard case .momentum(let beta1, let beta2)? = try? StabilityOptimizer(settings) else { return nil }
        return (beta1, beta2)
    }

    /// γ(β₁, β₂) = (1 + β₁)/(1 + 2β₂), the factor momentum puts on every 2/η threshold; 1 for any other optimizer.
    static func factor(_ settings: any OptimizerSettings) -> Double {
        betas(settings).map { (1 + $0.beta1) / (1 + 2 * $0.beta2) } ?? 1
    }

    /// Adds `momentum_threshold` = (2/η_t)(1 + β₁)/(1 + 2β₂) for a momentum method (nothing otherwise or when η_t ≤ 0).
    static func record(_ context: ProbeContext, into values: inout [String: Double]) {
        guard let (beta1, beta2) = betas(context.hyperparameters),
              let threshold = try? StabilityThreshold.momentum(learningRate: context.learningRate, beta1: beta1, beta2: beta2)
        else { return }
        values[metric.name] = threshold
    }
}
