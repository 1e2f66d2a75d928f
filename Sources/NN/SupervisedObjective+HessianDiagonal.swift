import Foundation
import Tensor

extension SupervisedObjective {
    /// diag ∇²L_B(θ) in closed form for the diagonal linear network w = u^{⊙L} − v^{⊙L}, f(x) = ⟨w, x⟩,
    /// under squared error ℓ_i = s·r_i², r_i = f(x_i) − y_i (paper 002's model; digest 002 §6):
    /// ```
    /// ∂²L/∂u_j² = (2s/n) [ L² u_j^{2L−2} Σ_i x_ij² + L(L−1) u_j^{L−2} Σ_i r_i x_ij ]
    /// ∂²L/∂v_j² = (2s/n) [ L² v_j^{2L−2} Σ_i x_ij² − L(L−1) v_j^{L−2} Σ_i r_i x_ij ]
    /// ```
    /// (the Gauss–Newton part plus the residual part; the second vanishes at L = 1). O(n·d) instead of
    /// 2d Hessian–vector products. Nil for every other model or loss.
    public func closedFormHessianDiagonal(at parameters: [Double], batch: [Int]?) -> [Double]? {
        guard let network = model as? DiagonalLinearNetwork, case .squaredError(let scale) = loss else { return nil }
        let s = slice(batch)
        let n = s.x.shape[0], d = network.dimension, depth = Double(network.depth)
        let w = Tensor(network.effectiveWeights(parameters))
        let residuals = Tensor.matvec(s.x.reshaped([n, d]), w) - s.y.reshaped([n])
        let correlations = Tensor.matvec(s.x.reshaped([n, d]), residuals, transpose: true).scalars  // Σ_i r_i x_ij
        let squares = (s.x.reshaped([n, d]) * s.x.reshaped([n, d])).sum(axis: 0).scalars           // Σ_i x_ij²
        let c = 2 * scale / Double(n)
        func entry(_ z: Double, _ sign: Double, _ j: Int) -> Double {
            let gaussNewton = depth * depth * pow(z, 2 * depth - 2) * squares[j]
            let residual = network.depth == 1 ? 0 : sign * depth * (depth - 1) * pow(z, depth - 2) * correlations[j]
            return c * (gaussNewton + residual)
        }
        return (0..<d).map { entry(parameters[$0], 1, $0) } + (0..<d).map { entry(parameters[d + $0], -1, $0) }
    }
}
