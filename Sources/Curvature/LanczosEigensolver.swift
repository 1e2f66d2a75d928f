import Tensor

/// Which end of the spectrum an eigensolver returns.
public enum SpectrumEnd: String, CaseIterable, Codable, Sendable {
    /// The largest (algebraic) eigenvalues, returned in **descending** order: λ₁ ≥ λ₂ ≥ … (PyHessian's
    /// order; SciPy's `eigsh` returns ascending and Cohen et al.'s code reverses it).
    case largest
    /// The smallest (algebraic) eigenvalues, returned in **ascending** order: λ_d ≤ λ_{d−1} ≤ … (the
    /// most negative Hessian directions; λ_min for the bound λ_min ≤ IAS ≤ λ₁).
    case smallest
}

/// Eigenpairs from Lanczos, each with its residual norm.
public struct LanczosResult: Sendable, Codable, Equatable {
    /// The Ritz values θᵢ, from the requested end inward (descending for `.largest`, ascending for
    /// `.smallest`).
    public let eigenvalues: [Double]
    /// The Ritz vectors yᵢ (unit length), in the same order.
    public let eigenvectors: [[Double]]
    /// ‖A yᵢ − θᵢ yᵢ‖ = βₘ |sₘᵢ| (sₘᵢ the last component of the i-th eigenvector of Tₘ): exact in exact
    /// arithmetic and accurate to rounding with full reorthogonalization. For symmetric A some
    /// eigenvalue lies within this distance of θᵢ.
    public let residualNorms: [Double]
    /// Whether each pair met the tolerance.
    public let converged: [Bool]
    /// Operator applications (the Krylov dimension m).
    public let iterations: Int
    /// The end of the spectrum these come from.
    public let end: SpectrumEnd

    /// Whether every requested pair converged.
    public var allConverged: Bool { converged.allSatisfy { $0 } }
}

/// The `count` eigenvalues at one end of the spectrum of a symmetric operator, with eigenvectors, by
/// the Lanczos method with full reorthogonalization (Lanczos 1950; Golub & Van Loan, *Matrix
/// Computations*, 4th ed., Algorithm 10.1.1 plus complete reorthogonalization, §10.3.1) and no
/// restarts.
///
/// The Krylov space grows one operator application at a time until every requested Ritz pair has
/// residual βₘ|sₘᵢ| ≤ `tolerance` · maxⱼ|θⱼ| (relative to the largest Ritz value in magnitude, an
/// estimate of ‖A‖), or `maxIterations` is reached. If the Krylov space becomes invariant before
/// that (a start vector with no component along some eigenvectors), the process continues from a
/// fresh random vector orthogonal to the basis, so multiple eigenvalues are found. As with any Krylov
/// method, eigenvectors orthogonal to every start vector are invisible; a random start (the default)
/// avoids this with probability 1. Single-vector Lanczos also finds **one copy of a multiple
/// eigenvalue**: if λ has multiplicity r, the Krylov space sees only the component of the start
/// vector in λ's eigenspace, so the next returned value is the next distinct eigenvalue, reported as
/// converged. Check the spectrum by another route (a second seed, ``lanczosSpectralDensity(of:lanczosSteps:probeCount:distribution:seed:)``)
/// where exact multiplicities matter (block Lanczos would resolve them; it is not implemented).
///
/// Cost: m operator applications, m vectors of length d in memory, O(m² d) for reorthogonalization
/// and a tridiagonal eigenproblem (LAPACK `dstev`) at each convergence check.
///
/// - Parameters:
///   - count: k, with 1 ≤ k ≤ d.
///   - end: ``SpectrumEnd/largest`` (default, descending) or ``SpectrumEnd/smallest`` (ascending).
///   - tolerance: the relative residual required (default 10⁻⁸, which bounds each eigenvalue's error
///     by 10⁻⁸ ‖A‖ and typically by its square over the gap).
///   - maxIterations: the largest Krylov dimension m (default min(d, max(10k, 100))), clamped to d.
///   - initialVector: a warm start (nonzero); default a Gaussian vector from stream
///     "curvature/lanczos" of `seed`.
///   - seed: seeds the random start and restarts.
/// - Throws: ``LAPACKError`` when the tridiagonal eigensolver fails.
public func lanczosEigenpairs(of matrix: some LinearOperator,
                              count: Int,
                              end: SpectrumEnd = .largest,
                              tolerance: Double = 1e-8,
                              maxIterations: Int? = nil,
                              initialVector: [Double]? = nil,
                              seed: UInt64 = 0) throws -> LanczosResult {
    let d = matrix.dimension
    precondition(count >= 1 && count <= d, "lanczosEigenpairs: count must be in 1...\(d), got \(count)")
    precondition(tolerance >= 0, "lanczosEigenpairs: tolerance must be ≥ 0, got \(tolerance)")
    let limit = min(d, maxIterations ?? max(10 * count, 100))
    precondition(limit >= count, "lanczosEigenpairs: maxIterations (\(limit)) must be at least count (\(count))")
    let start = startVector(initialVector, dimension: d, seed: seed, name: "lanczos", caller: "lanczosEigenpairs")
    var restarts = estimatorGenerator(seed: seed, name: "lanczos/restart")
    var process = LanczosProcess(matrix, start: start)

    while true {
        process.step()
        if !process.canContinue && process.steps < limit {
            if !process.restart(with: restarts.gaussians(d)) { break }
        }
        let m = process.steps
        if m >= limit { break }
        if m >= count && (m <= 50 || m % 5 == 0) {
            let selection = try selectRitzPairs(process, count: count, end: end, tolerance: tolerance)
            if selection.converged.allSatisfy({ $0 }) { break }
        }
    }
    let selection = try selectRitzPairs(process, count: count, end: end, tolerance: tolerance)
    let m = process.steps
    // yᵢ = Qₘ sᵢ for the selected columns sᵢ of Tₘ's eigenvector matrix: one k × m by m × d product.
    let coefficients = Tensor(shape: [count, m], scalars: selection.columns.flatMap { i in
        (0..<m).map { j in selection.decomposition.eigenvectors.scalars[j * m + i] }
    })
    let vectors = Tensor.matmul(coefficients, process.basis)
    return LanczosResult(eigenvalues: selection.columns.map { selection.decomposition.eigenvalues[$0] },
                         eigenvectors: rowVectors(of: vectors),
                         residualNorms: selection.residuals,
                         converged: selection.converged,
                         iterations: m,
                         end: end)
}

/// The k Ritz pairs of Tₘ at the requested end, with residual estimates and convergence flags.
private func selectRitzPairs<M: LinearOperator>(_ process: LanczosProcess<M>, count: Int, end: SpectrumEnd,
                                                tolerance: Double) throws
    -> (decomposition: SymmetricEigendecomposition, columns: [Int], residuals: [Double], converged: [Bool]) {
    let decomposition = try process.tridiagonalEigen()
    let m = process.steps
    let available = Array(0..<m)
    let columns = Array((end == .largest ? available.reversed() : available).prefix(count))
    let residuals = columns.map { process.residualNorm * abs(decomposition.eigenvectors.scalars[(m - 1) * m + $0]) }
    let normEstimate = decomposition.eigenvalues.reduce(0) { max($0, abs($1)) }
    let converged = columns.indices.map { residuals[$0] <= tolerance * normEstimate }
    return (decomposition, columns, residuals, converged)
}
