import Tensor

extension Variable {
    /// op(A[n])·op(B[n]) for every n, for rank-3 values A [N, ·, ·] and B [N, ·, ·] (one dgemm per batch
    /// entry; attention's scores Q Kᵀ and mixes P V, one entry per sequence and head). With upstream G:
    /// ```
    /// C = A B     ∂A = G Bᵀ      ∂B = Aᵀ G
    /// C = A Bᵀ    ∂A = G B       ∂B = Gᵀ A
    /// C = Aᵀ B    ∂A = B Gᵀ      ∂B = A G
    /// C = Aᵀ Bᵀ   ∂A = Bᵀ Gᵀ     ∂B = Gᵀ Aᵀ
    /// ```
    /// batch entry by batch entry (the table of ``matmul(_:_:transposeA:transposeB:)``); each gradient is
    /// again a `batchedMatmul`, so the rule differentiates to any order. Tangent: Ċ = op(Ȧ)op(B) + op(A)op(Ḃ).
    public static func batchedMatmul(_ a: Variable, _ b: Variable, transposeA: Bool = false, transposeB: Bool = false) -> Variable {
        let (av, bv) = (a.value, b.value)
        let out = Tensor.batchedMatmul(av, bv, transposeA: transposeA, transposeB: transposeB)
        return primitive(out, [a, b], tangent: { t in
            var total: Tensor? = nil
            if let ta = t[0] { total = Tensor.batchedMatmul(ta, bv, transposeA: transposeA, transposeB: transposeB) }
            if let tb = t[1] { total = Tensor.batchedMatmul(av, tb, transposeA: transposeA, transposeB: transposeB, accumulatingInto: total) }
            return total!
        }) { g, _ in
            let ga: Variable?, gb: Variable?
            switch (transposeA, transposeB) {
            case (false, false):
                ga = a.requiresGrad ? batchedMatmul(g, b, transposeB: true) : nil
                gb = b.requiresGrad ? batchedMatmul(a, g, transposeA: true) : nil
            case (true, false):
                ga = a.requiresGrad ? batchedMatmul(b, g, transposeB: true) : nil
                gb = b.requiresGrad ? batchedMatmul(a, g) : nil
            case (false, true):
                ga = a.requiresGrad ? batchedMatmul(g, b) : nil
                gb = b.requiresGrad ? batchedMatmul(g, a, transposeA: true) : nil
            case (true, true):
                ga = a.requiresGrad ? batchedMatmul(b, g, transposeA: true, transposeB: true) : nil
                gb = b.requiresGrad ? batchedMatmul(g, a, transposeA: true, transposeB: true) : nil
            }
            return [ga, gb]
        }
    }
}
