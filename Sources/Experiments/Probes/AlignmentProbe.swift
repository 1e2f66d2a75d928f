import Curvature
import Foundation
import Tensor

/// `alignment`: how the full-batch gradient and the top Hessian eigenvector turn between measurements
/// (paper 003, Lee & Jang, ICLR 2023, Figs. 22, 24–25; digest 003 §3 "alignment", §6 item 5):
///
/// ```
/// gradient_cosine         cos(∇L(θ_s), ∇L(θ_t)) = ∇L_sᵀ∇L_t / (‖∇L_s‖ ‖∇L_t‖)
/// eigenvector_cosine      |cos(q₁(H_s), q₁(H_t))| = |q₁(s)ᵀq₁(t)|                (sign-invariant)
/// gradient_top_alignment  |q₁(H_t)ᵀ∇L_t| / ‖∇L_t‖ = |cos(q₁, ∇L)|
/// ```
///
/// s is the **previous measurement** of this probe, so with `every: P` the cosines are between θ_t and
/// θ_{t−P}; at P = 1 they are the paper's cos(∇L_t, ∇L_{t+1}) and |cos(q₁(H_t), q₁(H_{t+1}))|. Nothing is
/// recorded for the two cosines at the first measurement, nor any metric where ∇L = 0. H is the
/// full-batch training Hessian, q₁ its top unit eigenvector (``TopEigenvalueTracker``: Lanczos by
/// default, warm-started from the previous q₁). At the edge of stability the paper observes
/// gradient_cosine ≈ −1 and eigenvector_cosine ≈ 0 (Fig. 24).
///
/// The previous ∇L and q₁ are the probe's memory, saved in checkpoints, so a resumed run records the
/// same numbers as an uninterrupted one. Options: those of `sharpness`; metrics: ``documentation``.
public struct AlignmentProbe: Probe {
    static let gradientCosine = ProbeMetric("gradient_cosine", "∇L_sᵀ∇L_t/(‖∇L_s‖‖∇L_t‖), s = t − P the previous measurement (every: P; at P = 1 paper 003 Fig. 24's cos(∇L_t, ∇L_{t+1}))",
                                            only: "from the second measurement")
    static let eigenvectorCosine = ProbeMetric("eigenvector_cosine", "|q₁(H_s)ᵀq₁(H_t)|, q₁ the top unit Hessian eigenvector, s the previous measurement",
                                               only: "from the second measurement")
    static let topAlignment = ProbeMetric("gradient_top_alignment", "|q₁(H_t)ᵀ∇L_t|/‖∇L_t‖ (paper 003 Figs. 22, 24)")
    public static let documentation = ProbeDescription(
        name: "alignment", summary: "cos(∇L_s, ∇L_t), |cos(q₁(s), q₁(t))| between consecutive measurements and |cos(q₁, ∇L)|",
        reference: "Lee & Jang, ICLR 2023 (paper 003), Figs. 22, 24, 25",
        options: TopEigenvalueTracker.options, metrics: [gradientCosine, eigenvectorCosine, topAlignment])

    /// The checkpointed memory: ∇L and q₁ at the previous measurement.
    struct State: Codable {
        var gradient: [Double]?
        var eigenvector: [Double]?
    }

    var tracker: TopEigenvalueTracker
    var previousGradient: [Double]?

    public init(options: inout ConfigReader) throws(ConfigError) {
        tracker = try TopEigenvalueTracker(options: &options)
    }

    public mutating func measure(_ context: ProbeContext) throws -> [String: Double] {
        let gradient = context.objective.gradient(at: context.parameters)
        let previousEigenvector = ProbeContext.warmStart(tracker.vector, dimension: gradient.count)
        _ = try tracker.measure(HessianOperator(objective: context.objective, at: context.parameters), seed: context.seed)
        defer { previousGradient = gradient }
        let norm = length(gradient)
        guard let eigenvector = tracker.vector, norm > 0 else { return [:] }
        var out = [Self.topAlignment.name: abs(VectorOps.dot(eigenvector, gradient)) / (length(eigenvector) * norm)]
        if let previous = previousGradient, previous.count == gradient.count {
            let previousNorm = length(previous)
            if previousNorm > 0 { out[Self.gradientCosine.name] = VectorOps.dot(previous, gradient) / (previousNorm * norm) }
        }
        if let previous = previousEigenvector {
            out[Self.eigenvectorCosine.name] = abs(VectorOps.dot(previous, eigenvector)) / (length(previous) * length(eigenvector))
        }
        return out
    }

    /// ‖v‖ (eigensolvers return unit vectors up to rounding; dividing by it keeps the cosines exact).
    private func length(_ v: [Double]) -> Double { VectorOps.dot(v, v).squareRoot() }

    public func encodedState() throws -> Data? {
        try JSONEncoder().encode(State(gradient: previousGradient, eigenvector: tracker.vector))
    }

    public mutating func restoreState(from data: Data) throws {
        let state = try JSONDecoder().decode(State.self, from: data)
        previousGradient = state.gradient
        tracker.vector = state.eigenvector
    }
}
