import CBLAS

/// The eigendecomposition of a real symmetric matrix A = V Λ Vᵀ.
public struct SymmetricEigendecomposition: Sendable {
    /// Eigenvalues in **ascending** order (LAPACK's order).
    public let eigenvalues: [Double]
    /// Eigenvectors as the columns of an n × n row-major matrix: column j belongs to `eigenvalues[j]`.
    public let eigenvectors: Tensor

    /// Eigenvalues in descending order (the order BiasLab reports top-k spectra in).
    public var eigenvaluesDescending: [Double] { eigenvalues.reversed() }

    /// Eigenvector j (for `eigenvalues[j]`) as a flat vector.
    public func eigenvector(_ j: Int) -> [Double] {
        let n = eigenvalues.count
        return (0..<n).map { eigenvectors.scalars[$0 * n + j] }
    }
}

/// LAPACK failed (non-zero `info`); the message names the routine and the code.
public struct LAPACKError: Error, CustomStringConvertible {
    public let description: String
}

extension Tensor {
    /// Eigenvalues and eigenvectors of a symmetric matrix by LAPACKE `dsyevd` (divide and conquer). Only
    /// the upper triangle is read. Traps when the tensor is not square; throws when LAPACK fails. From
    /// n = ``multithreadedEigenSize`` on, BLAS runs on every core for the call
    /// (``BatchParallelism/withBLASThreads(_:_:)``): the O(n³) work dwarfs the BLAS threads' start-up.
    public func symmetricEigen(computeVectors: Bool = true) throws -> SymmetricEigendecomposition {
        precondition(rank == 2 && shape[0] == shape[1], "symmetricEigen: expected a square matrix, got shape \(shape)")
        let n = shape[0]
        var a = scalars
        var w = [Double](repeating: 0, count: n)
        if n == 0 { return SymmetricEigendecomposition(eigenvalues: [], eigenvectors: Tensor.zeros([0, 0])) }
        guard a.allSatisfy(\.isFinite) else {
            throw LAPACKError(description: "the \(n)×\(n) symmetric matrix has a NaN or infinite entry (θ or the loss is NaN or ∞?)")
        }
        let threads = n >= Self.multithreadedEigenSize ? BatchParallelism.coreCount : 1
        let info = BatchParallelism.withBLASThreads(threads) {
            a.withUnsafeMutableBufferPointer { pa in
                w.withUnsafeMutableBufferPointer { pw in
                    LAPACKE_dsyevd(LAPACK_ROW_MAJOR, computeVectors ? 86 /* V */ : 78 /* N */, 85 /* U */,
                                   Int32(n), pa.baseAddress, Int32(n), pw.baseAddress)
                }
            }
        }
        guard info == 0 else { throw LAPACKError(description: "LAPACKE_dsyevd failed with info = \(info) for n = \(n)") }
        return SymmetricEigendecomposition(eigenvalues: w,
                                           eigenvectors: computeVectors ? Tensor(shape: [n, n], scalars: a) : Tensor.zeros([0, 0]))
    }

    /// Matrices at least this large are decomposed with BLAS on every core.
    public static let multithreadedEigenSize = 256

    /// Eigenvalues of the symmetric tridiagonal matrix with diagonal `alpha` and off-diagonal `beta`
    /// (LAPACKE `dstev`), ascending, with the first component of each eigenvector (what Lanczos
    /// quadrature needs) when asked.
    public static func tridiagonalEigen(diagonal alpha: [Double], offDiagonal beta: [Double]) throws -> SymmetricEigendecomposition {
        let n = alpha.count
        precondition(beta.count == max(n - 1, 0), "tridiagonalEigen: \(n) diagonal entries need \(max(n - 1, 0)) off-diagonal ones, got \(beta.count)")
        if n == 0 { return SymmetricEigendecomposition(eigenvalues: [], eigenvectors: Tensor.zeros([0, 0])) }
        guard alpha.allSatisfy(\.isFinite), beta.allSatisfy(\.isFinite) else {
            throw LAPACKError(description: "the Lanczos tridiagonal matrix has a NaN or infinite entry: the operator's products are not finite (θ or the loss is NaN or ∞?)")
        }
        var d = alpha
        var e = beta + [0]
        var z = [Double](repeating: 0, count: n * n)
        let info = d.withUnsafeMutableBufferPointer { pd in
            e.withUnsafeMutableBufferPointer { pe in
                z.withUnsafeMutableBufferPointer { pz in
                    LAPACKE_dstev(LAPACK_ROW_MAJOR, 86 /* V */, Int32(n), pd.baseAddress, pe.baseAddress,
                                  pz.baseAddress, Int32(n))
                }
            }
        }
        guard info == 0 else { throw LAPACKError(description: "LAPACKE_dstev failed with info = \(info) for n = \(n)") }
        return SymmetricEigendecomposition(eigenvalues: d, eigenvectors: Tensor(shape: [n, n], scalars: z))
    }
}
