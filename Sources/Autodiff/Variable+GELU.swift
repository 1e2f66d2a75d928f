import Tensor

/// GELU as a fused primitive with the full derivative treatment.
extension Variable {
    /// GELU(x) = x Φ(x), the exact (erf) form that is PyTorch's default (Hendrycks & Gimpel 2016, eq. 1).
    /// One node: GELU′(x) = Φ(x) + x φ(x), applied in one pass as ẋ ⊙ GELU′(x) (tangent) and by the
    /// differentiable primitive ``timesGELUDerivative(_:_:slopes:)`` (backward).
    ///
    /// When the backward pass is recorded (a gradient to be differentiated again or linearized), it
    /// computes GELU′(x) once and keeps it for this node's tangent too, so a ``Linearization``'s tangent
    /// sweeps multiply by stored slopes instead of evaluating erfc and exp on every sweep (one more
    /// tensor of x's shape while that graph lives). A first-order pass keeps nothing.
    ///
    /// Under forward mode (the input carries a tangent, as in forward over reverse) the value and the
    /// slopes come from one pass that evaluates Φ once, and the slopes serve this node's tangent and
    /// its backward, so Φ is not evaluated again there (kept until the graph is released).
    public func gelu() -> Variable {
        let x = value
        let slopes = GELUSlopes()
        let out: Tensor
        if tangent != nil { (out, slopes.first) = x.geluAndDerivative() } else { out = x.map(ScalarMath.gelu) }
        return Variable.primitive(out, [self], tangent: { t in
            if let first = slopes.first { return t[0]! * first }
            return Tensor.zipMap(t[0]!, x) { $0 * ScalarMath.geluDerivative($1) }
        }) { g, _ in
            if GradientMode.isRecording && slopes.first == nil { slopes.first = x.map(ScalarMath.geluDerivative) }
            return [Variable.timesGELUDerivative(g, self, slopes: slopes.first)]
        }
    }

    /// g ⊙ GELU′(x) for equal shapes in one pass (GELU's backward), a primitive in both:
    /// ṫ = ġ ⊙ GELU′(x) + g ⊙ GELU″(x) ⊙ ẋ with GELU″(x) = φ(x)(2 − x²); with upstream u,
    /// ∂/∂g = u ⊙ GELU′(x) (itself again) and ∂/∂x = u ⊙ g ⊙ GELU″(x) (composed, so every order is exact).
    /// `slopes`: GELU′(x) when already computed; a recorded node also keeps g ⊙ GELU″(x), so its
    /// tangent is one multiply–add per element; an unrecorded one computes g ⊙ GELU″(x) when its tangent
    /// is asked for (no erfc).
    static func timesGELUDerivative(_ g: Variable, _ x: Variable, slopes: Tensor? = nil) -> Variable {
        let value = slopes.map { g.value * $0 } ?? Tensor.zipMap(g.value, x.value) { $0 * ScalarMath.geluDerivative($1) }
        func curvature() -> Tensor { Tensor.zipMap(g.value, x.value) { $0 * ScalarMath.geluSecondDerivative($1) } }
        let recorded = GradientMode.isRecording && (g.requiresGrad || x.requiresGrad)
        let kept = recorded && slopes != nil ? curvature() : nil
        return primitive(value, [g, x], tangent: { t in
            switch (t[0], t[1]) {
            case let (gDot?, xDot?):
                if let slopes { return Tensor.zipMap(gDot, slopes, kept ?? curvature(), xDot) { gd, d, c, xd in gd * d + c * xd } }
                return Tensor.zipMap(gDot, x.value, g.value, xDot) { gd, x, g, xd in gd * ScalarMath.geluDerivative(x) + g * ScalarMath.geluSecondDerivative(x) * xd }
            case let (gDot?, nil):
                return slopes.map { gDot * $0 } ?? Tensor.zipMap(gDot, x.value) { $0 * ScalarMath.geluDerivative($1) }
            case let (nil, xDot?):
                return kept.map { xDot * $0 } ?? Tensor.zipMap(xDot, x.value) { $0 * ScalarMath.geluSecondDerivative($1) } * g.value
            case (nil, nil): return Tensor.zeros(g.shape)
            }
        }) { u, _ in
            [g.requiresGrad ? timesGELUDerivative(u, x, slopes: slopes) : nil,
             x.requiresGrad ? u * g * (x.normalDensity() * (2 - x.squared())) : nil]
        }
    }
}

/// GELU′(x) of one GELU node (``Variable/gelu()``), stored by its forward pass under forward mode or by
/// the backward pass that records the gradient graph, before any tangent sweep over that graph reads it.
final class GELUSlopes: @unchecked Sendable {
    var first: Tensor?
}
