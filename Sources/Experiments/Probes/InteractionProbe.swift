import Curvature
import Theory

/// `interaction`: paper 003's interaction-aware sharpness IAS = tr(H S_b)/tr(S_b) (Lee & Jang, ICLR
/// 2023, eq. (2); digest 003 §2.3) with the run's batch size b and sampling (any but `fixed-order`),
/// and its threshold 2ρ_b/η_t (eq. (16), ``StabilityThreshold/sgd(learningRate:concentration:)``); in both
/// modes 2/η_t (`gd_threshold`), the threshold of the instability ratio tr(H S_b)/tr(S_N) (eq. (7)).
///
/// For a momentum method (heavy ball, Nesterov, generalized momentum; ``MomentumThreshold`` reads β₁, β₂
/// from the run's typed settings) every threshold is multiplied by γ(β₁, β₂) = (1 + β₁)/(1 + 2β₂)
/// (paper 003 Theorem 2, Figs. 37–38): `momentum_threshold` = (2/η_t)γ in both modes, and `ias_threshold`
/// = ρ_b (2/η_t)γ — exactly Theorem 2's threshold of ‖H‖_{S_N} at full batch (ρ_N = 1), and for b < N the
/// ρ_b extrapolation of eq. (16) that Theory's `StabilityReport` makes (the paper's momentum runs are full
/// batch). For SGD γ = 1 and `ias_threshold` is 2ρ_b/η_t.
///
/// - `mode: exact` (default): ``GradientInteraction`` from all N per-sample gradients (streamed 64 at
///   a time, N Hessian products) — for small problems.
/// - `mode: sampled`: ``sampledInteraction(hessian:populationSize:batchSize:sampling:batchCount:seed:blockSize:batchGradient:)``
///   over `batch_count` (default 32) random batches.
///
/// Metrics and formulas: ``documentation``.
public struct InteractionProbe: RandomBatchProbe {
    static let options = InteractionEstimate.Options(
        mode: "exact: all N per-sample gradients; sampled: batch_count random batches",
        batchCount: "K, the random batches of mode sampled")
    static let ias = ProbeMetric("ias", "tr(H S_b)/tr(S_b), S_b = (γ/b) S₁ + (1 − γ/b) ggᵀ (paper 003 eq. (2)); "
                                     + "mode sampled: Σₖ g_BₖᵀH g_Bₖ / Σₖ ‖g_Bₖ‖²")
    static let threshold = ProbeMetric("ias_threshold", "2ρ_b/η_t (paper 003 eq. (16)); momentum methods: ρ_b (2/η_t)(1 + β₁)/(1 + 2β₂) (Theorem 2)",
                                       only: "mode: exact")
    static let instabilityRatio = ProbeMetric("instability_ratio", "tr(H S_b)/tr(S_N) = tr(H S_b)/‖g‖², unstable above 2/η_t",
                                              only: "mode: exact")
    static let fullBatchSharpness = ProbeMetric("gd_rayleigh", "gᵀHg/‖g‖², the full-batch (GD) Rayleigh quotient", only: "mode: exact")
    static let standardError = ProbeMetric("ias_se", "√((s_xx − 2r s_xy + r² s_yy)/((K − 1) K ȳ²)), s_xy = Σₖ (xₖ − x̄)(yₖ − ȳ): the delta-method standard error of "
                                           + "r = x̄/ȳ, xₖ = g_BₖᵀHg_Bₖ, yₖ = ‖g_Bₖ‖²",
                                           only: "mode: sampled")
    public static let documentation = ProbeDescription(
        name: "interaction", summary: "interaction-aware sharpness tr(H S_b)/tr(S_b) and its threshold 2ρ_b/η",
        reference: "Lee & Jang, ICLR 2023 (paper 003), eqs. (2), (16), (17)",
        options: options.descriptions,
        metrics: [ias, threshold, instabilityRatio, fullBatchSharpness, standardError] + SharpnessProbe.thresholds)
    let estimate: InteractionEstimate

    public init(options: inout ConfigReader) throws(ConfigError) {
        estimate = try InteractionEstimate(options: &options, Self.options)
    }

    public mutating func measure(_ context: ProbeContext) throws -> [String: Double] {
        let b = context.batchSize
        switch estimate.mode {
        case .exact:
            let interaction = InteractionEstimate.exact(context)
            let rho = interaction.noise.concentration(batchSize: b, sampling: context.sampling)
            var out = [Self.ias.name: interaction.interactionAwareSharpness(batchSize: b, sampling: context.sampling),
                       Self.instabilityRatio.name: interaction.instabilityRatio(batchSize: b, sampling: context.sampling),
                       Self.fullBatchSharpness.name: interaction.fullBatchSharpness]
            if let t = try? StabilityThreshold.sgd(learningRate: context.learningRate, concentration: rho) {
                out[Self.threshold.name] = t * MomentumThreshold.factor(context.hyperparameters)
            }
            SharpnessProbe.recordThreshold(context, into: &out)
            return out
        case .sampled:
            let sampled = try estimate.sampled(context)
            var out = [Self.ias.name: sampled.interactionAwareSharpness.value,
                       Self.standardError.name: sampled.interactionAwareSharpness.standardError]
            SharpnessProbe.recordThreshold(context, into: &out)
            return out
        }
    }
}
