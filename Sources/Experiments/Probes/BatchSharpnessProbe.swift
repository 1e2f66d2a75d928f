import Curvature

/// `batch_sharpness`: E_B[g_Bᵀ H_B g_B / ‖g_B‖²] with the mini-batch Hessian (Andreyev & Beneventano
/// 2024, "Edge of Stochastic Stability", arXiv 2412.20553; ``batchSharpness(populationSize:batchSize:sampling:batchCount:seed:batchGradient:batchHessian:)``),
/// over `batch_count` (default 32) batches of the run's size b drawn with the run's sampling.
///
/// Metrics: `batch_sharpness`, `batch_sharpness_se`, `batch_sharpness_ratio_of_expectations`.
public struct BatchSharpnessProbe: Probe {
    public static let name = "batch_sharpness"
    public static let summary = "E_B[g_Bᵀ H_B g_B/‖g_B‖²] over random batches: batch_sharpness, batch_sharpness_se"
    let batchCount: Int

    public init(options: inout ConfigReader) throws(ConfigError) {
        batchCount = try options.integer("batch_count", default: 32, in: 1...1_000_000)
    }

    public mutating func measure(_ context: ProbeContext) throws -> [String: Double] {
        let objective = context.objective, theta = context.parameters
        let result = batchSharpness(populationSize: objective.sampleCount, batchSize: context.batchSize,
                                    sampling: context.sampling, batchCount: batchCount, seed: context.seed,
                                    batchGradient: { objective.gradient(at: theta, batch: $0) },
                                    batchHessian: { HessianOperator(objective: objective, at: theta, batch: $0) })
        return ["batch_sharpness": result.expectationOfRatio.value,
                "batch_sharpness_se": result.expectationOfRatio.standardError,
                "batch_sharpness_ratio_of_expectations": result.ratioOfExpectations.value]
    }
}
