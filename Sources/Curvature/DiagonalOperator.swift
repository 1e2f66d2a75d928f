import Tensor

/// The diagonal matrix Diag(a) as a ``LinearOperator``.
public struct DiagonalOperator: LinearOperator, Sendable {
    /// The diagonal entries a₁ … a_d.
    public let diagonal: [Double]

    public init(_ diagonal: [Double]) { self.diagonal = diagonal }

    public var dimension: Int { diagonal.count }

    public func apply(_ vector: [Double]) -> [Double] {
        precondition(vector.count == dimension, "DiagonalOperator.apply: vector of length \(vector.count), expected \(dimension)")
        return zip(diagonal, vector).map { $0 * $1 }
    }

    public func apply(rowsOf block: Tensor) -> Tensor {
        let k = checkedBlockRowCount(block, dimension: dimension, operation: "DiagonalOperator.apply(rowsOf:)")
        return scalingColumns(of: block, rows: k, by: diagonal)
    }
}

/// `block` (k × d) with column i multiplied by `factors[i]`, i.e. V Diag(factors).
func scalingColumns(of block: Tensor, rows k: Int, by factors: [Double]) -> Tensor {
    let d = factors.count
    var scalars = block.scalars
    scalars.withUnsafeMutableBufferPointer { p in
        for j in 0..<k {
            for i in 0..<d { p[j * d + i] *= factors[i] }
        }
    }
    return Tensor(shape: [k, d], scalars: scalars)
}
