import DataIO
import Curvature

/// The concentration measure ρ_b and the Linear and Saturation Scaling Rule (Lee & Jang, ICLR 2023,
/// "A new characterization of the edge of stability based on a sharpness measure aware of batch gradient
/// distribution", eqs. (1), (15), (17), §5; digest 003 §2.2, §2.6, §2.7).
///
/// ```
/// C_b = (γ_{n,b}/b) C₁,   γ_{n,b} = (n−b)/(n−1) without replacement (or a uniform subset), 1 with replacement (1)
/// S_b = (γ/b) S₁ + (1 − γ/b) S_n,   tr S_n = ‖∇L‖²,   tr S₁ = (1/n) Σᵢ ‖∇ℓᵢ‖²
/// ρ_b = tr S_n / tr S_b = 1 / ((γ/b)/ρ + 1 − γ/b),   ρ = ρ₁ = tr S_n / tr S₁                  (17)
/// LSSR: ρ_b/η = C,  i.e.  η(b) = η₀ ρ_b/ρ_{b₀}
/// ```
///
/// ρ_b ≈ bρ for b ≪ 1/ρ (linear regime, LSSR = LSR) and → 1 for large b (saturation; ρ_n = 1 without
/// replacement). The crossover, where the two terms of the denominator are equal and ρ_b = (1+ρ)/2, is at
/// b ≈ 1/ρ (exactly 1/ρ + 1 with replacement).
public enum LSSR {
    /// γ_{n,b} (eq. (1)).
    public static func samplingCoefficient(batchSize: Double, datasetSize: Double, sampling: BatchSampling) throws -> Double {
        try checkSizes(batchSize: batchSize, datasetSize: datasetSize, sampling: sampling)
        switch sampling {
        case .withReplacement: return 1
        case .withoutReplacement, .uniformSubset: return datasetSize == 1 ? 0 : (datasetSize - batchSize) / (datasetSize - 1)
        case .fixedOrder: throw UnsupportedSamplingError(sampling: sampling, consumer: "LSSR's γ_{n,b}")
        }
    }

    /// ρ_b = 1/((γ/b)/ρ + 1 − γ/b) (eq. (17)).
    /// - Parameters:
    ///   - rho: ρ = ρ₁ ∈ (0, 1].
    ///   - batchSize: b ≥ 1 (≤ n without replacement).
    ///   - datasetSize: n ≥ 1.
    public static func concentration(rho: Double, batchSize: Double, datasetSize: Double,
                                     sampling: BatchSampling) throws -> Double {
        try Check.unitInterval(rho, "rho")
        let weight = try samplingCoefficient(batchSize: batchSize, datasetSize: datasetSize, sampling: sampling) / batchSize
        return 1 / (weight / rho + 1 - weight)
    }

    /// tr S_b = (γ/b) tr S₁ + (1 − γ/b) tr S_n (exact for the two samplers of eq. (1)). The same combination
    /// gives tr(HS_b) from tr(HS₁) and tr(HS_n).
    public static func secondMomentTrace(traceS1: Double, traceSn: Double, batchSize: Double, datasetSize: Double,
                                         sampling: BatchSampling) throws -> Double {
        let weight = try samplingCoefficient(batchSize: batchSize, datasetSize: datasetSize, sampling: sampling) / batchSize
        return weight * traceS1 + (1 - weight) * traceSn
    }

    /// The LSSR learning rate at batch size b: η₀·ρ_b/ρ_{b₀}.
    public static func learningRate(baseLearningRate: Double, baseBatchSize: Double, batchSize: Double, rho: Double,
                                    datasetSize: Double, sampling: BatchSampling) throws -> Double {
        try Check.positive(baseLearningRate, "baseLearningRate")
        let to = try concentration(rho: rho, batchSize: batchSize, datasetSize: datasetSize, sampling: sampling)
        let from = try concentration(rho: rho, batchSize: baseBatchSize, datasetSize: datasetSize, sampling: sampling)
        return baseLearningRate * to / from
    }

    /// The crossover batch size between the linear and saturation regimes, where the two denominator terms
    /// of (17) are equal, γ/(bρ) = 1 − γ/b, i.e. γ/b = ρ/(1+ρ), and ρ_b = (1+ρ)/2:
    /// b = 1/ρ + 1 with replacement and b = n(1+ρ)/(nρ + 1) without (→ 1/ρ + 1 as n → ∞).
    public static func crossoverBatchSize(rho: Double, datasetSize: Double, sampling: BatchSampling) throws -> Double {
        try Check.unitInterval(rho, "rho")
        switch sampling {
        case .withReplacement: return 1 / rho + 1
        case .withoutReplacement, .uniformSubset: return datasetSize * (1 + rho) / (datasetSize * rho + 1)
        case .fixedOrder: throw UnsupportedSamplingError(sampling: sampling, consumer: "LSSR's crossover batch size")
        }
    }

    private static func checkSizes(batchSize: Double, datasetSize: Double, sampling: BatchSampling) throws {
        guard datasetSize >= 1, datasetSize.isFinite else {
            throw TheoryInputError(name: "datasetSize", value: datasetSize, expected: "≥ 1")
        }
        try sampling.requireRandomBatches(for: "LSSR's γ_{n,b}")
        if sampling != .withReplacement {
            try Check.batchSize(batchSize, "batchSize", datasetSize: datasetSize)
        } else {
            guard batchSize >= 1, batchSize.isFinite else {
                throw TheoryInputError(name: "batchSize", value: batchSize, expected: "≥ 1")
            }
        }
    }
}
