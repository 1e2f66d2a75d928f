import Curvature
import Theory

/// `interaction`: paper 003's interaction-aware sharpness IAS = tr(H S_b)/tr(S_b) (Lee & Jang, ICLR
/// 2023, eq. (2); digest 003 §2.3) with the run's batch size b and sampling, and its threshold 2ρ_b/η_t
/// (eq. (16), ``StabilityThreshold/sgd(learningRate:concentration:)``).
///
/// - `mode: exact` (default): ``GradientInteraction`` from all N per-sample gradients (an N × d matrix
///   in memory, N Hessian products) — for small problems.
/// - `mode: sampled`: ``sampledInteraction(hessian:populationSize:batchSize:sampling:batchCount:seed:blockSize:batchGradient:)``
///   over `batch_count` (default 32) random batches; also writes `ias_se`.
///
/// Metrics: `ias`, `ias_threshold`, and in exact mode `instability_ratio` (tr(HS_b)/tr(S_N), unstable
/// above 2/η) and `full_batch_sharpness` (gᵀHg/‖g‖²).
public struct InteractionProbe: Probe {
    public static let name = "interaction"
    public static let summary = "interaction-aware sharpness (paper 003) and 2ρ_b/η: ias, ias_threshold, instability_ratio"
    enum Mode: String, CaseIterable { case exact, sampled }
    let mode: Mode
    let batchCount: Int

    public init(options: inout ConfigReader) throws(ConfigError) {
        mode = try options.choice("mode", default: Mode.exact)
        batchCount = try options.integer("batch_count", default: 32, in: 1...1_000_000)
    }

    public mutating func measure(_ context: ProbeContext) throws -> [String: Double] {
        let objective = context.objective, theta = context.parameters
        let hessian = HessianOperator(objective: objective, at: theta)
        let b = context.batchSize
        switch mode {
        case .exact:
            let interaction = GradientInteraction(perSampleGradients: objective.perSampleGradients(at: theta, batch: nil),
                                                  hessian: hessian)
            let rho = interaction.noise.concentration(batchSize: b, sampling: context.sampling)
            var out = ["ias": interaction.interactionAwareSharpness(batchSize: b, sampling: context.sampling),
                       "instability_ratio": interaction.instabilityRatio(batchSize: b, sampling: context.sampling),
                       "full_batch_sharpness": interaction.fullBatchSharpness]
            if let t = try? StabilityThreshold.sgd(learningRate: context.learningRate, concentration: rho) { out["ias_threshold"] = t }
            return out
        case .sampled:
            let sampled = sampledInteraction(hessian: hessian, populationSize: objective.sampleCount, batchSize: b,
                                             sampling: context.sampling, batchCount: batchCount, seed: context.seed) { batch in
                objective.gradient(at: theta, batch: batch)
            }
            return ["ias": sampled.interactionAwareSharpness.value, "ias_se": sampled.interactionAwareSharpness.standardError]
        }
    }
}
