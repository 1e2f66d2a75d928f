import DataIO
import Curvature
/// Batch-size scaling rules as transforms of a configuration (paper 004, Defs. 5.1/5.2 and App. I; paper 003
/// §5 for LSSR; digest 004 §4, digest 003 §2.7). κ = B₁/B₀ is the ratio of the new to the old batch size and
/// may be below 1; every rule keeps the number of epochs, so steps scale by 1/κ.
///
/// ```
/// linear (LSR, SGD):        η' = κη
/// square root (RMSprop/Adam): η' = √κ·η   β' = 1 − κ(1−β)   ε' = ε/√κ   v₀' = v₀/κ
/// LSSR (SGD, paper 003):    η' = η·ρ_{B₁}/ρ_{B₀}   (ρ_b/η fixed, ρ_b from eq. 17)
/// ```
///
/// The square-root rule keeps σ₀ = η/√B, c₁, c₂, ε₀ (Thm 5.3); the linear rule keeps η/B, the SGD-SDE
/// invariant, and changes σ₀ and c for an adaptive method. Ablations of App. I.1/I.2 scale only some of the
/// hyperparameters (`SquareRootVariant`, `LinearVariant`).
public enum ScalingRule: Codable, Equatable, Sendable {
    /// Linear scaling: η' = κη, plus 1−β ← κ(1−β) for the betas the variant names (App. I.2, Fig. 25).
    case linear(LinearVariant = .learningRateOnly)
    /// Square-root scaling (Def. 5.1/5.2) or a partial variant of it (App. I.1, Fig. 24). On SGD it is the
    /// square-root rule of Krizhevsky (2014) / Hoffer et al. (2017), η' = √κ·η (paper 003's SRSR baseline).
    case squareRoot(SquareRootVariant = .full)
    /// Linear and saturation scaling (paper 003, eq. 17): η' = η·ρ_{B₁}/ρ_{B₀} for SGD, with ρ = ρ₁ measured
    /// at the base configuration, N samples and the batch sampling scheme.
    case lssr(rho: Double, datasetSize: Double, sampling: BatchSampling)
}

/// Which hyperparameters the square-root rule scales (paper 004, App. I.1, Fig. 24: (a)–(e)).
public enum SquareRootVariant: String, Codable, CaseIterable, Sendable {
    /// (e) η, ε, β₁, β₂: the proposed rule.
    case full
    /// (a) η only.
    case learningRateOnly = "lr"
    /// (b) η and ε.
    case learningRateEpsilon = "lr-eps"
    /// (c) η, ε and β₁ (β₂ unscaled): the paper's "close second".
    case learningRateEpsilonBeta1 = "lr-eps-beta1"
    /// (d) η, ε and β₂ (β₁ unscaled).
    case learningRateEpsilonBeta2 = "lr-eps-beta2"

    var scalesEpsilon: Bool { self != .learningRateOnly }
    var scalesBeta1: Bool { self == .full || self == .learningRateEpsilonBeta1 }
    var scalesBeta2: Bool { self == .full || self == .learningRateEpsilonBeta2 }
}

/// Which hyperparameters the linear rule scales for Adam (paper 004, App. I.2, Fig. 25: (a)–(d)); ε is
/// never scaled. For SGD and RMSprop only η (and RMSprop's β under `learningRateBeta2`/`learningRateBetas`).
public enum LinearVariant: String, Codable, CaseIterable, Sendable {
    /// (a) η·κ only: the linear scaling rule of SGD.
    case learningRateOnly = "lr"
    /// (b) η and 1−β₁ scaled by κ.
    case learningRateBeta1 = "lr-beta1"
    /// (c) η and 1−β₂ scaled by κ.
    case learningRateBeta2 = "lr-beta2"
    /// (d) η, 1−β₁ and 1−β₂ scaled by κ.
    case learningRateBetas = "lr-betas"

    var scalesBeta1: Bool { self == .learningRateBeta1 || self == .learningRateBetas }
    var scalesBeta2: Bool { self == .learningRateBeta2 || self == .learningRateBetas }
}

/// A scaled configuration, whether it is usable, and the SDE invariants before and after.
public struct ScalingResult: Codable, Equatable, Sendable {
    public let hyperparameters: ScalableHyperparameters
    /// κ = B₁/B₀ (SVAG: 1/ℓ²).
    public let kappa: Double
    /// Steps of the new run per step of the old one at equal epochs or continuous time: 1/κ (SVAG: ℓ²).
    public let stepsFactor: Double
    /// False when a scaled β leaves its range (β₁' ∈ [0, 1), β₂' ∈ (0, 1), i.e. κ ≤ 1/(1−β₁), κ < 1/(1−β₂))
    /// or the batch size leaves [1, N].
    public let valid: Bool
    /// Why the result is invalid; nil when valid.
    public let reason: String?
    public let invariantsBefore: SDEInvariants
    public let invariantsAfter: SDEInvariants
    /// Whether the SDE is unchanged (`SDEInvariants.matches`).
    public let invariantsPreserved: Bool
    /// ρ_{B₀} and ρ_{B₁} (LSSR only).
    public let concentrationBefore: Double?
    public let concentrationAfter: Double?

    init(base: ScalableHyperparameters, scaled: ScalableHyperparameters, kappa: Double, stepsFactor: Double,
         problems: [String], concentrations: (Double, Double)? = nil) {
        hyperparameters = scaled
        self.kappa = kappa
        self.stepsFactor = stepsFactor
        valid = problems.isEmpty
        reason = problems.isEmpty ? nil : problems.joined(separator: "; ")
        invariantsBefore = base.invariants
        invariantsAfter = scaled.invariants
        invariantsPreserved = invariantsBefore.matches(invariantsAfter, for: base.optimizer)
        concentrationBefore = concentrations?.0
        concentrationAfter = concentrations?.1
    }
}

extension ScalingRule {
    /// Applies the rule to move `base` to batch size `newBatchSize` (κ = newBatchSize / base.batchSize).
    /// - Throws: `TheoryInputError` for a non-positive batch size, LSSR on RMSprop/Adam, or bad LSSR inputs.
    ///   A scaled β out of range is not an error: the result is returned with `valid == false` and a reason.
    public func apply(to base: ScalableHyperparameters, newBatchSize: Double) throws -> ScalingResult {
        try Check.positive(newBatchSize, "newBatchSize")
        let kappa = newBatchSize / base.batchSize
        var scaled = base
        scaled.batchSize = newBatchSize
        var problems: [String] = []
        if newBatchSize < 1 { problems.append("new batch size \(newBatchSize) is below 1") }
        switch self {
        case .linear(let variant):
            scaled.learningRate = base.learningRate * kappa
            if variant.scalesBeta1 { scaled.beta1 = base.beta1.map { 1 - kappa * (1 - $0) } }
            if variant.scalesBeta2 { scaled.beta2 = base.beta2.map { 1 - kappa * (1 - $0) } }
        case .squareRoot(let variant):
            scaled = Self.squareRootTransform(base, kappa: kappa, variant: variant)
            scaled.batchSize = newBatchSize
        case let .lssr(rho, datasetSize, sampling):
            guard base.optimizer == .sgd else {
                throw TheoryInputError(name: "optimizer", value: nil,
                                       expected: "sgd for the lssr rule (paper 003 derives it for SGD), not \(base.optimizer)")
            }
            let before = try LSSR.concentration(rho: rho, batchSize: base.batchSize, datasetSize: datasetSize, sampling: sampling)
            let after = try LSSR.concentration(rho: rho, batchSize: newBatchSize, datasetSize: datasetSize, sampling: sampling)
            scaled.learningRate = base.learningRate * after / before
            return ScalingResult(base: base, scaled: scaled, kappa: kappa, stepsFactor: 1 / kappa,
                                 problems: problems, concentrations: (before, after))
        }
        problems += Self.betaProblems(scaled, kappa: kappa)
        return ScalingResult(base: base, scaled: scaled, kappa: kappa, stepsFactor: 1 / kappa, problems: problems)
    }

    /// η ← √κη, ε ← ε/√κ, 1−β ← κ(1−β) for the parts `variant` names, v₀ ← v₀/κ when β₂ is scaled.
    /// The batch size is left to the caller (the rule changes B; SVAG changes the noise multiplier).
    static func squareRootTransform(_ base: ScalableHyperparameters, kappa: Double,
                                    variant: SquareRootVariant) -> ScalableHyperparameters {
        var scaled = base
        let root = kappa.squareRoot()
        scaled.learningRate = base.learningRate * root
        if variant.scalesEpsilon { scaled.epsilon = base.epsilon.map { $0 / root } }
        if variant.scalesBeta1 { scaled.beta1 = base.beta1.map { 1 - kappa * (1 - $0) } }
        if variant.scalesBeta2 { scaled.beta2 = base.beta2.map { 1 - kappa * (1 - $0) } }
        if base.optimizer != .sgd { scaled.secondMomentInitScale = base.secondMomentInitScale / kappa }
        return scaled
    }

    /// β₁' ∈ [0, 1) and β₂' ∈ (0, 1) (digest 004 §4.1: the rule breaks down once κ ≥ 1/(1−β)).
    static func betaProblems(_ scaled: ScalableHyperparameters, kappa: Double) -> [String] {
        var problems: [String] = []
        if let b1 = scaled.beta1, !(b1 >= 0 && b1 < 1) {
            problems.append("scaled beta1 = \(b1) is outside [0, 1): kappa = \(kappa) exceeds 1/(1 - beta1)")
        }
        if let b2 = scaled.beta2, !(b2 > 0 && b2 < 1) {
            problems.append("scaled beta2 = \(b2) is outside (0, 1): kappa = \(kappa) reaches 1/(1 - beta2)")
        }
        return problems
    }
}
