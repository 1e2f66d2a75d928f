/// Gradient descent / SGD (Robbins & Monro 1951): θ ← θ − η g.
///
/// | Symbol | Parameter | Key |
/// |---|---|---|
/// | η | `learningRate` | `lr` |
/// | λ | `weightDecay` | `weight_decay` |
///
/// Initial state: t = 0 (no buffer).
///
/// Step t:
/// ```
/// θ ← (1 − η_t λ_t) θ          ◀ weightDecayMode = decoupled
/// g ← g + λ_t θ                ◀ weightDecayMode = coupled (PyTorch weight_decay)
/// θ ← θ − η_t g
/// ```
/// Full-batch gradients make it GD; mini-batch gradients make it SGD (the optimizer cannot tell).
///
/// - Parameters: η ≥ 0, λ ≥ 0.
///
/// References: H. Robbins, S. Monro, "A Stochastic Approximation Method", Ann. Math. Stat. 1951;
/// paper 002 §3.1 and paper 003 §4 (digests 002, 003).
///
/// Differs from: nothing; PyTorch `SGD(momentum=0)` and optax `sgd` agree (PyTorch's `weight_decay` is
/// coupled).
public typealias SGD = Configured<SGDRule>

/// SGD adds no setting to η and weight decay.
public struct SGDRule: MomentumRule {
    public func validate() throws {}

    /// No buffer: SGD's state keeps `momentum` empty.
    public static func initialState(_ optimizer: SGD, dimension: Int) -> MomentumState { MomentumState(momentum: []) }

    func update(_ theta: inout [Double], gradient g: [Double], rates: StepRates, state: inout MomentumState) {
        UpdateRules.descend(&theta, along: g, learningRate: rates.learningRate)
    }
}

extension RuleHyperparameters<SGDRule> {
    public init(learningRate: Double = 0.01, weightDecayMode: WeightDecayMode = .none, weightDecay: Double = 0) throws {
        try self.init(learningRate: learningRate, SGDRule(), weightDecayMode: weightDecayMode, weightDecay: weightDecay)
    }
}
