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
        return primitive(out, [a, b], tangent: productTangent(a.value, b.value, transposeA, transposeB)) { g, _ in
            let ga: Variable?, gb: Variable?
            switch (transposeA, transposeB) {
            case (false, false):
                ga = a.requiresGrad ? gradientProduct(0, g, b, false, true) : nil
                gb = b.requiresGrad ? gradientProduct(1, a, g, true, false) : nil
            case (true, false):
                ga = a.requiresGrad ? gradientProduct(0, b, g, false, true) : nil
                gb = b.requiresGrad ? gradientProduct(1, a, g, false, false) : nil
            case (false, true):
                ga = a.requiresGrad ? gradientProduct(0, g, b, false, false) : nil
                gb = b.requiresGrad ? gradientProduct(1, g, a, true, false) : nil
            case (true, true):
                ga = a.requiresGrad ? gradientProduct(0, b, g, true, true) : nil
                gb = b.requiresGrad ? gradientProduct(1, g, a, true, true) : nil
            }
            return [ga, gb]
        }
    }

    /// The tangent rule of C = op(A)op(B): Ċ = op(Ȧ)op(B) + op(A)op(Ḃ), the second product accumulated
    /// into the first by dgemm (β = 1).
    private static func productTangent(_ a: Tensor, _ b: Tensor, _ transposeA: Bool, _ transposeB: Bool) -> TangentRule {
        { t in
            var total: Tensor? = nil
            accumulateProductTangent(t[0], t[1], a, b, transposeA, transposeB, onto: &total)
            return total!
        }
    }

    /// Adds op(Ȧ)op(B), then op(A)op(Ḃ) (a nil tangent is zero) onto `total` by dgemm (β = 1); the first
    /// product starts `total` when it is nil.
    private static func accumulateProductTangent(_ ta: Tensor?, _ tb: Tensor?, _ a: Tensor, _ b: Tensor,
                                                 _ transposeA: Bool, _ transposeB: Bool, onto total: inout Tensor?) {
        for (left, right) in [ta.map { ($0, b) }, tb.map { (a, $0) }].compactMap({ $0 }) {
            if total == nil { total = Tensor.matmul(left, right, transposeA: transposeA, transposeB: transposeB) }
            else { Tensor.gemm(left, right, into: &total!, transposeA: transposeA, transposeB: transposeB, alpha: 1, beta: 1) }
        }
    }

    /// A backward rule's product op(l)·op(r), the gradient of the rule's input `index`: in full, or — when
    /// a tangent-only pass needs only that input's tangent (``Backward/valuelessInputs``) — its tangent
    /// alone, which skips the product of the values.
    private static func gradientProduct(_ index: Int, _ l: Variable, _ r: Variable, _ transposeL: Bool, _ transposeR: Bool) -> Variable? {
        guard Backward.valuelessInputs.contains(index) else { return matmul(l, r, transposeA: transposeL, transposeB: transposeR) }
        guard l.tangent != nil || r.tangent != nil else { return nil }
        return Variable.valueless(tangent: productTangent(l.value, r.value, transposeL, transposeR)([l.tangent, r.tangent]))
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
        let (xValue, wValue) = (x.value, w.value)
        return primitive(out, inputs, tangent: { t in
            var total = (t.count > 2 ? t[2] : nil).map { $0.repeatedAsRows(out.shape[0]) }
            accumulateProductTangent(t[0], t[1], xValue, wValue, false, true, onto: &total)
            return total!
        }) { g, _ in
            [x.requiresGrad ? gradientProduct(0, g, w, false, false) : nil,
             w.requiresGrad ? gradientProduct(1, g, x, true, false) : nil]
                + (b.map { [$0.requiresGrad ? biasGradient(g) : nil] } ?? [])
        }
    }

    /// ∂b = Σ_rows G, or its tangent alone in a tangent-only pass (input 2 of ``affine(_:weight:bias:)``).
    private static func biasGradient(_ g: Variable) -> Variable? {
        Backward.valuelessInputs.contains(2) ? Variable.valueless(tangent: g.tangent?.sum(axis: 0)) : g.sum(axis: 0)
    }
}
