import Curvature
import Foundation
import Theory

/// `preconditioned_sharpness`: λ₁(P_t⁻¹H) of an adaptive optimizer, the top eigenvalue of
/// ``PreconditionedOperator`` P^{-1/2} H P^{-1/2} with P_t the optimizer's ``OptimizerInstance/preconditionerDiagonal``
/// after t updates, and the adaptive-edge-of-stability threshold (2 + 2β₁)/((1 − β₁)η_t) (Cohen et al.
/// 2022, "Adaptive Gradient Methods at the Edge of Stability", arXiv 2207.14484; peers-and-conventions
/// §2 item 5; ``StabilityThreshold/adam(learningRate:beta1:)``), 38/η at β₁ = 0.9.
///
/// Before the first update P₀ carries no curvature information (v₀ = 0, so P₀ is ε or undefined),
/// so nothing is recorded at step 0. Metrics: `preconditioned_sharpness`, `preconditioned_sharpness_iterations`,
/// `aeos_threshold` (when the optimizer has a `beta1`). Options as ``SharpnessProbe``.
public struct PreconditionedSharpnessProbe: Probe {
    public static let name = "preconditioned_sharpness"
    public static let summary = "λ_max(P⁻¹H) for adaptive optimizers and (2+2β₁)/((1−β₁)η): preconditioned_sharpness, aeos_threshold"
    var tracker: TopEigenvalueTracker

    public init(options: inout ConfigReader) throws(ConfigError) {
        tracker = try TopEigenvalueTracker(options: &options)
    }

    public func check(_ setup: ProbeSetup) throws(ConfigError) {
        guard setup.optimizerIsAdaptive else {
            throw ConfigError(path: setup.path, "preconditioned_sharpness needs an adaptive optimizer (adam, rmsprop, …) with a diagonal preconditioner")
        }
    }

    public mutating func measure(_ context: ProbeContext) throws -> [String: Double] {
        guard context.optimizer.stepCount > 0, let p = context.optimizer.preconditionerDiagonal, p.allSatisfy({ $0.isFinite && $0 > 0 }) else { return [:] }
        let matrix = PreconditionedOperator(HessianOperator(objective: context.objective, at: context.parameters), preconditioner: p)
        let top = try tracker.measure(matrix, seed: context.seed)
        var out = ["preconditioned_sharpness": top.value, "preconditioned_sharpness_iterations": Double(top.iterations)]
        if let beta1 = context.hyperparameters.firstMomentDecay,
           let threshold = try? StabilityThreshold.adam(learningRate: context.learningRate, beta1: beta1) {
            out["aeos_threshold"] = threshold
        }
        return out
    }

    public func encodedState() throws -> Data? { try tracker.encodedState() }
    public mutating func restoreState(from data: Data) throws { try tracker.restoreState(from: data) }
}
