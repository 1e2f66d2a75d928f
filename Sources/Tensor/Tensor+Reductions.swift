import Foundation

/// Reductions, broadcasting back, and the row-wise softmax family.
extension Tensor {
    /// Σ of all scalars.
    public func sum() -> Double {
        scalars.withUnsafeBufferPointer { p in
            var s = 0.0
            for i in 0..<p.count { s += p[i] }
            return s
        }
    }

    /// Mean of all scalars.
    public func mean() -> Double { count == 0 ? .nan : sum() / Double(count) }

    /// Sums over `axis`, removing it (`keepingAxis` keeps it with extent 1).
    public func sum(axis: Int, keepingAxis: Bool = false) -> Tensor {
        precondition(axis >= 0 && axis < rank, "sum(axis:): axis \(axis) out of range for shape \(shape)")
        let outer = shape[..<axis].reduce(1, *), n = shape[axis], inner = shape[(axis + 1)...].reduce(1, *)
        var out = [Double](repeating: 0, count: outer * inner)
        scalars.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                if inner == 1 {  // the last axis: one running sum per row, in a register (same order, same bits)
                    for o in 0..<outer {
                        var total = 0.0
                        for k in 0..<n { total += src[o * n + k] }
                        dst[o] = total
                    }
                    return
                }
                for o in 0..<outer {
                    for k in 0..<n {
                        let base = (o * n + k) * inner
                        for j in 0..<inner { dst[o * inner + j] += src[base + j] }
                    }
                }
            }
        }
        var newShape = shape
        if keepingAxis { newShape[axis] = 1 } else { newShape.remove(at: axis) }
        return Tensor(shape: newShape, scalars: out)
    }

    /// Broadcasts to `target` (NumPy rules). Traps with both shapes named when impossible.
    public func broadcast(to target: [Int]) -> Tensor {
        if shape == target { return self }
        let result = checkedShape { () throws(ShapeError) in try Tensor.broadcastShape(shape, target, operation: "broadcast(to:)") }
        precondition(result == target, "broadcast(to:): shape \(shape) cannot broadcast to \(target)")
        return Tensor.broadcasting(self, Tensor.zeros(target), operation: "broadcast(to:)") { a, _ in a }
    }

    /// Sums a broadcast result back down to `target`: the adjoint of ``broadcast(to:)``.
    public func sum(toShape target: [Int]) -> Tensor {
        if shape == target { return self }
        precondition(target.count <= rank, "sum(toShape:): cannot reduce shape \(shape) to \(target)")
        var t = self
        while t.rank > target.count { t = t.sum(axis: 0) }
        for ax in 0..<target.count where target[ax] == 1 && t.shape[ax] != 1 {
            t = t.sum(axis: ax, keepingAxis: true)
        }
        precondition(t.shape == target, "sum(toShape:): cannot reduce shape \(shape) to \(target)")
        return t
    }

    /// Transpose of a rank-2 tensor.
    public func transposed() -> Tensor {
        precondition(rank == 2, "transposed: expected rank 2, got shape \(shape)")
        let (m, n) = (shape[0], shape[1])
        var out = [Double](repeating: 0, count: count)
        scalars.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for i in 0..<m { for j in 0..<n { dst[j * m + i] = src[i * n + j] } }
            }
        }
        return Tensor(shape: [n, m], scalars: out)
    }

    /// Row-wise log-sum-exp over the last axis, max-shifted so it never overflows: shape drops the last axis.
    public func logSumExpLastAxis() -> Tensor {
        precondition(rank >= 1, "logSumExpLastAxis: expected rank ≥ 1, got shape \(shape)")
        let n = shape[rank - 1], rows = n == 0 ? 0 : count / n
        var out = [Double](repeating: 0, count: rows)
        scalars.withUnsafeBufferPointer { src in
            for r in 0..<rows {
                var m = -Double.infinity
                for j in 0..<n { m = max(m, src[r * n + j]) }
                var s = 0.0
                for j in 0..<n { s += exp(src[r * n + j] - m) }
                out[r] = m + log(s)
            }
        }
        return Tensor(shape: Array(shape.dropLast()), scalars: out)
    }

    /// Row-wise log-softmax over the last axis: x − logsumexp(x).
    public func logSoftmaxLastAxis() -> Tensor {
        let lse = logSumExpLastAxis()
        return self - lse.reshaped(lse.shape + [1])
    }

    /// Row-wise softmax over the last axis.
    public func softmaxLastAxis() -> Tensor { logSoftmaxLastAxis().map { exp($0) } }

    /// Index of the largest value in each row (last axis); ties go to the first.
    public func argmaxLastAxis() -> [Int] {
        let n = shape[rank - 1], rows = count / n
        return (0..<rows).map { r in
            var best = 0
            for j in 1..<n where scalars[r * n + j] > scalars[r * n + best] { best = j }
            return best
        }
    }
}
