import Foundation
import Tensor

/// The softmax family over the last axis, and label selection for cross-entropy.
extension Variable {
    /// Row-wise log-softmax over the last axis, y = x − logsumexp(x) (max-shifted, never overflows).
    /// ∂/∂x = g − softmax(x) ⊙ Σ_j g_j, with softmax(x) = exp(y) reusing the output.
    public func logSoftmax() -> Variable {
        let out = value.logSoftmaxLastAxis()
        return Variable.primitive(out, [self], tangent: { t in
            // ẏ = ẋ − Σ_j softmax_j ẋ_j (row-wise)
            let weighted = (out.map { Foundation.exp($0) } * t[0]!).sum(axis: out.rank - 1, keepingAxis: true)
            return t[0]! - weighted
        }) { g, out in
            let lastAxis = self.shape.count - 1
            return [g - out.exp() * g.sum(axis: lastAxis, keepingAxis: true)]
        }
    }

    /// Row-wise log-sum-exp over the last axis (drops it). Composed as x_max-free: logsumexp(x) =
    /// x_j − logSoftmax(x)_j is avoided; instead it is a primitive with ∂/∂x = g ⊙ softmax(x).
    public func logSumExp() -> Variable {
        let x = value
        let lse = x.logSumExpLastAxis()
        return Variable.primitive(lse, [self], tangent: { t in
            // ẏ = Σ_j softmax_j ẋ_j
            (x.logSoftmaxLastAxis().map { Foundation.exp($0) } * t[0]!).sum(axis: x.rank - 1)
        }) { g, out in
            let kept = out.shape + [1]
            return [g.reshaped(kept) * (self - out.reshaped(kept)).exp()]
        }
    }

    /// Row-wise softmax over the last axis, y = softmax(c·x) with the entries `mask` drops at weight 0
    /// (``SoftmaxMask/causal``: a causal self-attention's y = softmax(mask(QKᵀ/√d_h)), the scaling, the
    /// mask and the softmax as one node). A fused primitive (one node, keeping only y):
    /// ```
    /// ẏ = c · y ⊙ (ẋ − Σ_j y_j ẋ_j)        x̄ = c · y ⊙ (ȳ − Σ_j ȳ_j y_j)
    /// ```
    /// the masked entries need no mask in either (y = 0 there). The backward is the differentiable
    /// primitive ``softmaxJacobianProduct(_:_:scale:)`` of ȳ and the output, so HVPs and linearized
    /// products run through it.
    public func softmax(scale c: Double = 1, mask: SoftmaxMask = .none) -> Variable {
        let out = value.softmaxLastAxis(scale: c, mask: mask)
        return Variable.primitive(out, [self], tangent: { Tensor.softmaxJacobianProduct(out, $0[0]!, scale: c) }) { g, out in
            [Variable.softmaxJacobianProduct(g, out, scale: c)]
        }
    }

    /// z = c · y ⊙ (g − Σ_j g_j y_j) row-wise (softmax's backward, y its output), a primitive in both:
    /// ż = c [y ⊙ (ġ − Σ ġ y) + ẏ ⊙ (g − Σ g y) − y Σ g ẏ]; with upstream u,
    /// ∂/∂g = c · y ⊙ (u − Σ u y) (itself again) and ∂/∂y = c [u ⊙ (g − Σ g y) − g Σ u y].
    static func softmaxJacobianProduct(_ g: Variable, _ y: Variable, scale c: Double) -> Variable {
        primitive(Tensor.softmaxJacobianProduct(y.value, g.value, scale: c), [g, y], tangent: { t in
            Tensor.softmaxJacobianProductTangent(y: y.value, g: g.value, yDot: t[1], gDot: t[0], scale: c)
        }) { u, _ in
            let axis = y.value.rank - 1
            return [g.requiresGrad ? softmaxJacobianProduct(u, y, scale: c) : nil,
                    y.requiresGrad ? c * (u * (g - (g * y).sum(axis: axis, keepingAxis: true)) - g * (u * y).sum(axis: axis, keepingAxis: true)) : nil]
        }
    }

    /// For a [B, C] value, element (i, labels[i]) of each row: shape [B].
    /// ∂/∂x = g placed at (i, labels[i]), zeros elsewhere (``scatterLabels(_:classes:)``).
    public func pick(labels: [Int]) -> Variable {
        precondition(value.rank == 2 && labels.count == value.shape[0],
                     "pick: shape \(shape) does not match \(labels.count) labels")
        let c = value.shape[1]
        for l in labels { precondition(l >= 0 && l < c, "pick: label \(l) out of range 0..<\(c)") }
        return Variable.linear(self, { t in Tensor(labels.enumerated().map { i, l in t.scalars[i * c + l] }) }) { g, _ in
            [g.scatterLabels(labels, classes: c)]
        }
    }

    /// Adjoint of ``pick(labels:)``: a [B, C] value with self[i] at (i, labels[i]).
    public func scatterLabels(_ labels: [Int], classes: Int) -> Variable {
        Variable.linear(self, { t in
            var out = Tensor.zeros([labels.count, classes])
            for (i, l) in labels.enumerated() { out.scalars[i * classes + l] = t.scalars[i] }
            return out
        }) { g, _ in [g.pick(labels: labels)] }
    }
}
