import Tensor

/// Arithmetic primitives with NumPy broadcasting. Each rule returns the gradient in the broadcast
/// (output) shape; the backward driver sums it back to each operand's shape. Tangent rules are the
/// product and quotient rules.
extension Variable {
    /// a + b.  ∂/∂a = g, ∂/∂b = g;  ṫ = ȧ + ḃ.
    public static func + (a: Variable, b: Variable) -> Variable {
        let out = a.value + b.value
        return primitive(out, [a, b], tangent: { Tangents.sum($0, shape: out.shape) }) { g, _ in [g, g] }
    }

    /// a − b.  ∂/∂a = g, ∂/∂b = −g;  ṫ = ȧ − ḃ.
    public static func - (a: Variable, b: Variable) -> Variable {
        let out = a.value - b.value
        return primitive(out, [a, b], tangent: { Tangents.sum([$0[0], $0[1].map { -$0 }], shape: out.shape) }) { g, _ in [g, -g] }
    }

    /// a ⊙ b.  ∂/∂a = g ⊙ b, ∂/∂b = g ⊙ a;  ṫ = ȧ ⊙ b + a ⊙ ḃ.
    public static func * (a: Variable, b: Variable) -> Variable {
        let out = a.value * b.value
        return primitive(out, [a, b], tangent: { t in
            if let ta = t[0], let tb = t[1], ta.shape == out.shape, tb.shape == out.shape,
               a.value.shape == out.shape, b.value.shape == out.shape {
                return Tensor.zipMap(ta, b.value, a.value, tb) { $0 * $1 + $2 * $3 }  // one pass, same sum
            }
            return Tangents.sum([t[0].map { $0 * b.value }, t[1].map { a.value * $0 }], shape: out.shape)
        }) { g, _ in
            [a.requiresGrad ? g * b : nil, b.requiresGrad ? g * a : nil]
        }
    }

    /// a / b.  ∂/∂a = g / b, ∂/∂b = −g ⊙ a / b² = −g ⊙ out / b;  ṫ = (ȧ − out ⊙ ḃ) / b.
    public static func / (a: Variable, b: Variable) -> Variable {
        let out = a.value / b.value
        return primitive(out, [a, b], tangent: { t in
            Tangents.sum([t[0], t[1].map { -(out * $0) }], shape: out.shape) / b.value
        }) { g, out in
            [a.requiresGrad ? g / b : nil, b.requiresGrad ? -(g * out) / b : nil]
        }
    }

    /// −a.  ∂/∂a = −g;  ṫ = −ȧ.
    public static prefix func - (a: Variable) -> Variable {
        linear(a, { -$0 }) { g, _ in [-g] }
    }

    /// s·a for a constant s.  ∂/∂a = s·g;  ṫ = s·ȧ.
    public static func * (a: Variable, s: Double) -> Variable {
        linear(a, { $0 * s }) { g, _ in [g * s] }
    }

    public static func * (s: Double, a: Variable) -> Variable { a * s }
    public static func / (a: Variable, s: Double) -> Variable { a * (1 / s) }

    /// a + s for a constant s.  ∂/∂a = g;  ṫ = ȧ.
    public static func + (a: Variable, s: Double) -> Variable {
        primitive(a.value + s, [a], tangent: { $0[0]! }) { g, _ in [g] }
    }

    public static func + (s: Double, a: Variable) -> Variable { a + s }
    public static func - (a: Variable, s: Double) -> Variable { a + (-s) }
    public static func - (s: Double, a: Variable) -> Variable { (-a) + s }
}
