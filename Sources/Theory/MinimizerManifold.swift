import Tensor

/// A squared-loss model whose minimizers form the manifold Γ = {θ : fᵢ(θ) = yᵢ for all i} (paper 002,
/// Assumption 3.1; digest 002 §4.2, §4.7):
///
/// ```
/// ℓᵢ(θ) = (a/2)(fᵢ(θ) − yᵢ)²,   L = (1/n) Σᵢ ℓᵢ,   H = (a/n) JᵀJ on Γ (Gauss–Newton, zero residual)
/// ```
///
/// J is the n × D constraint Jacobian (row i = ∇fᵢ). Conformers supply exact first and second output
/// derivatives.
public protocol SquaredLossModel: Sendable {
    /// D, the length of θ.
    var dimension: Int { get }
    /// n, the number of constraints (samples).
    var sampleCount: Int { get }
    /// a in ℓᵢ = (a/2)(fᵢ − yᵢ)² (a = 1 for the ½-loss).
    var lossScale: Double { get }
    /// rᵢ = fᵢ(θ) − yᵢ.
    func residuals(at parameters: [Double]) -> [Double]
    /// J (n × D), row i = ∇fᵢ(θ).
    func jacobian(at parameters: [Double]) -> Tensor
    /// Row i = ∇²fᵢ(θ)·directions[i] (one direction per sample).
    func outputHessianVectorProducts(at parameters: [Double], along directions: [[Double]]) -> [[Double]]
}

/// The projections of paper 002 at a point ζ ∈ Γ for a diagonal preconditioner S ≻ 0 (digest 002 §4.2,
/// closed form derived there):
///
/// ```
/// ∂Φ_S(ζ) = I − S Jᵀ (J S Jᵀ)⁻¹ J        oblique projector onto T_ζΓ = ker J along S·N_ζ
/// Π_S     = ∂Φ_S S = S − S Jᵀ (J S Jᵀ)⁻¹ J S     (symmetric PSD, kernel ⊇ range Jᵀ)
/// ```
///
/// With S = I both are the orthogonal tangent projector P_T = I − Jᵀ(JJᵀ)⁻¹J. (J S Jᵀ)⁻¹ is the
/// pseudo-inverse from the eigendecomposition (eigenvalues below 10⁻¹²·max dropped).
public struct ManifoldProjection: Sendable {
    /// J (n × D).
    public let jacobian: Tensor
    /// diag S (length D, positive).
    public let preconditioner: [Double]
    /// (J S Jᵀ)⁺ (n × n).
    private let gramInverse: Tensor

    public init(jacobian: Tensor, preconditioner: [Double]? = nil) throws {
        precondition(jacobian.rank == 2, "ManifoldProjection: J must be n × D, got shape \(jacobian.shape)")
        let (n, d) = (jacobian.shape[0], jacobian.shape[1])
        let s = preconditioner ?? [Double](repeating: 1, count: d)
        guard s.count == d, s.allSatisfy({ $0 > 0 && $0.isFinite }) else {
            throw TheoryInputError(name: "preconditioner", value: nil, expected: "\(d) positive finite entries")
        }
        var scaled = jacobian
        for i in 0..<n { for j in 0..<d { scaled.scalars[i * d + j] *= s[j] } }
        let gram = Tensor.matmul(scaled, jacobian, transposeB: true)
        let eigen = try gram.symmetricEigen()
        let largest = eigen.eigenvalues.map(abs).max() ?? 0
        var inverse = Tensor.zeros([n, n])
        for (k, lambda) in eigen.eigenvalues.enumerated() where lambda > 1e-12 * largest {
            let v = eigen.eigenvector(k)
            for i in 0..<n { for j in 0..<n { inverse.scalars[i * n + j] += v[i] * v[j] / lambda } }
        }
        self.jacobian = jacobian
        self.preconditioner = s
        gramInverse = inverse
    }

    /// ∂Φ_S w = w − S Jᵀ (JSJᵀ)⁻¹ J w.
    public func tangentProjection(_ w: [Double]) -> [Double] {
        let correction = normalCorrection(w)
        return w.indices.map { w[$0] - preconditioner[$0] * correction[$0] }
    }

    /// Π_S w = ∂Φ_S (S w).
    public func projectedPreconditioner(_ w: [Double]) -> [Double] {
        tangentProjection(w.indices.map { preconditioner[$0] * w[$0] })
    }

    /// The dense D × D matrix of `map` applied to the unit vectors (for small D).
    public func denseMatrix(_ map: ([Double]) -> [Double]) -> Tensor {
        let d = preconditioner.count
        var m = Tensor.zeros([d, d])
        for j in 0..<d {
            var e = [Double](repeating: 0, count: d)
            e[j] = 1
            let column = map(e)
            for i in 0..<d { m.scalars[i * d + j] = column[i] }
        }
        return m
    }

    /// Jᵀ (JSJᵀ)⁻¹ J w.
    private func normalCorrection(_ w: [Double]) -> [Double] {
        let jw = Tensor.matvec(jacobian, Tensor(w))
        let y = Tensor.matvec(gramInverse, jw)
        return Tensor.matvec(jacobian, y, transpose: true).scalars
    }

    /// The Gauss–Newton retraction onto Γ along S·N: θ ← θ − S Jᵀ (JSJᵀ)⁻¹ r, repeated until ‖r‖∞ ≤ tolerance
    /// (a first-order approximation of Φ_S; digest 002 §4.7). Returns the point and the final ‖r‖∞.
    public static func retract(_ model: some SquaredLossModel, from parameters: [Double], preconditioner: [Double]? = nil,
                               tolerance: Double = 1e-12, maxIterations: Int = 50) throws -> (point: [Double], residual: Double) {
        var theta = parameters
        var residual = model.residuals(at: theta).map(abs).max() ?? 0
        var iteration = 0
        while residual > tolerance, iteration < maxIterations {
            let projection = try ManifoldProjection(jacobian: model.jacobian(at: theta), preconditioner: preconditioner)
            let r = model.residuals(at: theta)
            let y = Tensor.matvec(projection.gramInverse, Tensor(r))
            let step = Tensor.matvec(projection.jacobian, y, transpose: true).scalars
            for j in theta.indices { theta[j] -= projection.preconditioner[j] * step[j] }
            residual = model.residuals(at: theta).map(abs).max() ?? 0
            iteration += 1
        }
        return (theta, residual)
    }
}
