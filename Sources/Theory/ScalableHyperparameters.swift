/// The optimizer families the scaling rules distinguish (paper 004 Defs. 2.1, 2.2; paper 003 §4).
public enum OptimizerFamily: String, Codable, CaseIterable, Sendable {
    /// Plain SGD: only η and B.
    case sgd
    /// RMSprop (Def. 2.1): η, β (stored as `beta2`, as in Adam with β₁ = 0), ε outside the square root.
    case rmsprop
    /// Adam (Def. 2.2): η, β₁, β₂, ε.
    case adam
}

/// The hyperparameters a batch-size scaling rule or SVAG transforms (digest 004 §4.1 pseudo-code).
///
/// | field | symbol | used by |
/// |---|---|---|
/// | `learningRate` | η > 0 | all |
/// | `batchSize` | B ≥ 1 | all |
/// | `beta1` | β₁ ∈ [0, 1) | Adam |
/// | `beta2` | β₂ ∈ [0, 1) (RMSprop's β) | RMSprop, Adam |
/// | `epsilon` | ε ≥ 0, outside the square root | RMSprop, Adam |
/// | `noiseMultiplier` | ℓ ≥ 1: the oracle's noise is ℓ/√B (SVAG), 1 otherwise | all |
/// | `secondMomentInitScale` | factor applied to v₀ (SVAG: ℓ²; square-root rule: 1/κ) | RMSprop, Adam |
///
/// The initializer checks the ranges and that the fields match the family (SGD has no betas or ε; RMSprop
/// has no β₁; RMSprop and Adam need β₂ and ε, Adam also β₁).
public struct ScalableHyperparameters: Codable, Equatable, Sendable {
    public var optimizer: OptimizerFamily
    public var learningRate: Double
    public var batchSize: Double
    public var beta1: Double?
    public var beta2: Double?
    public var epsilon: Double?
    public var noiseMultiplier: Double
    public var secondMomentInitScale: Double

    public init(optimizer: OptimizerFamily, learningRate: Double, batchSize: Double, beta1: Double? = nil,
                beta2: Double? = nil, epsilon: Double? = nil) throws {
        try Check.positive(learningRate, "learningRate")
        guard batchSize >= 1, batchSize.isFinite else {
            throw TheoryInputError(name: "batchSize", value: batchSize, expected: "≥ 1")
        }
        switch optimizer {
        case .sgd:
            if let beta1 { throw TheoryInputError(name: "beta1", value: beta1, expected: "absent for sgd") }
            if let beta2 { throw TheoryInputError(name: "beta2", value: beta2, expected: "absent for sgd") }
            if let epsilon { throw TheoryInputError(name: "epsilon", value: epsilon, expected: "absent for sgd") }
        case .rmsprop, .adam:
            if optimizer == .rmsprop, let beta1 {
                throw TheoryInputError(name: "beta1", value: beta1, expected: "absent for rmsprop (its beta is beta2)")
            }
            if optimizer == .adam {
                guard let beta1 else { throw TheoryInputError(name: "beta1", value: nil, expected: "given for adam") }
                try Check.beta(beta1, "beta1")
            }
            guard let beta2 else { throw TheoryInputError(name: "beta2", value: nil, expected: "given for \(optimizer)") }
            try Check.beta(beta2, "beta2")
            guard let epsilon else { throw TheoryInputError(name: "epsilon", value: nil, expected: "given for \(optimizer)") }
            try Check.nonNegative(epsilon, "epsilon")
        }
        self.optimizer = optimizer
        self.learningRate = learningRate
        self.batchSize = batchSize
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        noiseMultiplier = 1
        secondMomentInitScale = 1
    }

    /// The SDE invariants (σ₀, c₁, c₂, ε₀, ησ²) of this configuration.
    public var invariants: SDEInvariants { SDEInvariants(self) }
}
