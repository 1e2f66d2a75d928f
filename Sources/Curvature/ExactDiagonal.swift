import Tensor

/// diag(A) exactly, from d operator applications on the unit vectors eᵢ (Aᵢᵢ = eᵢᵀ A eᵢ), sent
/// through the block product `blockSize` at a time (digest 002 §4.7: "for D ≲ 10⁴, exact diag by D
/// HVPs is feasible"). Deterministic; its only error is the operator's rounding.
public func exactDiagonal(of matrix: some LinearOperator, blockSize: Int = 64) -> [Double] {
    let d = matrix.dimension
    var diagonal = [Double](repeating: 0, count: d)
    for range in blockRanges(count: d, blockSize: blockSize) {
        var units = Tensor.zeros([range.count, d])
        for (j, i) in range.enumerated() { units.scalars[j * d + i] = 1 }
        let products = matrix.apply(rowsOf: units)
        for (j, i) in range.enumerated() { diagonal[i] = products.scalars[j * d + i] }
    }
    return diagonal
}

/// tr(A) exactly, as the sum of ``exactDiagonal(of:blockSize:)`` (d operator applications).
public func exactTrace(of matrix: some LinearOperator, blockSize: Int = 64) -> Double {
    exactDiagonal(of: matrix, blockSize: blockSize).reduce(0, +)
}
