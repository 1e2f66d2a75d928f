import Foundation
import Tensor

/// The sharpness regularizers of paper 002 on the minimizer manifold and their semi-gradients (digest 002
/// §4.1, §4.6, §4.7), in the Gauss–Newton form H = (a/n)JᵀJ, hⱼ = Hⱼⱼ = (a/n) Σᵢ (∂ⱼfᵢ)²:
///
/// ```
/// tr(H) = Σⱼ hⱼ                           (label-noise SGD, Li et al. 2021b)
/// tr(Diag(H)^p) = Σⱼ hⱼ^p                 (p = ½: Adam, Thm 5.1; p = 1 − λ: AdamE-λ, Thm 5.2)
/// semi-gradient ∇_θ⟨H(θ), Diag(w)⟩|_w frozen = (2a/n) Σᵢ ∇²fᵢ (w ⊙ ∇fᵢ)
/// ∇R = semi-gradient with w = R′(h): 1 for tr(H), p·h^{p−1} for tr(Diag(H)^p)
/// ```
///
/// On Γ the residual part of H only adds normal vectors (∝ ∇fᵢ), which every tangent projection removes,
/// so the GN form is exact after projection.
public enum ManifoldSharpness {
    /// The regularizer R(h).
    public enum Regularizer: Codable, Equatable, Sendable {
        /// tr(H).
        case trace
        /// tr(Diag(H)^p), 0 < p ≤ 1 (½ for Adam).
        case diagonalPower(Double)

        /// R(h), with negative entries clamped at 0.
        public func value(_ h: [Double]) -> Double {
            switch self {
            case .trace: h.reduce(0, +)
            case .diagonalPower(let p): h.reduce(0) { $0 + pow(max($1, 0), p) }
            }
        }

        /// R′(h) per coordinate; entries below `floor` are raised to it (h^{p−1} blows up at 0).
        public func weights(_ h: [Double], floor: Double = 1e-300) -> [Double] {
            switch self {
            case .trace: [Double](repeating: 1, count: h.count)
            case .diagonalPower(let p): h.map { p * pow(max($0, floor), p - 1) }
            }
        }
    }

    /// hⱼ = (a/n) Σᵢ (∂ⱼfᵢ)²: the Gauss–Newton diagonal of H.
    public static func gaussNewtonDiagonal(_ model: some SquaredLossModel, at parameters: [Double]) -> [Double] {
        let j = model.jacobian(at: parameters)
        let (n, d) = (j.shape[0], j.shape[1])
        let scale = model.lossScale / Double(n)
        return (0..<d).map { c in (0..<n).reduce(0) { $0 + j.scalars[$1 * d + c] * j.scalars[$1 * d + c] } * scale }
    }

    /// ∇_θ⟨H_GN(θ), Diag(w)⟩ with w frozen: (2a/n) Σᵢ ∇²fᵢ (w ⊙ ∇fᵢ).
    public static func semiGradient(_ model: some SquaredLossModel, at parameters: [Double], weights w: [Double]) -> [Double] {
        let j = model.jacobian(at: parameters)
        let (n, d) = (j.shape[0], j.shape[1])
        let directions = (0..<n).map { i in (0..<d).map { w[$0] * j.scalars[i * d + $0] } }
        let products = model.outputHessianVectorProducts(at: parameters, along: directions)
        var out = [Double](repeating: 0, count: d)
        for p in products { VectorOps.axpy(2 * model.lossScale / Double(n), p, &out) }
        return out
    }

    /// ∇R(h(θ)) in the GN form.
    public static func gradient(of regularizer: Regularizer, _ model: some SquaredLossModel, at parameters: [Double]) -> [Double] {
        semiGradient(model, at: parameters, weights: regularizer.weights(gaussNewtonDiagonal(model, at: parameters)))
    }

    /// P_T ∇R: the Riemannian gradient of R on Γ. It vanishes exactly at the fixed points of the label-noise
    /// slow flows (digest 002 §4.6, §9 item 10: Π_S ∇R = 0 ⇔ ∇R ⊥ T_ζΓ, whatever S ≻ 0).
    public static func tangentialGradient(of regularizer: Regularizer, _ model: some SquaredLossModel,
                                          at parameters: [Double]) throws -> [Double] {
        try ManifoldProjection(jacobian: model.jacobian(at: parameters))
            .tangentProjection(gradient(of: regularizer, model, at: parameters))
    }
}
