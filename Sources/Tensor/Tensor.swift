/// A dense float64 tensor in row-major (C) order.
///
/// `shape` lists the extent of each axis; `scalars` holds `shape.reduce(1, *)` values, the last axis
/// varying fastest. A rank-0 tensor (`shape == []`) holds one scalar. Tensors are values: copying one is
/// cheap (copy-on-write storage) and mutating a copy never changes the original.
public struct Tensor: Sendable, Equatable, CustomStringConvertible {
    /// Extent of each axis, outermost first.
    public private(set) var shape: [Int]
    /// The values in row-major order.
    public var scalars: [Double]

    /// A tensor of the given shape over `scalars` (row-major). Traps when the counts disagree.
    public init(shape: [Int], scalars: [Double]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "Tensor: negative extent in shape \(shape)")
        precondition(shape.reduce(1, *) == scalars.count,
                     "Tensor: shape \(shape) needs \(shape.reduce(1, *)) scalars, got \(scalars.count)")
        self.shape = shape
        self.scalars = scalars
    }

    /// A rank-0 tensor holding `value`.
    public init(_ value: Double) { self.init(shape: [], scalars: [value]) }

    /// A rank-1 tensor over `values`.
    public init(_ values: [Double]) { self.init(shape: [values.count], scalars: values) }

    /// A rank-2 tensor from rows of equal length.
    public init(rows: [[Double]]) {
        let columns = rows.first?.count ?? 0
        precondition(rows.allSatisfy { $0.count == columns }, "Tensor(rows:): rows of unequal length")
        self.init(shape: [rows.count, columns], scalars: rows.flatMap { $0 })
    }

    /// A tensor of `shape` filled with `value`.
    public init(repeating value: Double, shape: [Int]) {
        self.init(shape: shape, scalars: [Double](repeating: value, count: shape.reduce(1, *)))
    }

    public static func zeros(_ shape: [Int]) -> Tensor { Tensor(repeating: 0, shape: shape) }

    /// A tensor of `shape` whose every scalar `initialize` writes (no zero-fill first): the allocation
    /// path of kernels that overwrite their whole output.
    @inlinable
    public static func uninitialized(_ shape: [Int], _ initialize: (UnsafeMutableBufferPointer<Double>) -> Void) -> Tensor {
        let count = shape.reduce(1, *)
        let scalars = [Double](unsafeUninitializedCapacity: count) { buffer, initializedCount in
            initialize(buffer)
            initializedCount = count
        }
        return Tensor(shape: shape, scalars: scalars)
    }
    public static func ones(_ shape: [Int]) -> Tensor { Tensor(repeating: 1, shape: shape) }

    /// The n × n identity matrix.
    public static func identity(_ n: Int) -> Tensor {
        var t = Tensor.zeros([n, n])
        for i in 0..<n { t.scalars[i * n + i] = 1 }
        return t
    }

    /// Number of axes.
    public var rank: Int { shape.count }
    /// Total number of scalars.
    public var count: Int { scalars.count }
    /// The single value of a tensor with one element (any rank).
    public var scalar: Double {
        precondition(scalars.count == 1, "Tensor.scalar: shape \(shape) holds \(scalars.count) values, expected 1")
        return scalars[0]
    }

    /// Element at a multi-index (bounds-checked; for tests and small work, not hot loops).
    public subscript(_ index: Int...) -> Double {
        get { scalars[flatIndex(index)] }
        set { scalars[flatIndex(index)] = newValue }
    }

    private func flatIndex(_ index: [Int]) -> Int {
        precondition(index.count == shape.count, "Tensor subscript: \(index.count) indices for shape \(shape)")
        var flat = 0
        for (i, n) in zip(index, shape) {
            precondition(i >= 0 && i < n, "Tensor subscript: index \(index) out of range for shape \(shape)")
            flat = flat * n + i
        }
        return flat
    }

    /// The same scalars under a new shape with the same element count.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        precondition(newShape.reduce(1, *) == count,
                     "reshaped: cannot view shape \(shape) (\(count) values) as \(newShape)")
        return Tensor(shape: newShape, scalars: scalars)
    }

    /// Row `i` of a rank-2 tensor as a rank-1 tensor.
    public func row(_ i: Int) -> Tensor {
        precondition(rank == 2, "row: expected a rank-2 tensor, got shape \(shape)")
        let n = shape[1]
        return Tensor(Array(scalars[(i * n)..<((i + 1) * n)]))
    }

    /// The rows `indices` of a rank ≥ 1 tensor (gather along axis 0).
    public func rows(_ indices: [Int]) -> Tensor {
        precondition(rank >= 1, "rows: expected rank ≥ 1, got shape \(shape)")
        let inner = shape.dropFirst().reduce(1, *)
        let rowCount = shape[0]
        for i in indices { precondition(i >= 0 && i < rowCount, "rows: index \(i) out of range 0..<\(rowCount)") }
        return scalars.withUnsafeBufferPointer { src in
            Tensor.uninitialized([indices.count] + shape.dropFirst()) { dst in
                for (k, i) in indices.enumerated() {
                    for j in 0..<inner { dst[k * inner + j] = src[i * inner + j] }
                }
            }
        }
    }

    public var description: String {
        if count <= 12 { return "Tensor(shape: \(shape), \(scalars))" }
        return "Tensor(shape: \(shape), [\(scalars.prefix(6).map { "\($0)" }.joined(separator: ", ")), …])"
    }
}

extension Tensor {
    /// Σ_k (part_k placed at ranges[k]) in zeros of `length`, each part rank 1 of its range's length (nil
    /// parts are zero): the adjoint of cutting a vector into slices. The zero fill is
    /// skipped when the ranges tile 0..<length exactly, the usual case of a model's layers.
    public static func assembling(_ parts: [Tensor?], at ranges: [Range<Int>], length: Int) -> Tensor {
        precondition(parts.count == ranges.count && ranges.allSatisfy({ $0.lowerBound >= 0 && $0.upperBound <= length }),
                     "assembling: \(parts.count) parts for ranges \(ranges) in length \(length)")
        let sorted = ranges.sorted { $0.lowerBound < $1.lowerBound }
        let tiles = parts.allSatisfy { $0 != nil } && sorted.first?.lowerBound == 0 && sorted.last?.upperBound == length
            && zip(sorted, sorted.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound }
        let fill = { (dst: UnsafeMutableBufferPointer<Double>) in
            if !tiles { dst.initialize(repeating: 0) }
            for (part, range) in zip(parts, ranges) {
                guard let part else { continue }
                part.scalars.withUnsafeBufferPointer { src in
                    let base = range.lowerBound
                    if tiles {
                        for i in 0..<src.count { dst[base + i] = src[i] }
                    } else {
                        for i in 0..<src.count { dst[base + i] += src[i] }
                    }
                }
            }
        }
        return Tensor.uninitialized([length], fill)
    }
}
