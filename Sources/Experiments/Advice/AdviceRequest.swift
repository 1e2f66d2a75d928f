import DataIO
import NN
import Optim

/// What `biaslab advise` is asked: a model and data (the objective), θ, an optimizer with its typed
/// hyperparameters, the batch size it trains with and, optionally, a batch size to move to (issue 21).
///
/// θ is either given (`--params`) or reached by a short warm-up: K steps of the optimizer itself from
/// `parameters`, with batches of size b drawn without replacement (shuffled epochs) from stream "sampler"
/// of `seed` (``Training/run(objective:optimizer:parameters:batches:steps:observe:afterUpdate:)``).
public struct AdviceRequest {
    /// Where θ comes from.
    public enum Start: Equatable, Sendable {
        /// θ as given.
        case given
        /// K ≥ 1 steps of the optimizer from the given θ (its initialization).
        case warmUp(steps: Int)
    }

    public let objective: any Objective
    public let parameters: [Double]
    /// The optimizer's typed hyperparameters (η is `optimizer.learningRate`).
    public let optimizer: any OptimizerSettings
    /// The preset name, for the report (`adam:torch`, `sgd`, …).
    public let optimizerName: String
    /// b ∈ [1, N].
    public let batchSize: Int
    /// The batch size to move to, in [1, N]; nil: the batch-size section does not apply.
    public let targetBatchSize: Int?
    public let start: Start
    public let budget: AdviceBudget

    /// - Throws: ``AdviceInputError`` naming the bad input (b or the target outside [1, N], θ of the wrong
    ///   length or not finite, K < 1, η ≤ 0).
    public init(objective: any Objective, parameters: [Double], optimizer: any OptimizerSettings, optimizerName: String,
                batchSize: Int, targetBatchSize: Int? = nil, start: Start = .given, budget: AdviceBudget = AdviceBudget()) throws {
        let n = objective.sampleCount
        guard parameters.count == objective.dimension else {
            throw AdviceInputError(input: "parameters", "θ holds \(parameters.count) values, the model has d = \(objective.dimension)")
        }
        guard parameters.allSatisfy(\.isFinite) else { throw AdviceInputError(input: "parameters", "θ must be finite") }
        guard (1...n).contains(batchSize) else {
            throw AdviceInputError(input: "batch-size", "must be in [1, \(n)] (the number of samples), got \(batchSize)")
        }
        if let target = targetBatchSize, !(1...n).contains(target) {
            throw AdviceInputError(input: "target-batch-size", "must be in [1, \(n)] (the number of samples), got \(target)")
        }
        if budget.estimators == .exact, n * objective.dimension > AdviceBudget.exactCeiling {
            throw AdviceInputError(input: "estimators", "exact streams all N per-sample gradients and takes N Hessian–vector products "
                                   + "(work ∝ N²·d); N·d = \(n) × \(objective.dimension) is above the ceiling of \(AdviceBudget.exactCeiling); use auto or sampled")
        }
        if case .warmUp(let k) = start, k < 1 {
            throw AdviceInputError(input: "warmup-steps", "must be at least 1, got \(k)")
        }
        guard optimizer.learningRate > 0, optimizer.learningRate.isFinite else {
            throw AdviceInputError(input: "lr", "the learning rate must be > 0, got \(optimizer.learningRate)")
        }
        self.objective = objective
        self.parameters = parameters
        self.optimizer = optimizer
        self.optimizerName = optimizerName
        self.batchSize = batchSize
        self.targetBatchSize = targetBatchSize
        self.start = start
        self.budget = budget
    }
}

/// The measurement budget: which estimators to use and how many samples the sampled ones draw.
public struct AdviceBudget: Equatable, Sendable {
    /// `auto` takes the exact estimators when the model is small enough (``AdviceBudget/exactLimit``).
    public enum Estimators: String, CaseIterable, Codable, Sendable {
        case auto, exact, sampled
    }

    /// The exact IAS, ρ_b-consistent S_b and Adam's stationary P need all N per-sample gradients (streamed, 64 at
    /// a time) and N Hessian–vector products: `auto` takes them while N·d ≤ 4·10⁶ and N ≤ 4096,
    /// else samples `batchCount` mini-batches (``sampledInteraction(hessian:populationSize:batchSize:sampling:batchCount:seed:blockSize:batchGradient:)``).
    public static let exactLimit = (entries: 4_000_000, samples: 4096)

    /// `exact` is refused above N·d = 5·10⁷, so no request asks for unbounded work (N products of cost ∝ N·d).
    public static let exactCeiling = 50_000_000

    public var estimators: Estimators = .auto
    /// Hutchinson probes for tr H (exact, from d unit vectors, when d ≤ probes).
    public var traceProbes = 100
    /// Mini-batches for the sampled IAS and diag S_b.
    public var batchCount = 64
    /// Seed of every probe, batch draw and of the warm-up's sampler.
    public var seed: UInt64 = 0

    public init() {}

    /// Whether the exact per-sample estimators are used for N samples of dimension d.
    public func usesExactEstimators(sampleCount n: Int, dimension d: Int) -> Bool {
        switch estimators {
        case .exact: true
        case .sampled: false
        case .auto: n * d <= Self.exactLimit.entries && n <= Self.exactLimit.samples
        }
    }
}

/// A bad input of an advice request, named: the CLI turns it into a one-line usage error (exit 2).
public struct AdviceInputError: Error, CustomStringConvertible, Equatable {
    public let input: String
    public let message: String
    public init(input: String, _ message: String) {
        self.input = input
        self.message = message
    }
    public var description: String { "--\(input): \(message)" }
}
