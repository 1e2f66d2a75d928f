import Tensor

/// When ``powerIteration(of:tolerance:maxIterations:stoppingRule:initialVector:seed:)`` stops.
public enum PowerIterationStoppingRule: String, CaseIterable, Codable, Sendable {
    /// |λₖ − λₖ₋₁| ≤ tolerance · (|λₖ₋₁| + 10⁻⁶), PyHessian's rule (and so paper 003's λ₁, measured
    /// with PyHessian at tolerance 10⁻³ and at most 100 iterations). Cheap but optimistic: the
    /// Rayleigh quotient can stall while the vector is still far from an eigenvector.
    case eigenvalueChange
    /// ‖Av − λv‖ ≤ tolerance · |λ|: the relative residual, a certificate that some eigenvalue lies
    /// within tolerance · |λ| of λ.
    case residual
}

/// The outcome of a power iteration.
public struct PowerIterationResult: Sendable, Codable, Equatable {
    /// The Rayleigh quotient λ = vᵀAv of the final unit vector.
    public let eigenvalue: Double
    /// The final unit vector v (sign as produced by the iteration).
    public let eigenvector: [Double]
    /// Operator applications performed.
    public let iterations: Int
    /// Whether the stopping rule was met before `maxIterations` ran out.
    public let converged: Bool
    /// ‖Av − λv‖ for the returned pair (reported whatever the stopping rule).
    public let residualNorm: Double
}

/// The eigenvalue of A of **largest magnitude**, by power iteration (von Mises 1929), as PyHessian
/// measures λ₁.
///
/// ```
/// v₀ = initial vector (or a seeded Gaussian), normalized
/// for k = 1, 2, …:
///     w  = A vₖ₋₁
///     λₖ = vₖ₋₁ᵀ w                 (Rayleigh quotient)
///     rₖ = ‖w − λₖ vₖ₋₁‖            (residual)
///     stop if the stopping rule holds
///     vₖ = w / ‖w‖
/// ```
///
/// The eigenvalue error after k steps shrinks like |λ₂/λ₁|^{2k}, the vector error like |λ₂/λ₁|^k,
/// so a small gap means slow convergence; use ``lanczosEigenpairs(of:count:end:tolerance:maxIterations:initialVector:seed:)``
/// when several eigenvalues are wanted or the gap is small. If the dominant eigenvalue is negative
/// (a Hessian with a large negative direction), that is what is returned; when ±λ are both dominant
/// the iteration does not converge and `converged` says so.
///
/// - Parameters:
///   - tolerance: for `stoppingRule` (default 10⁻³, PyHessian's and paper 003's).
///   - maxIterations: at most this many products (default 100, PyHessian's and paper 003's).
///   - stoppingRule: default ``PowerIterationStoppingRule/eigenvalueChange`` (PyHessian's).
///   - initialVector: a warm start, such as the previous training step's eigenvector (the
///     "EoS tracker" pattern of hessian-eigenthings); it must be nonzero. Without one a Gaussian
///     vector from stream "curvature/power-iteration" of `seed` is used.
///   - seed: the seed for the random start.
public func powerIteration(of matrix: some LinearOperator,
                           tolerance: Double = 1e-3,
                           maxIterations: Int = 100,
                           stoppingRule: PowerIterationStoppingRule = .eigenvalueChange,
                           initialVector: [Double]? = nil,
                           seed: UInt64 = 0) -> PowerIterationResult {
    precondition(matrix.isSymmetric, "powerIteration: the operator must be symmetric")
    precondition(maxIterations >= 1, "powerIteration: maxIterations must be at least 1, got \(maxIterations)")
    precondition(tolerance >= 0, "powerIteration: tolerance must be ≥ 0, got \(tolerance)")
    let d = matrix.dimension
    var v = startVector(initialVector, dimension: d, seed: seed, name: "power-iteration", caller: "powerIteration")
    var eigenvalue = Double.nan
    var residual = Double.infinity
    var vector = v
    for iteration in 1...maxIterations {
        let w = matrix.apply(v)
        let previous = eigenvalue
        eigenvalue = VectorOps.dot(v, w)
        var r = w
        VectorOps.axpy(-eigenvalue, v, &r)
        residual = VectorOps.norm(r)
        vector = v
        let done: Bool = switch stoppingRule {
        case .eigenvalueChange: iteration > 1 && abs(eigenvalue - previous) <= tolerance * (abs(previous) + 1e-6)
        case .residual: residual <= tolerance * abs(eigenvalue)
        }
        let norm = VectorOps.norm(w)
        if done || norm == 0 {
            return PowerIterationResult(eigenvalue: eigenvalue, eigenvector: vector, iterations: iteration,
                                        converged: done || residual == 0, residualNorm: residual)
        }
        v = VectorOps.scaled(w, by: 1 / norm)
    }
    return PowerIterationResult(eigenvalue: eigenvalue, eigenvector: vector, iterations: maxIterations,
                                converged: false, residualNorm: residual)
}

/// The normalized warm start, or a seeded Gaussian unit vector.
func startVector(_ initial: [Double]?, dimension d: Int, seed: UInt64, name: String, caller: String) -> [Double] {
    precondition(d >= 1, "\(caller): the operator has dimension 0")
    if let initial {
        precondition(initial.count == d, "\(caller): initial vector of length \(initial.count), expected \(d)")
        let norm = VectorOps.norm(initial)
        precondition(norm > 0 && norm.isFinite, "\(caller): the initial vector must be nonzero and finite")
        return VectorOps.scaled(initial, by: 1 / norm)
    }
    var generator = estimatorGenerator(seed: seed, name: name)
    let v = generator.gaussians(d)
    return VectorOps.scaled(v, by: 1 / VectorOps.norm(v))
}
