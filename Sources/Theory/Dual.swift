/// Arithmetic that the papers' rational closed forms need: the four operations and literals.
///
/// `Double` conforms, and so does `Dual<Base>`, so one generic formula yields a value (`Double`), its exact
/// first derivative (`Dual<Double>`) or its second derivative (`Dual<Dual<Double>>`). The lemma thresholds of
/// paper 000 (§3.3) are extrema of ratios of derivatives of C₁ + C₂; forward-mode duals make them exact
/// instead of finite differences.
public protocol RationalArithmetic: ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral, Sendable {
    static func + (lhs: Self, rhs: Self) -> Self
    static func - (lhs: Self, rhs: Self) -> Self
    static func * (lhs: Self, rhs: Self) -> Self
    static func / (lhs: Self, rhs: Self) -> Self
    static prefix func - (operand: Self) -> Self
    /// The constant c, with every derivative 0.
    init(constant: Double)
}

extension Double: RationalArithmetic {
    public init(constant: Double) { self = constant }
}

extension RationalArithmetic {
    /// xⁿ for n ≥ 0 by repeated multiplication (exact for the small powers in the papers' polynomials).
    @inlinable
    func power(_ exponent: Int) -> Self {
        var result: Self = 1
        for _ in 0..<exponent { result = result * self }
        return result
    }
}

/// A forward-mode dual number x + x′ε with ε² = 0: `value` carries f, `derivative` carries f′.
public struct Dual<Base: RationalArithmetic>: RationalArithmetic {
    public var value: Base
    public var derivative: Base

    public init(_ value: Base, derivative: Base = 0) {
        self.value = value
        self.derivative = derivative
    }

    /// The independent variable x, seeded with dx/dx = 1.
    public static func variable(_ value: Base) -> Dual { Dual(value, derivative: 1) }

    public init(constant: Double) { self.init(Base(constant: constant)) }
    public init(integerLiteral value: Int) { self.init(constant: Double(value)) }
    public init(floatLiteral value: Double) { self.init(constant: value) }

    public static func + (lhs: Dual, rhs: Dual) -> Dual {
        Dual(lhs.value + rhs.value, derivative: lhs.derivative + rhs.derivative)
    }
    public static func - (lhs: Dual, rhs: Dual) -> Dual {
        Dual(lhs.value - rhs.value, derivative: lhs.derivative - rhs.derivative)
    }
    public static func * (lhs: Dual, rhs: Dual) -> Dual {
        Dual(lhs.value * rhs.value, derivative: lhs.derivative * rhs.value + lhs.value * rhs.derivative)
    }
    public static func / (lhs: Dual, rhs: Dual) -> Dual {
        let quotient = lhs.value / rhs.value
        return Dual(quotient, derivative: (lhs.derivative - quotient * rhs.derivative) / rhs.value)
    }
    public static prefix func - (operand: Dual) -> Dual { Dual(-operand.value, derivative: -operand.derivative) }
}
