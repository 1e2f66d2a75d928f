import Tensor

extension Variable {
    /// op(a)·op(b) for rank-2 values (dgemm), op = transpose when asked; the transposes are never
    /// materialized. With C = op(a)op(b) and upstream G:
    /// ```
    /// C = A B     ∂A = G Bᵀ      ∂B = Aᵀ G
    /// C = Aᵀ B    ∂A = B Gᵀ      ∂B = A G
    /// C = A Bᵀ    ∂A = G B       ∂B = Gᵀ A
    /// C = Aᵀ Bᵀ   ∂A = Bᵀ Gᵀ     ∂B = Gᵀ Aᵀ
    /// ```
    /// Each gradient is again a `matmul`, so the rule differentiates to any order. Tangent:
    /// Ċ = op(Ȧ)op(B) + op(A)op(Ḃ), the second product accumulated into the first by dgemm (β = 1).
    public static func matmul(_ a: Variable, _ b: Variable, transposeA: Bool = false, transposeB: Bool = false) -> Variable {
        let out = Tensor.matmul(a.value, b.value, transposeA: transposeA, transposeB: transposeB)
        return primitive(out, [a, b], tangent: { t in
            // ṫ = op(ȧ)op(b) + op(a)op(ḃ)
            var total = t[0].map { Tensor.matmul($0, b.value, transposeA: transposeA, transposeB: transposeB) }
            if let tb = t[1] {
                if total == nil { total = Tensor.matmul(a.value, tb, transposeA: transposeA, transposeB: transposeB) }
                else { Tensor.gemm(a.value, tb, into: &total!, transposeA: transposeA, transposeB: transposeB, alpha: 1, beta: 1) }
            }
            return total!
        }) { g, _ in
            let ga: Variable?, gb: Variable?
            switch (transposeA, transposeB) {
            case (false, false):
                ga = a.requiresGrad ? matmul(g, b, transposeB: true) : nil
                gb = b.requiresGrad ? matmul(a, g, transposeA: true) : nil
            case (true, false):
                ga = a.requiresGrad ? matmul(b, g, transposeB: true) : nil
                gb = b.requiresGrad ? matmul(a, g) : nil
            case (false, true):
                ga = a.requiresGrad ? matmul(g, b) : nil
                gb = b.requiresGrad ? matmul(g, a, transposeA: true) : nil
            case (true, true):
                ga = a.requiresGrad ? matmul(b, g, transposeA: true, transposeB: true) : nil
                gb = b.requiresGrad ? matmul(g, a, transposeA: true, transposeB: true) : nil
            }
            return [ga, gb]
        }
    }
}
