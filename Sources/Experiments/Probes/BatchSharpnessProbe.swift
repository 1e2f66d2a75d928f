import Curvature

/// `batch_sharpness`: E_B[g_Bᵀ H_B g_B / ‖g_B‖²] with the mini-batch Hessian (Andreyev & Beneventano
/// 2024, "Edge of Stochastic Stability", arXiv 2412.20553; ``batchSharpness(populationSize:batchSize:sampling:batchCount:seed:batchGradient:batchHessian:)``),
/// over `batch_count` (default 32) batches of the run's size b drawn with the run's sampling (any
/// scheme but `fixed-order`), and its threshold 2/η_t (`gd_threshold`: batch sharpness hovers at 2/η
/// at the edge of stochastic stability, ibid. §4; for a momentum method also `momentum_threshold`,
/// ``MomentumThreshold``, by the same per-direction argument as paper 003 Theorem 2). Options and metrics: ``documentation``.
public struct BatchSharpnessProbe: RandomBatchProbe {
    static let batchCountOption = IntegerOption.batchCount("K, the random batches averaged (curvature's --batch-count)")
    static let sharpness = ProbeMetric("batch_sharpness", "(1/K) Σₖ g_Bₖᵀ H_Bₖ g_Bₖ / ‖g_Bₖ‖², Bₖ drawn with the run's b and sampling")
    static let standardError = ProbeMetric("batch_sharpness_se", "s/√K, s the sample standard deviation of the K ratios")
    static let ratioOfExpectations = ProbeMetric("batch_sharpness_ratio_of_expectations",
                                                 "Σₖ g_Bₖᵀ H_Bₖ g_Bₖ / Σₖ ‖g_Bₖ‖² over the same batches")
    public static let documentation = ProbeDescription(
        name: "batch_sharpness", summary: "batch sharpness E_B[g_Bᵀ H_B g_B/‖g_B‖²] with the mini-batch Hessian H_B",
        reference: "Andreyev & Beneventano 2024, Edge of Stochastic Stability (arXiv 2412.20553), §3",
        options: [batchCountOption.description], metrics: [sharpness, standardError, ratioOfExpectations] + SharpnessProbe.thresholds)
    let batchCount: Int

    public init(options: inout ConfigReader) throws(ConfigError) {
        batchCount = try Self.batchCountOption.read(&options)
    }

    public mutating func measure(_ context: ProbeContext) throws -> [String: Double] {
        let objective = context.objective, theta = context.parameters
        let result = try batchSharpness(populationSize: objective.sampleCount, batchSize: context.batchSize,
                                    sampling: context.sampling, batchCount: batchCount, seed: context.seed,
                                    batchGradient: { objective.gradient(at: theta, batch: $0) },
                                    batchHessian: { HessianOperator(objective: objective, at: theta, batch: $0) })
        var out = [Self.sharpness.name: result.expectationOfRatio.value,
                   Self.standardError.name: result.expectationOfRatio.standardError,
                   Self.ratioOfExpectations.name: result.ratioOfExpectations.value]
        SharpnessProbe.recordThreshold(context, into: &out)
        return out
    }
}
