import Foundation
import Tensor

/// Element-wise primitives. Each rule is written with differentiable operations (reusing the output
/// where that is exact), so every one of them can be differentiated again. Choices at kinks are stated.
extension Variable {
    /// eˣ.  d/dx = eˣ (the output).
    public func exp() -> Variable {
        Variable.elementwise(self, { Foundation.exp($0) }, derivative: { _, y in y }) { g, out in [g * out] }
    }

    /// log x (natural).  d/dx = 1/x.
    public func log() -> Variable {
        Variable.elementwise(self, { Foundation.log($0) }, derivative: { x, _ in x.map { 1 / $0 } }) { g, _ in [g / self] }
    }

    /// tanh x, a primitive (composing it as 2σ(2x) − 1 would cancel near 0).  d/dx = 1 − tanh²x,
    /// applied as one fused pass g ⊙ (1 − y²) with y the output.
    public func tanh() -> Variable {
        let out = value.tanhElementwise()
        return Variable.primitive(out, [self], tangent: { Variable.oneMinusSquareProduct($0[0]!, out) }) { g, out in
            [Variable.timesOneMinusSquare(g, out)]
        }
    }

    /// g ⊙ (1 − y²) in one pass: tanh's derivative applied to g (backward) or to ẋ (tangent).
    static func oneMinusSquareProduct(_ g: Tensor, _ y: Tensor) -> Tensor {
        Tensor.zipMap(g, y) { $0 * (1 - $1 * $1) }
    }

    /// g ⊙ (1 − y²) for equal shapes in one pass (tanh's backward).
    /// ∂/∂g = u ⊙ (1 − y²) (itself again), ∂/∂y = −2 u ⊙ g ⊙ y.
    static func timesOneMinusSquare(_ g: Variable, _ y: Variable) -> Variable {
        primitive(oneMinusSquareProduct(g.value, y.value), [g, y], tangent: { t in
            // ṫ = ġ ⊙ (1 − y²) − 2 g ⊙ y ⊙ ẏ, in one pass when both tangents are present
            switch (t[0], t[1]) {
            case let (gDot?, yDot?): Tensor.zipMap(gDot, y.value, g.value, yDot) { gd, y, g, yd in gd * (1 - y * y) - 2 * g * y * yd }
            case let (gDot?, nil): oneMinusSquareProduct(gDot, y.value)
            case let (nil, yDot?): yDot * g.value * y.value * -2
            case (nil, nil): Tensor.zeros(g.shape)
            }
        }) { u, _ in
            [g.requiresGrad ? timesOneMinusSquare(u, y) : nil, y.requiresGrad ? -2 * (u * g * y) : nil]
        }
    }

    /// σ(x) = 1/(1 + e^{−x}).  d/dx = σ(x)(1 − σ(x)).
    public func sigmoid() -> Variable {
        Variable.elementwise(self, ScalarMath.sigmoid, derivative: { _, y in y.map { $0 * (1 - $0) } }) { g, out in [g * (out * (1 - out))] }
    }

    /// softplus(x) = log(1 + eˣ), evaluated stably.  d/dx = σ(x).
    public func softplus() -> Variable {
        Variable.elementwise(self, ScalarMath.softplus, derivative: { x, _ in x.map(ScalarMath.sigmoid) }) { g, _ in [g * self.sigmoid()] }
    }

    /// max(x, 0).  d/dx = 1 for x > 0 and 0 for x ≤ 0 (relu′(0) = 0, as PyTorch); second derivative 0.
    public func relu() -> Variable {
        Variable.elementwise(self, { max($0, 0) }, derivative: { x, _ in x.map { $0 > 0 ? 1 : 0 } }) { g, _ in
            [g * Variable(self.value.map { $0 > 0 ? 1 : 0 })]
        }
    }

    /// Φ(x), the standard normal CDF.  d/dx = φ(x) = e^{−x²/2}/√(2π).
    public func normalCDF() -> Variable {
        Variable.elementwise(self, ScalarMath.normalCDF, derivative: { x, _ in x.map(ScalarMath.normalPDF) }) { g, _ in
            [g * self.normalDensity()]
        }
    }

    /// φ(x) = e^{−x²/2}/√(2π), the standard normal density, composed from x², exp and a scale, so every
    /// derivative order comes from theirs (the backward of Φ and of GELU′).
    func normalDensity() -> Variable { (-0.5 * squared()).exp() * (1 / (2 * Double.pi).squareRoot()) }

    /// √x.  d/dx = 1/(2√x) (the output reused).
    public func sqrt() -> Variable {
        Variable.elementwise(self, { $0.squareRoot() }, derivative: { _, y in y.map { 0.5 / $0 } }) { g, out in [g / (2 * out)] }
    }

    /// x².  d/dx = 2x.
    public func squared() -> Variable {
        Variable.elementwise(self, { $0 * $0 }, derivative: { x, _ in x * 2 }) { g, _ in [g * (2 * self)] }
    }

    /// |x|.  d/dx = sign(x), with |x|′(0) = 0 (as PyTorch and JAX).
    public func abs() -> Variable {
        Variable.elementwise(self, { Swift.abs($0) }, derivative: { x, _ in x.map(ScalarMath.sign) }) { g, _ in
            [g * Variable(self.value.map(ScalarMath.sign))]
        }
    }

    /// xᵖ for a constant exponent p.  d/dx = p·x^{p−1}.
    public func pow(_ p: Double) -> Variable {
        Variable.elementwise(self, { Foundation.pow($0, p) }, derivative: { x, _ in x.map { p * Foundation.pow($0, p - 1) } }) { g, _ in
            [g * (p * self.pow(p - 1))]
        }
    }
}
