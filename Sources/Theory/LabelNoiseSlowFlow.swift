import Foundation
import Tensor

/// The label-noise slow ODE of paper 002 on the minimizer manifold Γ (Thm 5.1/5.2, App. G; digest 002 §4.6),
/// time t = kη², α such that Σ = αH on Γ (δ²/B for ±δ label noise with the ½-loss):
///
/// ```
/// dv/dt = c(α diag H(ζ) − v),                c = (1 − β₂)/η²
/// dζ/dt = −(α/4) Π_{S(v)} ∇_ζ⟨H(ζ), S⟩|_{S frozen},   Π_S = ∂Φ_S S = S − SJᵀ(JSJᵀ)⁻¹JS
/// S(v) = Diag(1/(v^λ + ε))   (Adam: λ = ½; AdamE-λ)        S = I for SGD (no v; drift −(α/4)P_T ∇tr H)
/// ```
///
/// (coefficient α/4 derived in digest 002 §4.6; it reproduces Li et al.'s label-noise SGD flow.) Integrated by
/// explicit Euler on ζ with the step length capped at `maxStep` (the ODE is stiff near points where a
/// diagonal entry of H vanishes), the exact exponential update of v, and the Gauss–Newton retraction along
/// S·N after every step. Fixed points: ∇R ⊥ T_ζΓ for R = tr(Diag(H)^{1−λ}) (SGD: tr H).
public struct LabelNoiseSlowFlow: Sendable {
    /// The preconditioner S.
    public enum Preconditioner: Codable, Equatable, Sendable {
        /// S = I (label-noise SGD).
        case identity
        /// S = Diag(1/(v^λ + ε)) (AdamE-λ; Adam is λ = ½).
        case adaptive(lambda: Double, epsilon: Double, c: Double)
    }

    /// A point of the flow.
    public struct Point: Codable, Equatable, Sendable {
        public var time: Double
        public var theta: [Double]
        /// v (empty for `.identity`).
        public var secondMoment: [Double]
    }

    public let alpha: Double
    public let preconditioner: Preconditioner

    public init(alpha: Double, preconditioner: Preconditioner) throws {
        try Check.positive(alpha, "alpha")
        if case let .adaptive(lambda, epsilon, c) = preconditioner {
            guard lambda >= 0, lambda < 1 else { throw TheoryInputError(name: "lambda", value: lambda, expected: "in [0, 1)") }
            try Check.nonNegative(epsilon, "epsilon")
            try Check.positive(c, "c")
        }
        self.alpha = alpha
        self.preconditioner = preconditioner
    }

    /// diag S(v).
    public func scaling(_ v: [Double], dimension: Int) -> [Double] {
        switch preconditioner {
        case .identity: [Double](repeating: 1, count: dimension)
        case let .adaptive(lambda, epsilon, _): v.map { 1 / (pow(max($0, 0), lambda) + epsilon) }
        }
    }

    /// dζ/dt = −(α/4) Π_S ∇⟨H, S⟩ at (ζ, v).
    public func velocity(_ model: some SquaredLossModel, at theta: [Double], secondMoment v: [Double]) throws -> [Double] {
        let s = scaling(v, dimension: theta.count)
        let semi = ManifoldSharpness.semiGradient(model, at: theta, weights: s)
        let projection = try ManifoldProjection(jacobian: model.jacobian(at: theta), preconditioner: s)
        return projection.projectedPreconditioner(semi).map { -alpha / 4 * $0 }
    }

    /// Integrates from `start` (retracted onto Γ first; v₀ = α diag H(ζ₀) when `secondMoment` is nil) for
    /// `steps` steps of Δt = `timeStep`, each ζ-move capped at `maxStep` in Euclidean length.
    public func integrate(_ model: some SquaredLossModel, from start: [Double], secondMoment: [Double]? = nil,
                          timeStep dt: Double, steps: Int, maxStep: Double = .infinity) throws -> Point {
        try Check.positive(dt, "timeStep")
        let adaptive: Bool = if case .adaptive = preconditioner { true } else { false }
        var v = adaptive ? (secondMoment ?? ManifoldSharpness.gaussNewtonDiagonal(model, at: start).map { alpha * $0 }) : []
        var theta = try ManifoldProjection.retract(model, from: start, preconditioner: scaling(v, dimension: start.count)).point
        var time = 0.0
        for _ in 0..<max(steps, 0) {
            let velocity = try self.velocity(model, at: theta, secondMoment: v)
            let length = VectorOps.norm(velocity) * dt
            let h = length > maxStep ? dt * maxStep / length : dt
            for j in theta.indices { theta[j] += h * velocity[j] }
            if case let .adaptive(_, _, c) = preconditioner {
                let target = ManifoldSharpness.gaussNewtonDiagonal(model, at: theta).map { alpha * $0 }
                let decay = exp(-c * h)
                for j in v.indices { v[j] = target[j] + (v[j] - target[j]) * decay }
            }
            theta = try ManifoldProjection.retract(model, from: theta, preconditioner: scaling(v, dimension: theta.count)).point
            time += h
        }
        return Point(time: time, theta: theta, secondMoment: v)
    }
}
