/// A shape mismatch between the operands of a tensor operation. Its message names the operation and
/// both shapes, e.g. `matmul: shapes [2, 3] and [4, 5] do not match (inner dimensions 3 and 4)`.
public struct ShapeError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

extension Tensor {
    /// The NumPy broadcast of two shapes: axes are aligned from the right, and each pair must be equal or
    /// contain a 1. Throws a ``ShapeError`` naming both shapes otherwise.
    public static func broadcastShape(_ a: [Int], _ b: [Int], operation: String = "broadcast") throws(ShapeError) -> [Int] {
        let rank = max(a.count, b.count)
        var result = [Int](repeating: 1, count: rank)
        for i in 0..<rank {
            let da = i < rank - a.count ? 1 : a[i - (rank - a.count)]
            let db = i < rank - b.count ? 1 : b[i - (rank - b.count)]
            if da == db || db == 1 { result[i] = da } else if da == 1 { result[i] = db } else {
                throw ShapeError("\(operation): shapes \(a) and \(b) do not broadcast (axis \(i): \(da) vs \(db))")
            }
        }
        return result
    }

    /// The output shape of `op(a) · op(b)` for rank-2 operands, or a ``ShapeError`` naming both shapes.
    public static func matmulShape(_ a: [Int], _ b: [Int], transposeA: Bool = false,
                                   transposeB: Bool = false) throws(ShapeError) -> [Int] {
        guard a.count == 2, b.count == 2 else {
            throw ShapeError("matmul: shapes \(a) and \(b) must both be rank 2")
        }
        let (m, k1) = transposeA ? (a[1], a[0]) : (a[0], a[1])
        let (k2, n) = transposeB ? (b[1], b[0]) : (b[0], b[1])
        guard k1 == k2 else {
            throw ShapeError("matmul: shapes \(a)\(transposeA ? "ᵀ" : "") and \(b)\(transposeB ? "ᵀ" : "") do not match (inner dimensions \(k1) and \(k2))")
        }
        return [m, n]
    }
}

/// Traps with the message of a ``ShapeError``: shape mismatches are programming errors inside the library.
@inlinable
public func checkedShape<T>(_ body: () throws(ShapeError) -> T) -> T {
    do { return try body() } catch { preconditionFailure(error.description) }
}
