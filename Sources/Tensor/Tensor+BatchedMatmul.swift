import CBLAS

/// Batched matrix products over rank-3 tensors [N, ·, ·]: one dgemm per batch entry, on the tensors'
/// storage at offsets (no copies). Used by attention (one batch entry per sequence and head).
extension Tensor {
    /// C[n] = α·op(A[n])·op(B[n]) + β·C[n] for every n, with C [N, m, p] (`c` nil: a new tensor, β ignored).
    /// Traps with the shapes named when they do not match.
    public static func batchedMatmul(_ a: Tensor, _ b: Tensor, transposeA: Bool = false, transposeB: Bool = false,
                                     accumulatingInto c: Tensor? = nil) -> Tensor {
        precondition(a.rank == 3 && b.rank == 3 && a.shape[0] == b.shape[0],
                     "batchedMatmul: shapes \(a.shape) and \(b.shape) must be rank 3 with the same batch extent")
        let inner = checkedShape { () throws(ShapeError) in
            try matmulShape(Array(a.shape.dropFirst()), Array(b.shape.dropFirst()), transposeA: transposeA, transposeB: transposeB)
        }
        let batch = a.shape[0], (m, n) = (inner[0], inner[1])
        let k = transposeA ? a.shape[1] : a.shape[2]
        let outShape = [batch, m, n]
        if let c { precondition(c.shape == outShape, "batchedMatmul: accumulator shape \(c.shape), expected \(outShape)") }
        var out = c ?? Tensor.zeros(outShape)
        if batch == 0 || m == 0 || n == 0 || k == 0 { return out }
        let beta: Double = c == nil ? 0 : 1
        let (aStride, bStride, cStride) = (a.shape[1] * a.shape[2], b.shape[1] * b.shape[2], m * n)
        a.scalars.withUnsafeBufferPointer { pa in
            b.scalars.withUnsafeBufferPointer { pb in
                out.scalars.withUnsafeMutableBufferPointer { pc in
                    for i in 0..<batch {
                        cblas_dgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                                    Int32(m), Int32(n), Int32(k), 1,
                                    pa.baseAddress! + i * aStride, Int32(a.shape[2]),
                                    pb.baseAddress! + i * bStride, Int32(b.shape[2]),
                                    beta, pc.baseAddress! + i * cStride, Int32(n))
                    }
                }
            }
        }
        return out
    }
}
