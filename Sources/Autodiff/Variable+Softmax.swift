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

    /// Row-wise softmax over the last axis, exp(logSoftmax(x)).
    public func softmax() -> Variable { logSoftmax().exp() }

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
