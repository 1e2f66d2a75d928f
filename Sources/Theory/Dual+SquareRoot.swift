import Foundation

/// `RationalArithmetic` plus the square root and the primal value, enough to write every optimizer update of
/// paper 001 (softsign x/√(x² + ε), Adam's m̂/√(v̂ + ε)) once and differentiate it with forward-mode duals.
///
/// ```
/// √(x + x′ε) = √x + x′/(2√x) ε
/// ```
public protocol AlgebraicArithmetic: RationalArithmetic {
    /// √x (NaN for x < 0, as `Double.squareRoot`).
    func squareRoot() -> Self
    /// The value with every derivative part dropped (for piecewise-constant functions such as sign).
    var primal: Double { get }
}

extension Double: AlgebraicArithmetic {
    public var primal: Double { self }
}

extension Dual: AlgebraicArithmetic where Base: AlgebraicArithmetic {
    public func squareRoot() -> Dual {
        let root = value.squareRoot()
        return Dual(root, derivative: derivative / (root + root))
    }

    public var primal: Double { value.primal }
}

extension AlgebraicArithmetic {
    /// sign(x) ∈ {−1, 0, 1}, a constant: its derivative is 0 away from 0 (and taken as 0 at 0).
    public func signConstant() -> Self {
        Self(constant: primal > 0 ? 1 : (primal < 0 ? -1 : 0))
    }

    /// softsign_ε(x) = x/√(x² + ε) (paper 001 §4; digest 001 §3). ε = 0 gives sign(x) for x ≠ 0.
    public func softsign(epsilon: Double) -> Self {
        epsilon == 0 ? signConstant() : self / (self * self + Self(constant: epsilon)).squareRoot()
    }
}
