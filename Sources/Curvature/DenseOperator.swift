import Tensor

/// An explicit d × d matrix as a ``LinearOperator``: the oracle every estimator is tested against, and
/// the operator for small models whose Hessian is formed densely.
///
/// The block product is one dgemm (V Aᵀ for a k × d block V).
public struct DenseOperator: LinearOperator, Sendable {
    /// The matrix A (d × d, row-major).
    public let matrix: Tensor
    /// Whether |Aᵢⱼ − Aⱼᵢ| ≤ 1e-12 · maxᵢⱼ |Aᵢⱼ| for all i, j (checked once, at construction). The
    /// relative tolerance admits matrices such as Q Λ Qᵀ that are symmetric only up to rounding.
    public let isSymmetric: Bool

    /// Wraps a square matrix. Traps when `matrix` is not square.
    public init(_ matrix: Tensor) {
        precondition(matrix.rank == 2 && matrix.shape[0] == matrix.shape[1],
                     "DenseOperator: expected a square matrix, got shape \(matrix.shape)")
        self.matrix = matrix
        let d = matrix.shape[0]
        let scale = matrix.scalars.reduce(0) { max($0, abs($1)) }
        var symmetric = true
        outer: for i in 0..<d {
            for j in (i + 1)..<d where abs(matrix.scalars[i * d + j] - matrix.scalars[j * d + i]) > 1e-12 * scale {
                symmetric = false
                break outer
            }
        }
        self.isSymmetric = symmetric
    }

    public var dimension: Int { matrix.shape[0] }

    public func apply(_ vector: [Double]) -> [Double] {
        precondition(vector.count == dimension, "DenseOperator.apply: vector of length \(vector.count), expected \(dimension)")
        return Tensor.matvec(matrix, Tensor(vector)).scalars
    }

    public func apply(rowsOf block: Tensor) -> Tensor {
        _ = checkedBlockRowCount(block, dimension: dimension, operation: "DenseOperator.apply(rowsOf:)")
        return Tensor.matmul(block, matrix, transposeB: true)
    }
}
