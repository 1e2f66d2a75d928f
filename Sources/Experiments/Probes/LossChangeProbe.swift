import Curvature
import Tensor
import Theory

/// `loss_change`: the expected one-step change of the training loss under an SGD step of the run's
/// batch size b, sampling and η_t, measured by Monte Carlo beside its quadratic prediction (paper 003,
/// Lee & Jang, ICLR 2023, Fig. 1's y-axis (unnormalized) and eqs. (1), (7); digest 003 §2.4, §3):
///
/// ```
/// measured   E_ξ[L(θ − η g_ξ)] − L(θ) ≈ (1/K) Σₖ [L(θ − η g_Bₖ) − L(θ)]       (sampledLossChange)
/// predicted  −η‖∇L‖² + (η²/2) tr(H S_b)                                      (eq. (7), LossChangePrediction.sgd)
/// S_b = (γ_{N,b}/b) S₁ + (1 − γ_{N,b}/b) ∇L∇Lᵀ,  γ_{N,b} = 1 with replacement, (N − b)/(N − 1) without (eq. (1))
/// ```
///
/// L is the full training loss and H its Hessian. tr(H S_b):
/// - `mode: exact` (default): from the N per-sample gradients (``GradientInteraction``, streamed 64 at a time,
///   N Hessian products, as the interaction probe's `mode: exact`) — for small problems;
/// - `mode: sampled`: (1/K) Σₖ g_BₖᵀH g_Bₖ over K further random batches (``sampledInteraction(hessian:populationSize:batchSize:sampling:batchCount:seed:blockSize:batchGradient:)``,
///   K Hessian products), the prediction then with standard error (η²/2)·SE.
///
/// The prediction is exact in expectation when L is quadratic; the gap measures the cubic remainder ϵ of
/// eq. (7). The step is SGD's θ − ηg_ξ whatever the run's optimizer (paper 003 defines the quantity for
/// SGD/GD). Needs random batches (any sampling but `fixed-order`). Metrics: ``documentation``.
public struct LossChangeProbe: RandomBatchProbe {
    static let options = InteractionEstimate.Options(
        mode: "tr(H S_b) of the prediction — exact: all N per-sample gradients; sampled: K random batches",
        batchCount: "K, the random batches averaged for the measured change (and, mode sampled, for tr(H S_b))")
    static let measured = ProbeMetric("loss_change", "(1/K) Σₖ [L(θ_t − η_t g_Bₖ) − L(θ_t)], Bₖ drawn with the run's b and sampling: "
                                      + "the Monte-Carlo E_ξ[L_{t+1}] − L_t (paper 003 Fig. 1)")
    static let standardError = ProbeMetric("loss_change_se", "s/√K, s the sample standard deviation of the K differences",
                                           only: "batch_count ≥ 2")
    static let predicted = ProbeMetric("loss_change_predicted", "−η_t‖∇L‖² + (η_t²/2) tr(H S_b), S_b = (γ/b) S₁ + (1 − γ/b) ∇L∇Lᵀ, S₁ = (1/N) Σᵢ ∇ℓᵢ∇ℓᵢᵀ, "
                                       + "γ = 1 with replacement, (N − b)/(N − 1) without (paper 003 eqs. (1), (7); exact in expectation on quadratics)")
    static let predictedStandardError = ProbeMetric("loss_change_predicted_se", "(η_t²/2)·s/√K, s the sample standard deviation of the K values g_BₖᵀH g_Bₖ",
                                                    only: "mode: sampled, batch_count ≥ 2")
    public static let documentation = ProbeDescription(
        name: "loss_change", summary: "E_ξ[L(θ − η g_ξ)] − L(θ) by Monte Carlo over K batches, and its prediction −η‖∇L‖² + (η²/2) tr(H S_b)",
        reference: "Lee & Jang, ICLR 2023 (paper 003), eqs. (1), (7), Fig. 1",
        options: options.descriptions, metrics: [measured, standardError, predicted, predictedStandardError])
    let estimate: InteractionEstimate

    public init(options: inout ConfigReader) throws(ConfigError) {
        estimate = try InteractionEstimate(options: &options, Self.options)
    }

    public mutating func measure(_ context: ProbeContext) throws -> [String: Double] {
        let objective = context.objective, theta = context.parameters, eta = context.learningRate
        let change = try sampledLossChange(objective: objective, at: theta, learningRate: eta, batchSize: context.batchSize,
                                           sampling: context.sampling, batchCount: estimate.batchCount, seed: context.seed)
        var out = [Self.measured.name: change.value]
        if change.standardError.isFinite { out[Self.standardError.name] = change.standardError }
        let (interaction, interactionError) = try traceHessianSecondMoment(context)
        let gradient = objective.gradient(at: theta)
        if let prediction = try? LossChangePrediction.sgd(learningRate: eta, gradientNormSquared: VectorOps.dot(gradient, gradient),
                                                          traceHessianSecondMoment: interaction) {
            out[Self.predicted.name] = prediction
            if let interactionError, interactionError.isFinite { out[Self.predictedStandardError.name] = 0.5 * eta * eta * interactionError }
        }
        return out
    }

    /// tr(H S_b) and, in mode sampled, its standard error.
    func traceHessianSecondMoment(_ context: ProbeContext) throws -> (value: Double, standardError: Double?) {
        switch estimate.mode {
        case .exact:
            return (InteractionEstimate.exact(context).interaction(batchSize: context.batchSize, sampling: context.sampling), nil)
        case .sampled:
            let sampled = try estimate.sampled(context)
            return (sampled.interaction.value, sampled.interaction.standardError)
        }
    }
}
