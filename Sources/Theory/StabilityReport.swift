import DataIO
import Curvature
import NN
import Tensor

/// The optimizer a stability report is for (paper 003 §4, Thm 2; Cohen et al. 2022 for Adam).
public enum StabilityOptimizer: Codable, Equatable, Sendable {
    /// SGD/GD: IAS ‖H‖_{S_b} against 2ρ_b/η (eq. (16)).
    case sgd
    /// Generalized momentum (eqs. (13)–(14)); Polyak β₂ = 0, Nesterov β₂ = β₁.
    case momentum(beta1: Double, beta2: Double)
    /// Adam: λ₁(P⁻¹H) against (2 + 2β₁)/((1 − β₁)η), with ε outside the root.
    case adam(beta1: Double, epsilon: Double)

    public var name: String {
        switch self {
        case .sgd: "sgd"
        case .momentum: "momentum"
        case .adam: "adam"
        }
    }
}

/// A stability prediction for a model at θ (paper 003, Lee & Jang, ICLR 2023; digest 003 §2.4–2.9, §3):
///
/// ```
/// ratio r = tr(HS_b)/tr(S_n) = ‖H‖_{S_b}/ρ_b      (unstable on quadratics iff r > 2/η, eq. (10))
/// sgd:       sharpness IAS ‖H‖_{S_b},  threshold 2ρ_b/η                                     (eq. (16))
/// momentum:  sharpness IAS ‖H‖_{S_b},  threshold ρ_b·(2/η)(1+β₁)/(1+2β₂)                    (Thm 2 × ρ_b)
/// adam:      sharpness λ₁(P⁻¹H),       threshold (2 + 2β₁)/((1 − β₁)η)                        (Cohen et al.)
/// predicted E[L_{t+1}] − L_t:  sgd eq. (7) (exact on quadratics);  momentum eq. (131) with ‖H‖_{S_n}
///                              replaced by r (equal for GD; heuristic);  adam: none
/// ```
///
/// H is the full-batch Hessian; S_b the mini-batch second moment of `sampling` (γ_{N,b}), all exact from
/// the N per-sample gradients (`GradientInteraction`). The momentum threshold for b < N multiplies Thm 2's
/// full-batch threshold by ρ_b, as eq. (16) does for SGD; this extrapolation is ours (the paper's momentum
/// runs are full batch). For Adam, P is the optimizer state's denominator when given
/// (`OptimizerInstance.preconditionerDiagonal`); otherwise P = √(diag S_b) + ε, where
/// diag S_b = E_ξ[g_ξ²] = (γ/b) diag Σ + (∇L)² is the fixed point of v ← β₂v + (1 − β₂)g_ξ² at frozen θ
/// (bias correction and the (1 − β₁ᵗ) factor then equal 1).
public struct StabilityReport: Codable, Equatable, Sendable {
    public let optimizer: String
    public let learningRate: Double
    public let batchSize: Int
    public let sampling: BatchSampling
    /// ‖H‖_{S_b} = tr(HS_b)/tr(S_b).
    public let interactionAwareSharpness: Double
    /// ρ_b = tr(S_n)/tr(S_b).
    public let concentration: Double
    /// r = tr(HS_b)/tr(S_n).
    public let instabilityRatio: Double
    /// 2/η, the bound r is compared with.
    public let twoOverLearningRate: Double
    /// What `classification.sharpness` measures.
    public let sharpnessMeasure: String
    /// Sharpness against threshold: ratio and regime.
    public let classification: StabilityClassification
    /// The predicted one-step change of the expected loss (nil for Adam).
    public let predictedLossChange: Double?
    /// Adam: where P came from ("optimizer state" or "stationary second moment diag S_b").
    public let preconditionerSource: String?

    /// - Parameters:
    ///   - preconditioner: Adam's P (positive, length d), e.g. from an optimizer state; nil for the
    ///     stationary default.
    ///   - edgeBand: the relative half-width of the edge band (`StabilityClassification`).
    ///   - seed: the power iteration's start (Adam).
    public init(objective: any Objective, at parameters: [Double], optimizer: StabilityOptimizer, learningRate eta: Double,
                batchSize b: Int, sampling: BatchSampling = .withoutReplacement, preconditioner: [Double]? = nil,
                edgeBand: Double = 0.05, seed: UInt64 = 0) throws {
        try Check.positive(eta, "learningRate")
        try Check.batchSize(Double(b), "batchSize", datasetSize: Double(objective.sampleCount))
        try sampling.requireRandomBatches(for: "the stability report (S_b, ρ_b)")
        let gradients = objective.perSampleGradients(at: parameters, batch: nil)
        let hessian = HessianOperator(objective: objective, at: parameters)
        let interaction = GradientInteraction(perSampleGradients: gradients, hessian: hessian)
        let noise = interaction.noise
        guard noise.meanGradientSquaredNorm > 0 else {
            throw TheoryInputError(name: "gradient", value: 0, expected: "nonzero (‖∇L‖ = 0: the ratio tr(HS_b)/tr(S_n) is undefined)")
        }
        let traceHSb = interaction.interaction(batchSize: b, sampling: sampling)
        let ias = interaction.interactionAwareSharpness(batchSize: b, sampling: sampling)
        let rhoB = noise.concentration(batchSize: b, sampling: sampling)
        let ratio = interaction.instabilityRatio(batchSize: b, sampling: sampling)
        let sharpness: Double, threshold: Double, measure: String
        var predicted: Double? = nil, source: String? = nil
        (threshold, measure) = try Self.threshold(for: optimizer, learningRate: eta, concentration: rhoB)
        switch optimizer {
        case .sgd:
            sharpness = ias
            predicted = try LossChangePrediction.sgd(learningRate: eta, gradientNormSquared: noise.meanGradientSquaredNorm,
                                                     traceHessianSecondMoment: traceHSb)
        case let .momentum(beta1, beta2):
            sharpness = ias
            predicted = try LossChangePrediction.momentum(learningRate: eta, beta1: beta1, beta2: beta2,
                                                          gradientNormSquared: noise.meanGradientSquaredNorm,
                                                          interactionAwareSharpness: ratio)
        case let .adam(_, epsilon):
            let p: [Double]
            if let preconditioner {
                guard preconditioner.count == objective.dimension, preconditioner.allSatisfy({ $0 > 0 && $0.isFinite }) else {
                    throw TheoryInputError(name: "preconditioner", value: nil, expected: "\(objective.dimension) positive finite entries")
                }
                (p, source) = (preconditioner, "optimizer state")
            } else {
                let c = sampling.gamma(populationSize: noise.sampleCount, batchSize: b) / Double(b)
                let diagonal = noise.covarianceDiagonal ?? []
                let secondMoment = diagonal.indices.map { j in c * diagonal[j] + noise.meanGradient[j] * noise.meanGradient[j] }
                p = try Self.stationaryPreconditioner(secondMoment: secondMoment, epsilon: epsilon)
                source = Self.stationarySource
            }
            sharpness = Self.preconditionedSharpness(hessian: hessian, preconditioner: p, seed: seed)
        }
        self.optimizer = optimizer.name
        learningRate = eta
        batchSize = b
        self.sampling = sampling
        interactionAwareSharpness = ias
        concentration = rhoB
        instabilityRatio = ratio
        twoOverLearningRate = 2 / eta
        sharpnessMeasure = measure
        classification = try StabilityClassification(sharpness: sharpness, threshold: threshold, edgeBand: edgeBand)
        predictedLossChange = predicted
        preconditionerSource = source
    }

    /// The threshold the optimizer's sharpness is compared with, and what that sharpness measures:
    /// sgd 2ρ_b/η (eq. (16)); momentum ρ_b·(2/η)(1+β₁)/(1+2β₂) (Thm 2 × ρ_b); adam (2 + 2β₁)/((1 − β₁)η)
    /// (Cohen et al. 2022). ρ_b is capped at 1. Every threshold is proportional to 1/η.
    public static func threshold(for optimizer: StabilityOptimizer, learningRate eta: Double,
                                 concentration rhoB: Double) throws -> (threshold: Double, measure: String) {
        switch optimizer {
        case .sgd:
            return (try StabilityThreshold.sgd(learningRate: eta, concentration: min(rhoB, 1)), iasMeasure)
        case let .momentum(beta1, beta2):
            return (min(rhoB, 1) * (try StabilityThreshold.momentum(learningRate: eta, beta1: beta1, beta2: beta2)), iasMeasure)
        case let .adam(beta1, epsilon):
            try Check.nonNegative(epsilon, "epsilon")
            return (try StabilityThreshold.adam(learningRate: eta, beta1: beta1), "preconditioned sharpness lambda_1(P^-1 H)")
        }
    }

    static let iasMeasure = "interaction-aware sharpness tr(HS_b)/tr(S_b)"

    /// How the default preconditioner is described.
    public static let stationarySource = "stationary second moment diag S_b"

    /// Adam's P = √(diag S_b) + ε at the fixed point of v ← β₂v + (1 − β₂)g_ξ², from diag S_b = E_ξ[g_ξ²].
    /// - Throws: `TheoryInputError` when a coordinate of P is 0 (ε = 0 and a zero second moment).
    public static func stationaryPreconditioner(secondMoment: [Double], epsilon: Double) throws -> [Double] {
        let p = secondMoment.map { $0.squareRoot() + epsilon }
        guard p.allSatisfy({ $0 > 0 }) else {
            throw TheoryInputError(name: "epsilon", value: epsilon, expected: "> 0 (a coordinate has zero gradient second moment)")
        }
        return p
    }

    /// λ₁(P⁻¹H) by power iteration on the symmetrized P^{-1/2} H P^{-1/2} (relative residual ≤ 1e-8).
    public static func preconditionedSharpness(hessian: HessianOperator, preconditioner p: [Double], seed: UInt64) -> Double {
        powerIteration(of: PreconditionedOperator(hessian, preconditioner: p), tolerance: 1e-8,
                       maxIterations: 2000, stoppingRule: .residual, seed: seed).eigenvalue
    }
}

extension StabilityReport {
    /// The report's JSON form, flat, in the names the probes and `biaslab stability --json` use: `optimizer`,
    /// `lr`, `batch_size`, `sampling`, `ias`, `rho_b`, `instability_ratio`, `two_over_lr`, `sharpness`,
    /// `sharpness_measure`, `threshold`, `threshold_ratio` (S/T), `regime`, `edge_band`, and, when present,
    /// `predicted_loss_change` and `preconditioner` (the preconditioner's source).
    enum CodingKeys: String, CodingKey {
        case optimizer, learningRate = "lr", batchSize = "batch_size", sampling, interactionAwareSharpness = "ias"
        case concentration = "rho_b", instabilityRatio = "instability_ratio", twoOverLearningRate = "two_over_lr"
        case sharpness, sharpnessMeasure = "sharpness_measure", threshold, thresholdRatio = "threshold_ratio", regime
        case edgeBand = "edge_band", predictedLossChange = "predicted_loss_change", preconditionerSource = "preconditioner"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(optimizer, forKey: .optimizer)
        try c.encode(learningRate, forKey: .learningRate)
        try c.encode(batchSize, forKey: .batchSize)
        try c.encode(sampling, forKey: .sampling)
        try c.encode(interactionAwareSharpness, forKey: .interactionAwareSharpness)
        try c.encode(concentration, forKey: .concentration)
        try c.encode(instabilityRatio, forKey: .instabilityRatio)
        try c.encode(twoOverLearningRate, forKey: .twoOverLearningRate)
        try c.encode(classification.sharpness, forKey: .sharpness)
        try c.encode(sharpnessMeasure, forKey: .sharpnessMeasure)
        try c.encode(classification.threshold, forKey: .threshold)
        try c.encode(classification.ratio, forKey: .thresholdRatio)
        try c.encode(classification.regime, forKey: .regime)
        try c.encode(classification.edgeBand, forKey: .edgeBand)
        try c.encodeIfPresent(predictedLossChange, forKey: .predictedLossChange)
        try c.encodeIfPresent(preconditionerSource, forKey: .preconditionerSource)
    }

    /// Reads the JSON form back; the ratio and the regime are recomputed from the sharpness, the threshold and
    /// the band.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        optimizer = try c.decode(String.self, forKey: .optimizer)
        learningRate = try c.decode(Double.self, forKey: .learningRate)
        batchSize = try c.decode(Int.self, forKey: .batchSize)
        sampling = try c.decode(BatchSampling.self, forKey: .sampling)
        interactionAwareSharpness = try c.decode(Double.self, forKey: .interactionAwareSharpness)
        concentration = try c.decode(Double.self, forKey: .concentration)
        instabilityRatio = try c.decode(Double.self, forKey: .instabilityRatio)
        twoOverLearningRate = try c.decode(Double.self, forKey: .twoOverLearningRate)
        sharpnessMeasure = try c.decode(String.self, forKey: .sharpnessMeasure)
        classification = try StabilityClassification(sharpness: try c.decode(Double.self, forKey: .sharpness),
                                                     threshold: try c.decode(Double.self, forKey: .threshold),
                                                     edgeBand: try c.decode(Double.self, forKey: .edgeBand))
        predictedLossChange = try c.decodeIfPresent(Double.self, forKey: .predictedLossChange)
        preconditionerSource = try c.decodeIfPresent(String.self, forKey: .preconditionerSource)
    }
}
