/// The change of variables of the RMSprop and Adam SDEs (Malladi, Lyu, Panigrahi & Arora, NeurIPS 2022,
/// arXiv 2205.10287, Defs. 4.1 and 4.3; digest 004 §3.2):
///
/// ```
/// σ₀ = σ·η      ε₀ = ε·η      c₁ = (1−β₁)/η²      c₂ = (1−β₂)/η²      u = v/σ²
/// ```
///
/// σ is the gradient-noise scale of the oracle g = ∇f + σz, Cov z = Σ. For mini-batches of size B drawn with
/// replacement σ = 1/√B, so σ₀ = η/√B and u = B·v; SVAG multiplies σ by ℓ. One step is continuous time η²
/// (RMSprop/Adam) and the SDE is unchanged when (σ₀, c₁, c₂, ε₀) are. For RMSprop, its β plays β₂
/// (c₂ = (1−β)/η², no c₁). For SGD the SDE dX = −∇f dt + √η σ Σ^{1/2} dW (paper eq. 2, time kη) is fixed by
/// ησ² = η/B, reported as `learningRateOverBatch`.
public struct SDEInvariants: Codable, Equatable, Sendable {
    /// σ₀ = ση = ℓη/√B.
    public let sigma0: Double
    /// c₁ = (1−β₁)/η² (Adam only).
    public let c1: Double?
    /// c₂ = (1−β₂)/η² (Adam; RMSprop's β).
    public let c2: Double?
    /// ε₀ = εη (RMSprop, Adam).
    public let eps0: Double?
    /// ησ² = ℓ²η/B, the SGD-SDE invariant kept by the linear rule.
    public let learningRateOverBatch: Double

    /// The invariants of a configuration.
    public init(_ h: ScalableHyperparameters) {
        self.init(learningRate: h.learningRate, noiseScale: h.noiseMultiplier / h.batchSize.squareRoot(),
                  beta1: h.beta1, beta2: h.beta2, epsilon: h.epsilon)
    }

    /// The invariants of a run at learning rate η on an oracle of noise scale σ (any σ > 0, not only
    /// 1/√B): σ₀ = ση, c = (1−β)/η², ε₀ = εη, ησ². No range checks (see `ScalableHyperparameters`).
    public init(learningRate eta: Double, noiseScale sigma: Double, beta1: Double? = nil, beta2: Double? = nil,
                epsilon: Double? = nil) {
        sigma0 = sigma * eta
        learningRateOverBatch = eta * sigma * sigma
        c1 = beta1.map { (1 - $0) / (eta * eta) }
        c2 = beta2.map { (1 - $0) / (eta * eta) }
        eps0 = epsilon.map { $0 * eta }
    }

    /// Whether the SDE of `optimizer` is the same under both sets: (σ₀, c₁, c₂, ε₀) for RMSprop/Adam,
    /// ησ² for SGD; each compared to a relative tolerance (default 1e-12, a few hundred ulps: the rules
    /// multiply by √κ and κ, so exact invariance holds to rounding only).
    public func matches(_ other: SDEInvariants, for optimizer: OptimizerFamily,
                        relativeTolerance: Double = 1e-12) -> Bool {
        func close(_ a: Double?, _ b: Double?) -> Bool {
            switch (a, b) {
            case (nil, nil): true
            case let (x?, y?): abs(x - y) <= relativeTolerance * max(abs(x), abs(y)) || x == y
            default: false
            }
        }
        switch optimizer {
        case .sgd: return close(learningRateOverBatch, other.learningRateOverBatch)
        case .rmsprop, .adam:
            return close(sigma0, other.sigma0) && close(c1, other.c1) && close(c2, other.c2) && close(eps0, other.eps0)
        }
    }
}

/// Inverse change of variables: the discrete configuration at learning rate η whose SDE has the given
/// invariants (digest 004 §3.2 read backwards): σ = σ₀/η (B = η²/σ₀² with replacement),
/// β₁ = 1 − c₁η², β₂ = 1 − c₂η², ε = ε₀/η, v = σ²u.
public enum SDEChangeOfVariables {
    /// σ = 1/√B for batches of size B drawn with replacement (NGOS, Def. 2.3).
    public static func noiseScale(batchSize: Double) -> Double { 1 / batchSize.squareRoot() }

    /// u = v/σ² = B·v (per coordinate).
    public static func rescaledSecondMoment(_ v: Double, batchSize: Double) -> Double { v * batchSize }

    /// The batch size B = η²/σ₀², betas 1 − cη² and ε = ε₀/η of the discrete run at `learningRate` that
    /// approximates the SDE with `invariants`.
    public static func hyperparameters(for invariants: SDEInvariants, optimizer: OptimizerFamily,
                                       learningRate: Double) throws -> ScalableHyperparameters {
        try Check.positive(learningRate, "learningRate")
        let etaSquared = learningRate * learningRate
        return try ScalableHyperparameters(
            optimizer: optimizer, learningRate: learningRate,
            batchSize: etaSquared / (invariants.sigma0 * invariants.sigma0),
            beta1: invariants.c1.map { 1 - $0 * etaSquared },
            beta2: invariants.c2.map { 1 - $0 * etaSquared },
            epsilon: invariants.eps0.map { $0 / learningRate })
    }
}
