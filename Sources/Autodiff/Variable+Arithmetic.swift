import Tensor

/// Arithmetic primitives with NumPy broadcasting. Each rule returns the gradient in the broadcast
/// (output) shape; the backward driver sums it back to each operand's shape.
extension Variable {
    /// a + b.  ∂/∂a = g, ∂/∂b = g.
    public static func + (a: Variable, b: Variable) -> Variable {
        primitive(a.value + b.value, [a, b]) { g, _ in [g, g] }
    }

    /// a − b.  ∂/∂a = g, ∂/∂b = −g.
    public static func - (a: Variable, b: Variable) -> Variable {
        primitive(a.value - b.value, [a, b]) { g, _ in [g, -g] }
    }

    /// a ⊙ b.  ∂/∂a = g ⊙ b, ∂/∂b = g ⊙ a.
    public static func * (a: Variable, b: Variable) -> Variable {
        primitive(a.value * b.value, [a, b]) { g, _ in
            [a.requiresGrad ? g * b : nil, b.requiresGrad ? g * a : nil]
        }
    }

    /// a / b.  ∂/∂a = g / b, ∂/∂b = −g ⊙ a / b² = −g ⊙ out / b.
    public static func / (a: Variable, b: Variable) -> Variable {
        primitive(a.value / b.value, [a, b]) { g, out in
            [a.requiresGrad ? g / b : nil, b.requiresGrad ? -(g * out) / b : nil]
        }
    }

    /// −a.  ∂/∂a = −g.
    public static prefix func - (a: Variable) -> Variable {
        primitive(-a.value, [a]) { g, _ in [-g] }
    }

    /// s·a for a constant s.  ∂/∂a = s·g.
    public static func * (a: Variable, s: Double) -> Variable {
        primitive(a.value * s, [a]) { g, _ in [g * s] }
    }

    public static func * (s: Double, a: Variable) -> Variable { a * s }
    public static func / (a: Variable, s: Double) -> Variable { a * (1 / s) }

    /// a + s for a constant s.  ∂/∂a = g.
    public static func + (a: Variable, s: Double) -> Variable {
        primitive(a.value + s, [a]) { g, _ in [g] }
    }

    public static func + (s: Double, a: Variable) -> Variable { a + s }
    public static func - (a: Variable, s: Double) -> Variable { a + (-s) }
    public static func - (s: Double, a: Variable) -> Variable { (-a) + s }
}
