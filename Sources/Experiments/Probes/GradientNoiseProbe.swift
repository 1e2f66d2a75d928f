import Curvature

/// `gradient_noise`: gradient-noise statistics at θ over the training set (``GradientNoiseStatistics``,
/// from the per-sample squared norms ‖∇ℓᵢ‖² and the mean gradient g, without forming the N × d
/// matrix), and the mean and standard deviation of the per-sample gradient norms ‖gᵢ‖ (paper 003 Fig. 36,
/// ``GradientNormSpread``). No options; metrics and formulas: ``documentation``. ρ_b needs the run's batches drawn at
/// random (any sampling but `fixed-order`).
public struct GradientNoiseProbe: RandomBatchProbe {
    static let gradientNormSquared = ProbeMetric("gradient_norm_sq", "‖g‖², g = ∇L(θ) = (1/N) Σᵢ gᵢ")
    static let noiseTrace = ProbeMetric("trace_sigma", "tr Σ = (1/N) Σᵢ ‖gᵢ‖² − ‖g‖²")
    static let simpleNoiseScale = ProbeMetric("b_simple", "B_simple = tr Σ / ‖g‖² (McCandlish et al. 2018)")
    static let concentration = ProbeMetric("rho", "ρ = ‖g‖² / ((1/N) Σᵢ ‖gᵢ‖²) (paper 003 eq. (15))")
    static let batchConcentration = ProbeMetric(
        "rho_b", "ρ_b = ‖g‖² / tr S_b = 1/((γ/b)/ρ + 1 − γ/b), γ = γ_{N,b} of the run's sampling (paper 003 eq. (17))")
    static let normMean = ProbeMetric("per_sample_gradient_norm_mean", "(1/N) Σᵢ ‖gᵢ‖ (paper 003 Fig. 36)")
    static let normStandardDeviation = ProbeMetric("per_sample_gradient_norm_std",
                                                   "√((1/N) Σᵢ (‖gᵢ‖ − mean)²), over the N training samples (paper 003 Fig. 36)")
    public static let documentation = ProbeDescription(
        name: "gradient_noise", summary: "gradient-noise statistics: tr Σ, B_simple, ρ, ρ_b and the spread of the per-sample gradient norms",
        reference: "Lee & Jang, ICLR 2023 (paper 003), eqs. (1), (15), (17), Fig. 36; McCandlish et al. 2018",
        metrics: [gradientNormSquared, noiseTrace, simpleNoiseScale, concentration, batchConcentration, normMean, normStandardDeviation])

    public init(options: inout ConfigReader) throws(ConfigError) {}

    public mutating func measure(_ context: ProbeContext) throws -> [String: Double] {
        let objective = context.objective, theta = context.parameters
        let squaredNorms = objective.perSampleGradientSquaredNorms(at: theta)
        let noise = GradientNoiseStatistics(perSampleSquaredNorms: squaredNorms, meanGradient: objective.gradient(at: theta))
        let spread = GradientNormSpread(perSampleSquaredNorms: squaredNorms)
        return [Self.gradientNormSquared.name: noise.meanGradientSquaredNorm, Self.noiseTrace.name: noise.covarianceTrace,
                Self.simpleNoiseScale.name: noise.simpleNoiseScale, Self.concentration.name: noise.concentration,
                Self.batchConcentration.name: noise.concentration(batchSize: context.batchSize, sampling: context.sampling),
                Self.normMean.name: spread.mean, Self.normStandardDeviation.name: spread.standardDeviation]
    }
}
