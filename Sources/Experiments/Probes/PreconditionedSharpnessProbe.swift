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
/// so nothing is recorded at step 0. Options as ``SharpnessProbe``; metrics: ``documentation``.
public struct PreconditionedSharpnessProbe: Probe {
    static let sharpness = ProbeMetric("preconditioned_sharpness", "λ₁(P_t^{-1/2} H P_t^{-1/2}) = λ₁(P_t⁻¹H), P_t the optimizer's diagonal preconditioner",
                                       only: "after the first update")
    static let iterations = ProbeMetric("preconditioned_sharpness_iterations", "operator products the eigensolver used",
                                        only: "after the first update")
    static let threshold = ProbeMetric("aeos_threshold", "(2 + 2β₁)/((1 − β₁)η_t), 38/η_t at β₁ = 0.9",
                                       only: "after the first update, when the optimizer has beta1")
    public static let documentation = ProbeDescription(
        name: "preconditioned_sharpness", summary: "λ_max(P⁻¹H) of an adaptive optimizer and its threshold (2+2β₁)/((1−β₁)η)",
        reference: "Cohen et al. 2022, Adaptive Gradient Methods at the Edge of Stability (arXiv 2207.14484), §2",
        options: TopEigenvalueTracker.options, metrics: [sharpness, iterations, threshold])
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
        var out = [Self.sharpness.name: top.value, Self.iterations.name: Double(top.iterations)]
        if let beta1 = context.hyperparameters.firstMomentDecay,
           let threshold = try? StabilityThreshold.adam(learningRate: context.learningRate, beta1: beta1) {
            out[Self.threshold.name] = threshold
        }
        return out
    }

    public func encodedState() throws -> Data? { try tracker.encodedState() }
    public mutating func restoreState(from data: Data) throws { try tracker.restoreState(from: data) }
}
