import Curvature
import Foundation
import Theory

/// `sharpness`: λ₁(∇²L(θ)), the top eigenvalue of the full-batch training-loss Hessian
/// (``HessianOperator``), warm-started from the previous measurement (``TopEigenvalueTracker``), with
/// the gradient-descent stability threshold 2/η_t (Cohen et al. 2021, "Gradient Descent on Neural
/// Networks Typically Occurs at the Edge of Stability", arXiv 2103.00065; ``StabilityThreshold/sgd(learningRate:concentration:)``),
/// and for a momentum method its threshold (2/η_t)(1 + β₁)/(1 + 2β₂) (paper 003 Theorem 2, ``MomentumThreshold``).
///
/// Options (``TopEigenvalueTracker``) and metrics: ``documentation``.
public struct SharpnessProbe: Probe {
    static let lambdaMax = ProbeMetric("lambda_max", "λ₁(∇²L(θ_t)), the largest eigenvalue of the full-batch training Hessian")
    static let iterations = ProbeMetric("lambda_max_iterations", "Hessian–vector products the eigensolver used")
    static let threshold = ProbeMetric("gd_threshold", "2/η_t, the stability threshold of λ_max under GD and of batch sharpness and tr(H S_b)/tr(S_N) under SGD")
    public static let documentation = ProbeDescription(
        name: "sharpness", summary: "λ_max of the training Hessian (warm-started Lanczos or power iteration) and 2/η",
        reference: "Cohen et al. 2021, Gradient Descent on Neural Networks Typically Occurs at the Edge of Stability (arXiv 2103.00065), §3",
        options: TopEigenvalueTracker.options, metrics: [lambdaMax, iterations] + thresholds)
    var tracker: TopEigenvalueTracker

    public init(options: inout ConfigReader) throws(ConfigError) {
        tracker = try TopEigenvalueTracker(options: &options)
    }

    public mutating func measure(_ context: ProbeContext) throws -> [String: Double] {
        let hessian = HessianOperator(objective: context.objective, at: context.parameters)
        let top = try tracker.measure(hessian, seed: context.seed)
        var out = [Self.lambdaMax.name: top.value, Self.iterations.name: Double(top.iterations)]
        Self.recordThreshold(context, into: &out)
        return out
    }

    /// Adds `gd_threshold` = 2/η_t (none when η_t ≤ 0): the threshold of λ_max (GD), of batch sharpness
    /// and of the instability ratio (SGD), recorded by every probe measuring one of them; and for a
    /// momentum method `momentum_threshold` = (2/η_t)(1 + β₁)/(1 + 2β₂) (``MomentumThreshold``), the
    /// threshold those quantities move to (paper 003 Theorem 2).
    static func recordThreshold(_ context: ProbeContext, into values: inout [String: Double]) {
        if let threshold = try? StabilityThreshold.sgd(learningRate: context.learningRate) { values[Self.threshold.name] = threshold }
        MomentumThreshold.record(context, into: &values)
    }

    /// The thresholds ``recordThreshold(_:into:)`` records, for probe descriptions.
    static let thresholds = [threshold, MomentumThreshold.metric]

    public func encodedState() throws -> Data? { try tracker.encodedState() }
    public mutating func restoreState(from data: Data) throws { try tracker.restoreState(from: data) }
}
