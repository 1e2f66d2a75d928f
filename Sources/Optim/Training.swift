import DataIO
import NN

/// What the observer of a training run sees at step t, before the update: θ_t, the batch B_t, the batch
/// loss L_{B_t}(θ_t) (nil when the gradient comes from a field without a loss) and ∇L_{B_t}(θ_t).
public struct TrainingStep: Sendable {
    /// t: the updates already applied.
    public let step: Int
    public let parameters: [Double]
    /// B_t; nil for the full batch.
    public let batch: [Int]?
    public let loss: Double?
    public let gradient: [Double]
}

/// Whether a run goes on after an observer has looked at it.
public enum TrainingDecision: Sendable, Equatable {
    case proceed
    case stop
}

/// Where a run's batches come from: ``BatchSampler`` (every sampling scheme), or ``FullBatch``.
public protocol BatchSource {
    /// B_t for the next step; nil for the full batch.
    mutating func nextBatch() -> [Int]?
}

extension BatchSampler: BatchSource {
    public mutating func nextBatch() -> [Int]? { next() }
}

/// A source when there is one, else the full batch (`BatchSampler?`: nil for gradient descent).
extension Optional: BatchSource where Wrapped: BatchSource {
    public mutating func nextBatch() -> [Int]? {
        guard case .some(var source) = self else { return nil }
        let batch = source.nextBatch()
        self = .some(source)
        return batch
    }
}

/// Every step on all samples (gradient descent).
public struct FullBatch: BatchSource {
    public init() {}
    public func nextBatch() -> [Int]? { nil }
}

/// Anything that applies one update given g: ``OptimizerInstance`` (an optimizer with its state), or
/// ``StatefulOptimizer`` around any ``Optimizer``.
public protocol Stepping {
    mutating func step(parameters: inout [Double], gradient: [Double])
}

extension OptimizerInstance: Stepping {}

/// An ``Optimizer`` with its state, stepping in place.
public struct StatefulOptimizer<O: Optimizer>: Stepping {
    public let optimizer: O
    public var state: O.State

    public init(_ optimizer: O, dimension: Int) {
        self.optimizer = optimizer
        self.state = optimizer.initialState(dimension: dimension)
    }

    public mutating func step(parameters: inout [Double], gradient: [Double]) {
        optimizer.step(parameters: &parameters, gradient: gradient, state: &state)
    }
}

/// BiasLab's one training loop — `biaslab train`, instrumented runs, the theory commands' trajectories and
/// the tests all step through it. For t in `steps`:
/// ```
/// B_t = batches.nextBatch()                    (nil: the full batch)
/// (L_t, g_t) = evaluate(t, θ_t, B_t)           (L_{B_t}(θ_t), ∇L_{B_t}(θ_t); t for per-step noise)
/// observe(t, θ_t, B_t, L_t, g_t, optimizer)  → stop?   (record, probe with the optimizer's state at t,
///                                                      check divergence or a target)
/// θ_{t+1} = update(θ_t, g_t)                   (the optimizer and its state)
/// afterUpdate(t + 1, θ_{t+1})     → stop?      (progress, checkpoints, interruption)
/// ```
public enum Training {
    /// Runs the loop; returns the number of updates applied (`steps.count` unless an observer stopped it).
    @discardableResult
    public static func run<S: Stepping, B: BatchSource>(
        optimizer: inout S, parameters: inout [Double], batches: inout B, steps: Range<Int>,
        evaluate: (_ step: Int, _ parameters: [Double], _ batch: [Int]?) -> (loss: Double?, gradient: [Double]),
        observe: (TrainingStep, _ optimizer: S) throws -> TrainingDecision = { _, _ in .proceed },
        afterUpdate: (_ step: Int, _ parameters: [Double]) throws -> TrainingDecision = { _, _ in .proceed }
    ) rethrows -> Int {
        var applied = 0
        for t in steps {
            let batch = batches.nextBatch()
            let (loss, gradient) = evaluate(t, parameters, batch)
            if try observe(TrainingStep(step: t, parameters: parameters, batch: batch, loss: loss, gradient: gradient), optimizer) == .stop {
                return applied
            }
            optimizer.step(parameters: &parameters, gradient: gradient)
            applied += 1
            if try afterUpdate(t + 1, parameters) == .stop { return applied }
        }
        return applied
    }

    /// The loop on an objective: evaluate is (L_B(θ), ∇L_B(θ)) of `objective`.
    @discardableResult
    public static func run<S: Stepping, B: BatchSource>(
        objective: any Objective, optimizer: inout S, parameters: inout [Double], batches: inout B, steps: Range<Int>,
        observe: (TrainingStep, _ optimizer: S) throws -> TrainingDecision = { _, _ in .proceed },
        afterUpdate: (_ step: Int, _ parameters: [Double]) throws -> TrainingDecision = { _, _ in .proceed }
    ) rethrows -> Int {
        try run(optimizer: &optimizer, parameters: &parameters, batches: &batches, steps: steps,
                evaluate: { _, theta, batch in
                    let (loss, gradient) = objective.valueAndGradient(at: theta, batch: batch)
                    return (loss, gradient)
                }, observe: observe, afterUpdate: afterUpdate)
    }
}

extension Optimizer {
    /// Runs `count` full-batch steps from `parameters` with gradients from the field `gradient(θ)`
    /// (``Training/run(optimizer:parameters:batches:steps:evaluate:observe:afterUpdate:)``), returning every
    /// iterate after θ₀.
    public func trajectory(from parameters: [Double], steps count: Int,
                           gradient: ([Double]) -> [Double]) -> [[Double]] {
        var stepper = StatefulOptimizer(self, dimension: parameters.count)
        var theta = parameters
        var batches = FullBatch()
        var out: [[Double]] = []
        Training.run(optimizer: &stepper, parameters: &theta, batches: &batches, steps: 0..<count,
                     evaluate: { _, theta, _ in (nil, gradient(theta)) }, observe: { _, _ in .proceed },
                     afterUpdate: { _, theta in out.append(theta); return .proceed })
        return out
    }
}
