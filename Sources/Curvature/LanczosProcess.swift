import Tensor

/// The Lanczos tridiagonalization A Qₘ = Qₘ Tₘ + βₘ qₘ₊₁ eₘᵀ with **full reorthogonalization**:
/// the engine shared by ``lanczosEigenpairs(of:count:end:tolerance:maxIterations:initialVector:seed:)``
/// and ``lanczosSpectralDensity(of:lanczosSteps:probeCount:distribution:seed:)``.
///
/// Step j (Paige's form, Golub & Van Loan §10.1):
/// ```
/// w  = A qⱼ − βⱼ₋₁ qⱼ₋₁
/// αⱼ = qⱼᵀ w;  w = w − αⱼ qⱼ
/// w  = w − Qⱼ (Qⱼᵀ w), twice (classical Gram–Schmidt, "twice is enough": Kahan–Parlett)
/// βⱼ = ‖w‖;  qⱼ₊₁ = w / βⱼ
/// ```
/// Reorthogonalizing against every stored vector keeps Qₘ orthonormal to rounding, so no spurious
/// copies of converged Ritz values ("ghosts") appear, at the price of storing m vectors of length d
/// and O(m d) extra work per step.
///
/// When the second Gram–Schmidt pass removes more than half of what the first left (or βⱼ is at
/// rounding level), w lies numerically in span(Qⱼ): the Krylov space is invariant, βⱼ is set to 0 and
/// the process stops unless the caller restarts it with a fresh vector (``restart(with:)``), which
/// keeps Tₘ block tridiagonal with a zero coupling and the relation above exact.
struct LanczosProcess<Matrix: LinearOperator> {
    let matrix: Matrix
    /// q₁ … qₘ, orthonormal, as the rows of an m × d matrix (one block, so that reorthogonalization is
    /// two matrix–vector products).
    var basis: Tensor { Tensor(shape: [diagonal.count, dimension], scalars: basisRows) }
    /// The rows of ``basis``, appended in place.
    private var basisRows: [Double] = []
    private let dimension: Int
    /// The diagonal α₁ … αₘ of Tₘ.
    private(set) var diagonal: [Double] = []
    /// The off-diagonal β₁ … βₘ₋₁ of Tₘ.
    private(set) var offDiagonal: [Double] = []
    /// βₘ, the norm of the last residual (0 after a breakdown).
    private(set) var residualNorm = 0.0
    /// qₘ₊₁ when the process can continue.
    private var pending: [Double]?
    /// A running estimate of ‖A‖ (largest ‖A qⱼ‖ seen), the scale of "rounding level".
    private var scale = 0.0

    /// Starts from `start`, which must be a unit vector.
    init(_ matrix: Matrix, start: [Double]) {
        precondition(matrix.isSymmetric, "Lanczos: the operator must be symmetric")
        self.matrix = matrix
        self.pending = start
        dimension = start.count
    }

    /// m, the number of steps taken (= operator applications).
    var steps: Int { diagonal.count }
    /// Whether ``step()`` can run (false after a breakdown, until ``restart(with:)``).
    var canContinue: Bool { pending != nil }

    mutating func step() {
        guard let q = pending else { preconditionFailure("LanczosProcess.step: the Krylov space is invariant; restart first") }
        var w = matrix.apply(q)
        precondition(w.count == q.count, "Lanczos: the operator returned a vector of length \(w.count), expected \(q.count)")
        scale = max(scale, VectorOps.norm(w))
        if let previous = lastBasisVector {
            offDiagonal.append(residualNorm)
            VectorOps.axpy(-residualNorm, previous, &w)
        }
        let alpha = VectorOps.dot(q, w)
        VectorOps.axpy(-alpha, q, &w)
        basisRows.append(contentsOf: q)
        diagonal.append(alpha)

        let firstPass = orthogonalize(&w)
        let secondPass = orthogonalize(&w)
        let rounding = Double(q.count).squareRoot() * Double.ulpOfOne * max(scale, .leastNormalMagnitude)
        if secondPass < 0.5 * firstPass || secondPass <= rounding {
            residualNorm = 0
            pending = nil
        } else {
            residualNorm = secondPass
            pending = VectorOps.scaled(w, by: 1 / secondPass)
        }
    }

    /// Continues after a breakdown from `vector` orthogonalized against the basis (coupling β = 0).
    /// Returns false when nothing of `vector` is left outside span(Q) (the basis spans ℝᵈ).
    mutating func restart(with vector: [Double]) -> Bool {
        var w = vector
        let before = VectorOps.norm(w)
        _ = orthogonalize(&w)
        let after = orthogonalize(&w)
        guard after > 1e-8 * before else { return false }
        residualNorm = 0
        pending = VectorOps.scaled(w, by: 1 / after)
        return true
    }

    /// The eigendecomposition of Tₘ (Ritz values ascending; eigenvectors as columns).
    func tridiagonalEigen() throws -> SymmetricEigendecomposition {
        try Tensor.tridiagonalEigen(diagonal: diagonal, offDiagonal: offDiagonal)
    }

    /// qₘ, the last row of the basis.
    private var lastBasisVector: [Double]? {
        basisRows.isEmpty ? nil : Array(basisRows[(basisRows.count - dimension)...])
    }

    /// w ← w − Q (Qᵀ w); returns ‖w‖ afterwards.
    private func orthogonalize(_ w: inout [Double]) -> Double {
        Tensor.subtractProjection(ontoRowsOf: basis, from: &w)
    }
}
