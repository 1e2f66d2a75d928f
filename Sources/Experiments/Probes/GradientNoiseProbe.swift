import Curvature

/// `gradient_noise`: gradient-noise statistics at θ over the training set (``GradientNoiseStatistics``,
/// from the per-sample squared norms ‖∇ℓᵢ‖² and the mean gradient g, without forming the N × d matrix):
/// ```
/// gradient_norm_sq     ‖g‖²
/// noise_trace          tr Σ = (1/N) Σᵢ ‖gᵢ‖² − ‖g‖²
/// simple_noise_scale   B_simple = tr Σ / ‖g‖²            (McCandlish et al. 2018; paper 000)
/// concentration        ρ = ‖g‖² / ((1/N) Σᵢ ‖gᵢ‖²)       (paper 003 eq. (15))
/// batch_concentration  ρ_b for the run's b and sampling  (paper 003 eq. (17))
/// ```
public struct GradientNoiseProbe: Probe {
    public static let name = "gradient_noise"
    public static let summary = "tr Σ, B_simple, ρ, ρ_b: noise_trace, simple_noise_scale, concentration, batch_concentration"

    public init(options: inout ConfigReader) throws(ConfigError) {}

    public mutating func measure(_ context: ProbeContext) throws -> [String: Double] {
        let objective = context.objective, theta = context.parameters
        let noise = GradientNoiseStatistics(perSampleSquaredNorms: objective.perSampleGradientSquaredNorms(at: theta),
                                            meanGradient: objective.gradient(at: theta))
        return ["gradient_norm_sq": noise.meanGradientSquaredNorm, "noise_trace": noise.covarianceTrace,
                "simple_noise_scale": noise.simpleNoiseScale, "concentration": noise.concentration,
                "batch_concentration": noise.concentration(batchSize: context.batchSize, sampling: context.sampling)]
    }
}
