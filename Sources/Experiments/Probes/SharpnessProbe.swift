import Curvature
import Foundation
import Theory

/// `sharpness`: λ₁(∇²L(θ)), the top eigenvalue of the full-batch training-loss Hessian
/// (``HessianOperator``), warm-started from the previous measurement (``TopEigenvalueTracker``), with
/// the gradient-descent stability threshold 2/η_t (Cohen et al. 2021, "Gradient Descent on Neural
/// Networks Typically Occurs at the Edge of Stability", arXiv 2103.00065; ``StabilityThreshold/sgd(learningRate:concentration:)``).
///
/// Metrics: `lambda_max`, `lambda_max_iterations`, `gd_threshold` (= 2/η_t).
/// Options: `method` (lanczos | power), `tolerance`, `max_iterations`.
public struct SharpnessProbe: Probe {
    public static let name = "sharpness"
    public static let summary = "λ_max of the training Hessian (warm-started Lanczos or power iteration) and 2/η: lambda_max, gd_threshold"
    var tracker: TopEigenvalueTracker

    public init(options: inout ConfigReader) throws(ConfigError) {
        tracker = try TopEigenvalueTracker(options: &options)
    }

    public mutating func measure(_ context: ProbeContext) throws -> [String: Double] {
        let hessian = HessianOperator(objective: context.objective, at: context.parameters)
        let top = try tracker.measure(hessian, seed: context.seed)
        var out = ["lambda_max": top.value, "lambda_max_iterations": Double(top.iterations)]
        if let threshold = try? StabilityThreshold.sgd(learningRate: context.learningRate) { out["gd_threshold"] = threshold }
        return out
    }

    public func encodedState() throws -> Data? { try tracker.encodedState() }
    public mutating func restoreState(from data: Data) throws { try tracker.restoreState(from: data) }
}
