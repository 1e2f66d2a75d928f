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

    /// A dense layer's pre-activation z = x Wᵀ + b in one node, for x [B, n], W [m, n] and b [m] (nil: no
    /// bias). The bias fills the output rows and the product is accumulated onto it (``Tensor/affine(_:_:bias:transposeA:transposeB:)``),
    /// so there is no broadcast pass. With upstream G [B, m]:
    /// ```
    /// ∂x = G W      ∂W = Gᵀ x      ∂b = Σ_rows G      ż = ẋ Wᵀ + x Ẇᵀ + ḃ
    /// ```
    /// the gradients again `matmul`s and a sum, so the rule differentiates to any order; the tangent's
    /// products are accumulated onto ḃ's rows by dgemm (β = 1).
    public static func affine(_ x: Variable, weight w: Variable, bias b: Variable?) -> Variable {
        let out = Tensor.affine(x.value, w.value, bias: b?.value, transposeB: true)
        let inputs = b.map { [x, w, $0] } ?? [x, w]
        return primitive(out, inputs, tangent: { t in
            let tb = t.count > 2 ? t[2] : nil
            var total = tb.map { $0.repeatedAsRows(out.shape[0]) }
            for (factor, other, tangentIsLeft) in [(t[0], w.value, true), (t[1], x.value, false)] {
                guard let factor else { continue }
                let (left, right) = tangentIsLeft ? (factor, other) : (other, factor)
                if total == nil { total = Tensor.matmul(left, right, transposeB: true) }
                else { Tensor.gemm(left, right, into: &total!, transposeB: true, alpha: 1, beta: 1) }
            }
            return total!
        }) { g, _ in
            [x.requiresGrad ? matmul(g, w) : nil,
             w.requiresGrad ? matmul(g, x, transposeA: true) : nil] + (b.map { [$0.requiresGrad ? g.sum(axis: 0) : nil] } ?? [])
        }
    }
}
