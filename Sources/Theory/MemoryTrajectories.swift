import Foundation
import NN
import Optim

/// Which coefficients the memoryless iterations use (digest 001 §4.2 caveat 1).
public enum MemoryCoefficientForm: String, Codable, Sendable, CaseIterable {
    /// The exact finite-n drift F^{(n)}(θ) and correction M^{(n)}(θ) (`MemoryClosedForm`, step n): O(h²).
    case finite
    /// Finite-n drift, n → ∞ correction: still O(h²), since Σ_n h²·o_n(1) = O(h²) (slopes 1.20 → 1.72).
    case limitCorrection
    /// n → ∞ drift and correction: the transient Σ_n hβ^{n+1}|g|/(1−β) of the drift makes the global error
    /// O(h) (oracle T6; HB slopes 0.77, 0.86, 0.91).
    case limit

    var driftStep: (Int) -> Int? { self == .limit ? { _ in nil } : { $0 } }
    var correctionStep: (Int) -> Int? { self == .finite ? { $0 } : { _ in nil } }
}

/// Three trajectories from one θ⁽⁰⁾ (paper 001 Theorem 3.2 / Corollary 3.3, Fig. 1; digest 001 §4):
///
/// ```
/// memoryful     θ^{(n+1)} = θ^{(n)} − h F^{(n)}(θ^{(n)}, …, θ^{(0)})            (the Optim optimizer)
/// first order   θ̃^{(n+1)} = θ̃^{(n)} − h F^{(n)}(θ̃^{(n)})                        (memory dropped)
/// second order  θ̃^{(n+1)} = θ̃^{(n)} − h [F^{(n)}(θ̃^{(n)}) + M^{(n)}(θ̃^{(n)})]   (with the correction)
/// ```
/// with the drift and correction of `MemoryClosedForm` in the chosen `MemoryCoefficientForm` (default the
/// exact finite-n forms; the limit forms add an O(h) transient, digest 001 §4.2). Distances are ℓ∞ per step
/// and their maximum over n ≤ steps; Corollary 3.3 predicts O(h²) with the correction and O(h) without, over
/// a fixed horizon T = steps·h.
///
/// The Theorem 3.2 residual feeds the second-order trajectory's own history through the memoryful update
/// (the Optim optimizer's recursion driven by g(θ̃^{(k)}), k ≤ n):
///
/// ```
/// r_n = ‖θ̃^{(n+1)} − θ̃^{(n)} + h F^{(n)}(θ̃^{(n)}, …, θ̃^{(0)})‖_∞,    max_n r_n ≤ C₁h³   (Theorem 3.2)
/// ```
public struct MemoryTrajectories: Codable, Sendable {
    public let learningRate: Double
    public let coefficients: MemoryCoefficientForm
    public let memoryful: [[Double]]
    public let firstOrder: [[Double]]
    public let secondOrder: [[Double]]
    /// r_n for n = 0…steps−1 (Theorem 3.2).
    public let residuals: [Double]

    public init(optimizer: MemoryOptimizer, objective: some Objective, learningRate h: Double, from start: [Double],
                steps: Int, coefficients form: MemoryCoefficientForm = .finite) throws {
        learningRate = h
        coefficients = form
        var memoryful = [start], first = [start], second = [start], residuals: [Double] = []
        try Self.walk(optimizer: optimizer, objective: objective, learningRate: h, from: start, steps: steps, coefficients: form) { step in
            memoryful.append(step.memoryful)
            first.append(step.firstOrder)
            second.append(step.secondOrder)
            residuals.append(step.residual)
        }
        self.memoryful = memoryful
        firstOrder = first
        secondOrder = second
        self.residuals = residuals
    }

    /// The three iterates after step n (n = 0…steps−1, so they are θ^{(n+1)}, θ̃^{(n+1)}) and r_n.
    public struct Step {
        public let n: Int
        public let memoryful: [Double]
        public let firstOrder: [Double]
        public let secondOrder: [Double]
        public let residual: Double

        /// ‖θ^{(n+1)} − θ̃^{(n+1)}‖_∞ without the correction.
        public var firstOrderDistance: Double { zip(memoryful, firstOrder).map { abs($0 - $1) }.max() ?? 0 }
        /// ‖θ^{(n+1)} − θ̃^{(n+1)}‖_∞ with the correction.
        public var secondOrderDistance: Double { zip(memoryful, secondOrder).map { abs($0 - $1) }.max() ?? 0 }
    }

    /// Runs the three trajectories and hands each step to `visit` without keeping the iterates (for models
    /// whose d × steps iterates would not fit in memory, e.g. the 001-trajectory study).
    public static func walk(optimizer: MemoryOptimizer, objective: some Objective, learningRate h: Double, from start: [Double],
                            steps: Int, coefficients form: MemoryCoefficientForm = .finite, visit: (Step) throws -> Void) throws {
        try Check.positive(h, "learningRate")
        let recursion = try optimizer.optimizer(learningRate: h)
        // The memoryful run is BiasLab's training loop on full-batch gradients; after its update n the two
        // memoryless iterations take their step n beside it.
        var memoryful = StatefulOptimizer(recursion, dimension: start.count)
        var residualState = recursion.initialState(dimension: start.count)
        var theta = start, a = start, b = start
        var batches = FullBatch()
        try Training.run(optimizer: &memoryful, parameters: &theta, batches: &batches, steps: 0..<steps,
                         evaluate: { _, theta, _ in (nil, objective.gradient(at: theta)) },
                         afterUpdate: { next, theta in
                             let n = next - 1
                             let fa = MemoryClosedForm.drift(for: optimizer, gradient: objective.gradient(at: a), parameters: a, step: form.driftStep(n))
                             for i in a.indices { a[i] -= h * fa[i] }
                             let gb = objective.gradient(at: b)
                             var memoryfulStep = b
                             recursion.step(parameters: &memoryfulStep, gradient: gb, state: &residualState)
                             let fb = MemoryClosedForm.drift(for: optimizer, gradient: gb, parameters: b, step: form.driftStep(n))
                             let mb = MemoryClosedForm.correction(for: optimizer, objective: objective, at: b, learningRate: h,
                                                                  step: form.correctionStep(n))
                             for i in b.indices { b[i] -= h * (fb[i] + mb[i]) }
                             try visit(Step(n: n, memoryful: theta, firstOrder: a, secondOrder: b,
                                            residual: zip(b, memoryfulStep).map { abs($0 - $1) }.max() ?? 0))
                             return .proceed
                         })
    }

    /// ‖θ^{(n)} − θ̃^{(n)}‖_∞ for n = 0…steps, without the correction.
    public var firstOrderDistances: [Double] { Self.distances(memoryful, firstOrder) }
    /// ‖θ^{(n)} − θ̃^{(n)}‖_∞ for n = 0…steps, with the correction.
    public var secondOrderDistances: [Double] { Self.distances(memoryful, secondOrder) }
    /// max_n ‖θ^{(n)} − θ̃^{(n)}‖_∞ without the correction (O(h)).
    public var firstOrderError: Double { firstOrderDistances.max() ?? 0 }
    /// max_n ‖θ^{(n)} − θ̃^{(n)}‖_∞ with the correction (O(h²), Corollary 3.3).
    public var secondOrderError: Double { secondOrderDistances.max() ?? 0 }
    /// max_n r_n (O(h³), Theorem 3.2).
    public var residual: Double { residuals.max() ?? 0 }

    static func distances(_ a: [[Double]], _ b: [[Double]]) -> [Double] {
        zip(a, b).map { x, y in zip(x, y).map { abs($0 - $1) }.max() ?? 0 }
    }
}

/// The error orders of the memoryless approximations (digest 001 §4.4): run the three trajectories at
/// h_j = h₀/2^j with steps_j = steps₀·2^j (a fixed horizon T), and take slopes log₂(e_j/e_{j+1}).
/// Expected with `.finite` coefficients: → 2 with the correction, → 1 without, → 3 for the Theorem 3.2
/// residual; with `.limit` coefficients → 1 even with the correction (oracle T6).
public struct MemoryConvergenceOrder: Codable, Sendable {
    public let learningRates: [Double]
    public let firstOrderErrors: [Double]
    public let secondOrderErrors: [Double]
    /// max_n r_n per h (Theorem 3.2).
    public let residuals: [Double]
    /// Per h: ‖θ^{(n)} − θ̃^{(n)}‖_∞ for n = 0…steps_j, without the correction (the whole curve of Fig. 1).
    public let firstOrderCurves: [[Double]]
    /// Per h: ‖θ^{(n)} − θ̃^{(n)}‖_∞ for n = 0…steps_j, with the correction.
    public let secondOrderCurves: [[Double]]

    public init(optimizer: MemoryOptimizer, objective: some Objective, from start: [Double], learningRate h0: Double,
                steps: Int, refinements: Int = 2, coefficients: MemoryCoefficientForm = .finite) throws {
        var rates: [Double] = [], first: [Double] = [], second: [Double] = [], residuals: [Double] = []
        var firstCurves: [[Double]] = [], secondCurves: [[Double]] = []
        for j in 0...refinements {
            let scale = 1 << j
            let run = try MemoryTrajectories(optimizer: optimizer, objective: objective, learningRate: h0 / Double(scale),
                                             from: start, steps: steps * scale, coefficients: coefficients)
            rates.append(run.learningRate)
            firstCurves.append(run.firstOrderDistances)
            secondCurves.append(run.secondOrderDistances)
            first.append(firstCurves.last!.max() ?? 0)
            second.append(secondCurves.last!.max() ?? 0)
            residuals.append(run.residual)
        }
        learningRates = rates
        firstOrderErrors = first
        secondOrderErrors = second
        self.residuals = residuals
        firstOrderCurves = firstCurves
        secondOrderCurves = secondCurves
    }

    /// log₂(e_j/e_{j+1}) without the correction.
    public var firstOrderSlopes: [Double] { Self.slopes(firstOrderErrors) }
    /// log₂(e_j/e_{j+1}) with the correction.
    public var secondOrderSlopes: [Double] { Self.slopes(secondOrderErrors) }
    /// log₂(r_j/r_{j+1}) of the Theorem 3.2 residual.
    public var residualSlopes: [Double] { Self.slopes(residuals) }

    static func slopes(_ errors: [Double]) -> [Double] {
        zip(errors, errors.dropFirst()).map { log2($0 / $1) }
    }
}
