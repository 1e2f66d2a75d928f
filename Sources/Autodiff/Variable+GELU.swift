import Tensor

/// GELU as a fused primitive with the full derivative treatment.
extension Variable {
    /// GELU(x) = x Φ(x), the exact (erf) form that is PyTorch's default (Hendrycks & Gimpel 2016, eq. 1).
    /// One node: GELU′(x) = Φ(x) + x φ(x), applied in one pass as ẋ ⊙ GELU′(x) (tangent) and by the
    /// differentiable primitive ``timesGELUDerivative(_:_:slopes:)`` (backward). Φ(x) in GELU′ is read
    /// back from the output as y/x (``ScalarMath/geluDerivative(_:gelu:)``), so erfc is evaluated once,
    /// for the value.
    ///
    /// When the backward pass is recorded (a gradient to be differentiated again or linearized), the
    /// slopes GELU′(x) it computes are kept for this node's tangent too, so a ``Linearization``'s tangent
    /// sweeps multiply by stored slopes instead of evaluating exp on every sweep (one more tensor of x's
    /// shape while that graph lives). A first-order pass keeps nothing.
    public func gelu() -> Variable {
        let x = value, out = x.map(ScalarMath.gelu)
        let slopes = GELUSlopes()
        return Variable.primitive(out, [self], tangent: { t in
            if let first = slopes.first { return t[0]! * first }
            return Tensor.zipMap(t[0]!, x, out) { $0 * ScalarMath.geluDerivative($1, gelu: $2) }
        }) { g, _ in
            let first = slopes.first ?? Tensor.zipMap(x, out) { ScalarMath.geluDerivative($0, gelu: $1) }
            if GradientMode.isRecording { slopes.first = first }
            return [Variable.timesGELUDerivative(g, self, slopes: first)]
        }
    }

    /// g ⊙ GELU′(x) for equal shapes (GELU's backward; `slopes` = GELU′(x)), a primitive in both:
    /// ṫ = ġ ⊙ GELU′(x) + g ⊙ GELU″(x) ⊙ ẋ with GELU″(x) = φ(x)(2 − x²); with upstream u,
    /// ∂/∂g = u ⊙ GELU′(x) (itself again) and ∂/∂x = u ⊙ g ⊙ GELU″(x) (composed, so every order is exact).
    /// A recorded node keeps g ⊙ GELU″(x), so its tangent is one multiply–add per element.
    static func timesGELUDerivative(_ g: Variable, _ x: Variable, slopes: Tensor) -> Variable {
        func curvature() -> Tensor { Tensor.zipMap(g.value, x.value) { $0 * ScalarMath.geluSecondDerivative($1) } }
        let kept = GradientMode.isRecording && (g.requiresGrad || x.requiresGrad) ? curvature() : nil
        return primitive(g.value * slopes, [g, x], tangent: { t in
            switch (t[0], t[1]) {
            case let (gDot?, xDot?): Tensor.zipMap(gDot, slopes, kept ?? curvature(), xDot) { gd, d, c, xd in gd * d + c * xd }
            case let (gDot?, nil): gDot * slopes
            case let (nil, xDot?): xDot * (kept ?? curvature())
            case (nil, nil): Tensor.zeros(g.shape)
            }
        }) { u, _ in
            [g.requiresGrad ? timesGELUDerivative(u, x, slopes: slopes) : nil,
             x.requiresGrad ? u * g * ((-0.5 * x.squared()).exp() * (1 / (2 * Double.pi).squareRoot()) * (2 - x.squared())) : nil]
        }
    }
}

/// GELU′(x) of one GELU node, stored by a recorded backward pass (``Variable/gelu()``). Written by the
/// pass that records the gradient graph, before any tangent sweep over that graph reads it.
final class GELUSlopes: @unchecked Sendable {
    var first: Tensor?
}
