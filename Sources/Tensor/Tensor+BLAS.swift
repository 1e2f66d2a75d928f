import CBLAS

/// Matrix products through OpenBLAS (cblas, row-major, float64).
extension Tensor {
    /// `op(a) · op(b)` for rank-2 tensors, where `op` transposes when asked (dgemm; no copy is made for
    /// the transpose). Traps with both shapes named when the inner dimensions differ.
    public static func matmul(_ a: Tensor, _ b: Tensor, transposeA: Bool = false, transposeB: Bool = false) -> Tensor {
        let outShape = checkedShape { () throws(ShapeError) in
            try matmulShape(a.shape, b.shape, transposeA: transposeA, transposeB: transposeB)
        }
        let inner = transposeA ? a.shape[0] : a.shape[1]
        if inner == 0 || outShape.contains(0) { return Tensor.zeros(outShape) }
        // dgemm with β = 0 writes every element of C, so C needs no zero-fill.
        return Tensor.uninitialized(outShape) { pc in
            a.scalars.withUnsafeBufferPointer { pa in
                b.scalars.withUnsafeBufferPointer { pb in
                    cblas_dgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                                Int32(outShape[0]), Int32(outShape[1]), Int32(inner), 1,
                                pa.baseAddress, Int32(a.shape[1]), pb.baseAddress, Int32(b.shape[1]),
                                0, pc.baseAddress, Int32(outShape[1]))
                }
            }
        }
    }

    /// `c ← α·op(a)·op(b) + β·c` (dgemm). Shapes must already agree.
    public static func gemm(_ a: Tensor, _ b: Tensor, into c: inout Tensor, transposeA: Bool = false,
                            transposeB: Bool = false, alpha: Double = 1, beta: Double = 0) {
        let outShape = checkedShape { () throws(ShapeError) in
            try matmulShape(a.shape, b.shape, transposeA: transposeA, transposeB: transposeB)
        }
        precondition(c.shape == outShape, "gemm: output shape \(c.shape), expected \(outShape)")
        let m = Int32(outShape[0]), n = Int32(outShape[1])
        let k = Int32(transposeA ? a.shape[0] : a.shape[1])
        if m == 0 || n == 0 { return }
        if k == 0 {
            if beta != 1 { c.scale(by: beta) }
            return
        }
        a.scalars.withUnsafeBufferPointer { pa in
            b.scalars.withUnsafeBufferPointer { pb in
                c.scalars.withUnsafeMutableBufferPointer { pc in
                    cblas_dgemm(CblasRowMajor,
                                transposeA ? CblasTrans : CblasNoTrans,
                                transposeB ? CblasTrans : CblasNoTrans,
                                m, n, k, alpha,
                                pa.baseAddress, Int32(a.shape[1]),
                                pb.baseAddress, Int32(b.shape[1]),
                                beta, pc.baseAddress, n)
                }
            }
        }
    }

    /// `op(a) · x` for a rank-2 `a` and rank-1 `x` (dgemv).
    public static func matvec(_ a: Tensor, _ x: Tensor, transpose: Bool = false) -> Tensor {
        precondition(a.rank == 2 && x.rank == 1, "matvec: shapes \(a.shape) and \(x.shape) must be rank 2 and rank 1")
        let (rows, cols) = (a.shape[0], a.shape[1])
        let inner = transpose ? rows : cols
        precondition(x.count == inner, "matvec: shapes \(a.shape)\(transpose ? "ᵀ" : "") and \(x.shape) do not match")
        var y = Tensor.zeros([transpose ? cols : rows])
        if rows == 0 || cols == 0 { return y }
        a.scalars.withUnsafeBufferPointer { pa in
            x.scalars.withUnsafeBufferPointer { px in
                y.scalars.withUnsafeMutableBufferPointer { py in
                    cblas_dgemv(CblasRowMajor, transpose ? CblasTrans : CblasNoTrans, Int32(rows), Int32(cols),
                                1, pa.baseAddress, Int32(cols), px.baseAddress, 1, 0, py.baseAddress, 1)
                }
            }
        }
        return y
    }

    /// Scales every scalar in place (dscal).
    public mutating func scale(by alpha: Double) {
        let n = Int32(count)
        scalars.withUnsafeMutableBufferPointer { p in cblas_dscal(n, alpha, p.baseAddress, 1) }
    }
}

/// BLAS level-1 kernels on flat `[Double]` vectors: the language of θ, gradients and probe vectors.
public enum VectorOps {
    /// ⟨x, y⟩ (ddot). Traps when lengths differ.
    @inlinable public static func dot(_ x: [Double], _ y: [Double]) -> Double {
        precondition(x.count == y.count, "dot: lengths \(x.count) and \(y.count) differ")
        return x.withUnsafeBufferPointer { px in
            y.withUnsafeBufferPointer { py in cblas_ddot(Int32(x.count), px.baseAddress, 1, py.baseAddress, 1) }
        }
    }

    /// ‖x‖₂ (dnrm2).
    @inlinable public static func norm(_ x: [Double]) -> Double {
        x.withUnsafeBufferPointer { cblas_dnrm2(Int32(x.count), $0.baseAddress, 1) }
    }

    /// y ← α·x + y (daxpy).
    @inlinable public static func axpy(_ alpha: Double, _ x: [Double], _ y: inout [Double]) {
        precondition(x.count == y.count, "axpy: lengths \(x.count) and \(y.count) differ")
        let n = Int32(x.count)
        x.withUnsafeBufferPointer { px in
            y.withUnsafeMutableBufferPointer { py in cblas_daxpy(n, alpha, px.baseAddress, 1, py.baseAddress, 1) }
        }
    }

    /// x ← α·x (dscal).
    @inlinable public static func scale(_ x: inout [Double], by alpha: Double) {
        let n = Int32(x.count)
        x.withUnsafeMutableBufferPointer { cblas_dscal(n, alpha, $0.baseAddress, 1) }
    }

    /// α·x as a new vector.
    @inlinable public static func scaled(_ x: [Double], by alpha: Double) -> [Double] {
        var y = x
        scale(&y, by: alpha)
        return y
    }

    /// x + y as a new vector.
    @inlinable public static func add(_ x: [Double], _ y: [Double]) -> [Double] {
        var z = y
        axpy(1, x, &z)
        return z
    }

    /// x − y as a new vector.
    @inlinable public static func subtract(_ x: [Double], _ y: [Double]) -> [Double] {
        var z = x
        axpy(-1, y, &z)
        return z
    }
}

extension Tensor {
    /// op(x)·op(w) + 1·bᵀ for a rank-2 product and a rank-1 `bias` b (nil: zero): each row of the output
    /// starts as b and dgemm accumulates the product onto it (β = 1), so the bias costs one write pass
    /// instead of a zeroed output plus a broadcast addition. A dense layer's x Wᵀ + b.
    public static func affine(_ x: Tensor, _ w: Tensor, bias: Tensor?, transposeA: Bool = false, transposeB: Bool = false) -> Tensor {
        guard let bias else { return matmul(x, w, transposeA: transposeA, transposeB: transposeB) }
        let rows = transposeA ? x.shape[1] : x.shape[0]
        var out = bias.repeatedAsRows(rows)
        gemm(x, w, into: &out, transposeA: transposeA, transposeB: transposeB, alpha: 1, beta: 1)
        return out
    }

    /// A `rows` × n matrix whose every row is this rank-1 tensor of length n.
    public func repeatedAsRows(_ rows: Int) -> Tensor {
        precondition(rank == 1, "repeatedAsRows: expected a rank-1 tensor, got shape \(shape)")
        let n = count
        return scalars.withUnsafeBufferPointer { src in
            Tensor.uninitialized([rows, n]) { dst in
                for r in 0..<rows {
                    let base = r * n
                    for j in 0..<n { dst[base + j] = src[j] }
                }
            }
        }
    }
}

extension Tensor {
    /// w ← w − Qᵀ(Q w) for the k × d matrix Q of `rows` (classical Gram–Schmidt against its rows, which
    /// should be orthonormal); returns ‖w‖ afterwards. Two passes over Q (dgemv, then its transpose), not
    /// 2k passes over w, and the d coordinates are cut into one part per core (``BatchParallelism``):
    /// each part adds its share of Q w, then updates its own coordinates of w.
    public static func subtractProjection(ontoRowsOf rows: Tensor, from w: inout [Double]) -> Double {
        precondition(rows.rank == 2 && rows.shape[1] == w.count,
                     "subtractProjection: rows of shape \(rows.shape) for a vector of length \(w.count)")
        let (k, d) = (rows.shape[0], rows.shape[1])
        let parts = BatchParallelism.ranges(count: d, parts: BatchParallelism.partCount(forBatchOf: d, minimumPartSize: 1 << 15))
        return rows.scalars.withUnsafeBufferPointer { q in
            w.withUnsafeMutableBufferPointer { w in
                nonisolated(unsafe) let (q, w) = (q, w)
                if k > 0 {
                    let partial = BatchParallelism.run(parts: parts.count) { p -> [Double] in
                        var c = [Double](repeating: 0, count: k)
                        cblas_dgemv(CblasRowMajor, CblasNoTrans, Int32(k), Int32(parts[p].count), 1,
                                    q.baseAddress! + parts[p].lowerBound, Int32(d),
                                    w.baseAddress! + parts[p].lowerBound, 1, 0, &c, 1)
                        return c
                    }
                    let c = (0..<k).map { j in partial.reduce(0) { $0 + $1[j] } }
                    _ = BatchParallelism.run(parts: parts.count) { p in
                        cblas_dgemv(CblasRowMajor, CblasTrans, Int32(k), Int32(parts[p].count), -1,
                                    q.baseAddress! + parts[p].lowerBound, Int32(d), c, 1, 1,
                                    w.baseAddress! + parts[p].lowerBound, 1)
                    }
                }
                let squares = BatchParallelism.run(parts: parts.count) { p in
                    cblas_ddot(Int32(parts[p].count), w.baseAddress! + parts[p].lowerBound, 1, w.baseAddress! + parts[p].lowerBound, 1)
                }
                return squares.reduce(0, +).squareRoot()
            }
        }
    }
}
