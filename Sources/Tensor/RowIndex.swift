/// The row-major walk over the contiguous rows of a strided copy (broadcasting, axis permutation): a
/// multi-index over every axis of `shape` but the last, the second-to-last fastest.
///
/// `offset(strides)` = Σ_k index[k]·strides[k] over those axes is where the current row starts in a
/// source with those strides; `advance()` moves to the next row (after the last, back to all zeros).
public struct RowIndex {
    @usableFromInline let shape: [Int]
    @usableFromInline var index: [Int]

    @inlinable public init(shape: [Int]) {
        self.shape = shape
        index = [Int](repeating: 0, count: max(shape.count - 1, 0))
    }

    /// Σ_k index[k]·strides[k] over all axes but the last.
    @inlinable public func offset(_ strides: [Int]) -> Int {
        var offset = 0
        for k in index.indices { offset += index[k] * strides[k] }
        return offset
    }

    /// The next row: the second-to-last axis counts up, carrying into the axes before it.
    @inlinable public mutating func advance() {
        var k = index.count - 1
        while k >= 0 {
            index[k] += 1
            if index[k] < shape[k] { return }
            index[k] = 0
            k -= 1
        }
    }
}
