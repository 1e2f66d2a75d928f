import Tensor

/// A ``LinearOperator`` given by closures: the adapter for any matrix-vector product that is not yet
/// a type of its own (a finite-difference HVP, an analytic toy's Hessian).
///
/// The caller promises what the protocol asks: the closure computes one fixed symmetric matrix
/// (unless `isSymmetric` is passed as `false`), and the optional block closure agrees with it row by
/// row.
public struct ClosureOperator: LinearOperator {
    public let dimension: Int
    public let isSymmetric: Bool
    private let product: ([Double]) -> [Double]
    private let blockProduct: ((Tensor) -> Tensor)?

    /// - Parameters:
    ///   - dimension: d ≥ 0.
    ///   - isSymmetric: whether the matrix is symmetric (default `true`).
    ///   - blockProduct: optional k × d → k × d block product (rows are vectors); without it, the
    ///     block product applies `product` row by row.
    ///   - product: v ↦ A v.
    public init(dimension: Int, isSymmetric: Bool = true, blockProduct: ((Tensor) -> Tensor)? = nil,
                product: @escaping ([Double]) -> [Double]) {
        precondition(dimension >= 0, "ClosureOperator: dimension must be ≥ 0, got \(dimension)")
        self.dimension = dimension
        self.isSymmetric = isSymmetric
        self.product = product
        self.blockProduct = blockProduct
    }

    public func apply(_ vector: [Double]) -> [Double] {
        precondition(vector.count == dimension, "ClosureOperator.apply: vector of length \(vector.count), expected \(dimension)")
        return product(vector)
    }

    public func apply(rowsOf block: Tensor) -> Tensor {
        let k = checkedBlockRowCount(block, dimension: dimension, operation: "ClosureOperator.apply(rowsOf:)")
        guard let blockProduct else {
            return blockOfRows(rowVectors(of: block).map(product), dimension: dimension)
        }
        let result = blockProduct(block)
        precondition(result.shape == [k, dimension],
                     "ClosureOperator: block product returned shape \(result.shape), expected \([k, dimension])")
        return result
    }
}
