import DataIO
import Curvature
import NN
import Tensor

/// The finite-dataset NGOS (paper 004, Def. 2.3 and eq. (1); digest 004 §2.2, §6.2): mini-batches of size
/// B drawn **with replacement** from the N samples of an `Objective`,
///
/// ```
/// σ = 1/√B,    Σ(θ) = (1/N) Σᵢ (∇fᵢ − ∇f)(∇fᵢ − ∇f)ᵀ
/// Σ^{1/2}ξ  :=  (1/√N) Σᵢ ζᵢ (∇fᵢ − ∇f),   ζ ~ N(0, I_N)      (exactly N(0, Σ), no d × d root)
/// ```
///
/// Each SDE evaluation costs one N × d per-sample-gradient matrix; use small N.
public struct DatasetGradientOracle: NoisyGradientOracle {
    public let objective: any Objective
    public let batchSize: Int

    public init(objective: any Objective, batchSize: Int) throws {
        guard batchSize >= 1 else { throw TheoryInputError(name: "batchSize", value: Double(batchSize), expected: "≥ 1") }
        self.objective = objective
        self.batchSize = batchSize
    }

    public var dimension: Int { objective.dimension }
    /// 1/√B.
    public var noiseScale: Double { SDEChangeOfVariables.noiseScale(batchSize: Double(batchSize)) }
    public func loss(at parameters: [Double]) -> Double { objective.loss(at: parameters) }

    public func sdeCoefficients(at parameters: [Double], using generator: inout RandomGenerator) -> SDECoefficients {
        let gradients = objective.perSampleGradients(at: parameters, batch: nil)
        let statistics = GradientNoiseStatistics(perSampleGradients: gradients)
        let (n, d) = (gradients.shape[0], gradients.shape[1])
        var noise = [Double](repeating: 0, count: d)
        let scale = 1 / Double(n).squareRoot()
        for i in 0..<n {
            let zeta = generator.gaussian() * scale
            for j in 0..<d { noise[j] += zeta * (gradients.scalars[i * d + j] - statistics.meanGradient[j]) }
        }
        return SDECoefficients(gradient: statistics.meanGradient, covarianceDiagonal: statistics.covarianceDiagonal ?? [],
                               gaussianNoise: noise)
    }

    /// The mean gradient of B indices drawn uniformly with replacement.
    public func stochasticGradient(at parameters: [Double], using generator: inout RandomGenerator) -> [Double] {
        let batch = BatchSampling.withReplacement.drawBatch(populationSize: objective.sampleCount, batchSize: batchSize,
                                                            using: &generator)
        return objective.gradient(at: parameters, batch: batch)
    }
}
