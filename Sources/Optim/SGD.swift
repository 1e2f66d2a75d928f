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
public struct SGD: MomentumOptimizer {
    public struct Hyperparameters: Codable, Equatable, Sendable {
        public let learningRate: Double
        public let weightDecayMode: WeightDecayMode
        public let weightDecay: Double

        public init(learningRate: Double = 0.01, weightDecayMode: WeightDecayMode = .none,
                    weightDecay: Double = 0) throws {
            self.learningRate = learningRate
            self.weightDecayMode = weightDecayMode
            self.weightDecay = weightDecay
            try validate()
        }

        public func validate() throws {
            try Validate.rates(self)
        }

        enum CodingKeys: String, CodingKey {
            case learningRate = "lr", weightDecayMode = "weight_decay_mode", weightDecay = "weight_decay"
        }
    }

    public var hyperparameters: Hyperparameters
    public var schedules: Schedules

    public init(_ hyperparameters: Hyperparameters, schedules: Schedules = .constant) {
        self.hyperparameters = hyperparameters
        self.schedules = schedules
    }

    public func initialState(dimension: Int) -> MomentumState { MomentumState(momentum: []) }

    func update(_ theta: inout [Double], gradient g: [Double], rates: StepRates, state: inout MomentumState) {
        UpdateRules.descend(&theta, along: g, learningRate: rates.learningRate)
    }
}
