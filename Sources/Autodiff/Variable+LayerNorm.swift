import Tensor

/// Layer normalization over the last axis, a fused primitive with the full derivative treatment.
extension Variable {
    /// Layer normalization over the last axis without the affine part (PyTorch's `F.layer_norm` with
    /// `weight = bias = None`; Ba et al. 2016, eq. 4; the affine part stays outside):
    /// ```
    /// μ = (1/n) Σ_j x_j   σ² = (1/n) Σ_j (x_j − μ)²  (biased, as PyTorch)   r = (σ² + ε)^{−1/2}   x̂ = (x − μ) r
    /// ẋ̂ = r (ẋ − mean(ẋ) − x̂ ⊙ mean(ẋ ⊙ x̂))        x̄ = r (ȳ − mean(ȳ) − x̂ ⊙ mean(ȳ ⊙ x̂))
    /// ```
    /// One node keeping x̂ (its value) and r (one scalar per row); the backward is the differentiable
    /// primitive ``layerNormBackward(_:normalized:input:inverseDeviation:epsilon:)``.
    public func layerNormalized(epsilon: Double = 1e-5) -> Variable {
        let (normalized, r) = value.layerNormalizedLastAxis(epsilon: epsilon)
        return Variable.primitive(normalized, [self], tangent: { t in
            Tensor.layerNormProduct(t[0]!, normalized: normalized, inverseDeviation: r)
        }) { g, out in [Variable.layerNormBackward(g, normalized: out, input: self, inverseDeviation: r, epsilon: epsilon)] }
    }

    /// F = r (g − mean g − x̂ mean(g ⊙ x̂)) row-wise (layer normalization's backward), a primitive in g, x̂
    /// (the forward node) and x (through r = (σ²(x) + ε)^{−1/2}, ∂r/∂x = −r² x̂ / n). Tangent
    /// (``Tensor/layerNormBackwardTangent(g:normalized:inverseDeviation:value:gDot:yDot:xDot:)``):
    /// Ḟ = r [ġ − mean ġ − x̂ mean(ġ x̂) − ẋ̂ mean(g x̂) − x̂ mean(g ẋ̂)] − r mean(x̂ ẋ) F. With upstream u:
    /// ∂/∂g = r (u − mean u − x̂ mean(u x̂)) (itself again), ∂/∂x̂ = −r (u mean(g x̂) + g mean(u x̂)),
    /// ∂/∂x = −r x̂ mean(u ⊙ F); r there is recomputed from x by differentiable operations, so every
    /// order is exact.
    static func layerNormBackward(_ g: Variable, normalized y: Variable, input x: Variable, inverseDeviation r: Tensor,
                                  epsilon: Double) -> Variable {
        let value = Tensor.layerNormProduct(g.value, normalized: y.value, inverseDeviation: r)
        return primitive(value, [g, y, x], tangent: { t in
            Tensor.layerNormBackwardTangent(g: g.value, normalized: y.value, inverseDeviation: r, value: value,
                                            gDot: t[0], yDot: t[1], xDot: t[2])
        }) { u, out in
            let axis = y.value.rank - 1, n = Double(y.shape[axis])
            func mean(_ v: Variable) -> Variable { v.sum(axis: axis, keepingAxis: true) * (1 / n) }
            let centred = x - mean(x)
            let rx = (mean(centred.squared()) + epsilon).pow(-0.5)
            return [g.requiresGrad ? layerNormBackward(u, normalized: y, input: x, inverseDeviation: r, epsilon: epsilon) : nil,
                    y.requiresGrad ? -1 * rx * (u * mean(g * y) + g * mean(u * y)) : nil,
                    x.requiresGrad ? -1 * rx * y * mean(u * out) : nil]
        }
    }
}
