/// Signum, signGD and soft-sign GD (Bernstein et al. 2018; paper 001 §3.9): descend along the sign of an
/// EMA of gradients. β = 0 gives signGD (`sign`) or soft-sign GD (`softSign`, x/√(x² + ε)), the
/// first-order memoryless approximation of Adam (paper 001 §3.9).
///
/// | Symbol | Parameter | Key |
/// |---|---|---|
/// | η | `learningRate` | `lr` |
/// | β | `momentum` | `momentum` |
/// | ε | `epsilon` (soft sign only) | `eps` |
/// | λ | `weightDecay` | `weight_decay` |
///
/// Initial state: t = 0, m₀ = 0 ∈ ℝ^d.
///
/// Step t:
/// ```
/// θ ← (1 − η_t λ_t) θ              ◀ weightDecayMode = decoupled (default, paper 001 §3.9)
/// g ← g + λ_t θ                    ◀ weightDecayMode = coupled
/// m ← β m + (1 − β) g
/// θ ← θ − η_t sign(m)              ◀ signFunction = softSign: θ ← θ − η_t m/√(m² + ε)
/// ```
///
/// - Parameters: η ≥ 0, β ∈ [0, 1), ε ≥ 0 (ε > 0 for soft sign at m = 0), λ ≥ 0.
///
/// References:
/// - J. Bernstein, Y.-X. Wang, K. Azizzadenesheli, A. Anandkumar, "signSGD: Compressed Optimisation for
///   Non-Convex Problems", ICML 2018, arXiv 1802.04434 (Signum: Alg. 1 with momentum).
/// - Paper 001 §3.9 (Signum = Lion with ρ₁ = ρ₂; signGD as Adam's first-order approximation; digest 001).
///
/// Differs from: Bernstein et al. write m ← βm + (1 − β)g as here; some codes use m ← βm + g (same sign).
public typealias Signum = Configured<SignumRule>

/// Signum's own settings: β, the sign map and its ε.
public struct SignumRule: MomentumRule {
    public let momentum: Double
    public let signFunction: SignFunction
    public let epsilon: Double

    public func validate() throws {
        try Validate.unitInterval(momentum, "momentum")
        try Validate.nonNegative(epsilon, "eps")
    }

    enum CodingKeys: String, CodingKey {
        case momentum, signFunction = "sign", epsilon = "eps"
    }

    func update(_ theta: inout [Double], gradient g: [Double], rates: StepRates, state: inout MomentumState) {
        UpdateRules.accumulate(&state.momentum, g, decay: momentum, inputWeight: 1 - momentum)
        let direction = state.momentum.map { signFunction.apply($0, epsilon: epsilon) }
        UpdateRules.descend(&theta, along: direction, learningRate: rates.learningRate)
    }
}

extension RuleHyperparameters<SignumRule> {
    public init(learningRate: Double = 1e-4, momentum: Double = 0.9, signFunction: SignFunction = .sign,
                epsilon: Double = 1e-6, weightDecayMode: WeightDecayMode = .decoupled,
                weightDecay: Double = 0) throws {
        try self.init(learningRate: learningRate, SignumRule(momentum: momentum, signFunction: signFunction, epsilon: epsilon),
                      weightDecayMode: weightDecayMode, weightDecay: weightDecay)
    }
}
