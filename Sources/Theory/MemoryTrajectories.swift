import Foundation
import NN

/// Three trajectories from one θ⁽⁰⁾ (paper 001 Theorem 3.2 / Corollary 3.3, Fig. 1; digest 001 §4):
///
/// ```
/// memoryful     θ^{(n+1)} = θ^{(n)} − h F^{(n)}(θ^{(n)}, …, θ^{(0)})            (the Optim optimizer)
/// first order   θ̃^{(n+1)} = θ̃^{(n)} − h F^{(n)}(θ̃^{(n)})                        (memory dropped)
/// second order  θ̃^{(n+1)} = θ̃^{(n)} − h [F^{(n)}(θ̃^{(n)}) + M^{(n)}(θ̃^{(n)})]   (with the correction)
/// ```
/// with the exact finite-n drift and correction of `MemoryClosedForm` (the limit forms would add an O(h)
/// transient, digest 001 §4.2). Distances are ℓ∞ per step and their maximum over n ≤ steps; Corollary 3.3
/// predicts O(h²) with the correction and O(h) without, over a fixed horizon T = steps·h.
public struct MemoryTrajectories: Codable, Sendable {
    public let learningRate: Double
    public let memoryful: [[Double]]
    public let firstOrder: [[Double]]
    public let secondOrder: [[Double]]

    public init(optimizer: MemoryOptimizer, objective: some Objective, learningRate h: Double, from start: [Double],
                steps: Int) throws {
        try optimizer.validate()
        try Check.positive(h, "learningRate")
        learningRate = h
        memoryful = try optimizer.memoryfulTrajectory(learningRate: h, from: start, steps: steps) { objective.gradient(at: $0) }
        var first = [start], second = [start]
        var a = start, b = start
        for n in 0..<steps {
            let fa = MemoryClosedForm.drift(for: optimizer, gradient: objective.gradient(at: a), parameters: a, step: n)
            for i in a.indices { a[i] -= h * fa[i] }
            let fb = MemoryClosedForm.drift(for: optimizer, gradient: objective.gradient(at: b), parameters: b, step: n)
            let mb = MemoryClosedForm.correction(for: optimizer, objective: objective, at: b, learningRate: h, step: n)
            for i in b.indices { b[i] -= h * (fb[i] + mb[i]) }
            first.append(a)
            second.append(b)
        }
        firstOrder = first
        secondOrder = second
    }

    /// ‖θ^{(n)} − θ̃^{(n)}‖_∞ for n = 0…steps, without the correction.
    public var firstOrderDistances: [Double] { Self.distances(memoryful, firstOrder) }
    /// ‖θ^{(n)} − θ̃^{(n)}‖_∞ for n = 0…steps, with the correction.
    public var secondOrderDistances: [Double] { Self.distances(memoryful, secondOrder) }
    /// max_n ‖θ^{(n)} − θ̃^{(n)}‖_∞ without the correction (O(h)).
    public var firstOrderError: Double { firstOrderDistances.max() ?? 0 }
    /// max_n ‖θ^{(n)} − θ̃^{(n)}‖_∞ with the correction (O(h²), Corollary 3.3).
    public var secondOrderError: Double { secondOrderDistances.max() ?? 0 }

    static func distances(_ a: [[Double]], _ b: [[Double]]) -> [Double] {
        zip(a, b).map { x, y in zip(x, y).map { abs($0 - $1) }.max() ?? 0 }
    }
}

/// The global error order of the memoryless approximations (digest 001 §4.4): run the three trajectories
/// at h_j = h₀/2^j with steps_j = steps₀·2^j (a fixed horizon T), and take slopes log₂(e_j/e_{j+1}).
/// Expected: → 2 with the correction, → 1 without.
public struct MemoryConvergenceOrder: Codable, Sendable {
    public let learningRates: [Double]
    public let firstOrderErrors: [Double]
    public let secondOrderErrors: [Double]

    public init(optimizer: MemoryOptimizer, objective: some Objective, from start: [Double], learningRate h0: Double,
                steps: Int, refinements: Int = 2) throws {
        var rates: [Double] = [], first: [Double] = [], second: [Double] = []
        for j in 0...refinements {
            let scale = 1 << j
            let run = try MemoryTrajectories(optimizer: optimizer, objective: objective, learningRate: h0 / Double(scale),
                                             from: start, steps: steps * scale)
            rates.append(run.learningRate)
            first.append(run.firstOrderError)
            second.append(run.secondOrderError)
        }
        learningRates = rates
        firstOrderErrors = first
        secondOrderErrors = second
    }

    /// log₂(e_j/e_{j+1}) without the correction.
    public var firstOrderSlopes: [Double] { Self.slopes(firstOrderErrors) }
    /// log₂(e_j/e_{j+1}) with the correction.
    public var secondOrderSlopes: [Double] { Self.slopes(secondOrderErrors) }

    static func slopes(_ errors: [Double]) -> [Double] {
        zip(errors, errors.dropFirst()).map { log2($0 / $1) }
    }
}
