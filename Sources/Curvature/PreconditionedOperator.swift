import Tensor

/// The symmetrically preconditioned operator P^{-1/2} A P^{-1/2} for a positive diagonal
/// preconditioner P = Diag(p).
///
/// Its spectrum is the spectrum of P⁻¹A (the two are similar: P⁻¹A = P^{-1/2} (P^{-1/2} A P^{-1/2})
/// P^{1/2}), so its top eigenvalue is the **preconditioned sharpness** λ₁(P⁻¹H) of Cohen et al. 2022
/// ("Adaptive Gradient Methods at the Edge of Stability", arXiv 2207.14484), who find Adam's
/// λ₁(P⁻¹H) oscillating around (2 + 2β₁)/((1 − β₁)η) (peers-and-conventions §2 item 5). For Adam,
/// P is the step's denominator, e.g. P = (1 − β₁^{t+1}) Diag(√v̂ + ε) in Cohen et al.'s form; this
/// type takes P as given and makes no convention of its own. An eigenvector u of this operator maps
/// to a generalized eigenvector x = P^{-1/2} u with A x = λ P x.
///
/// When what you hold is the step scaling S = P⁻¹ (such as 1/(√v̂ + ε)), use
/// ``init(_:inversePreconditioner:)``: the operator is then S^{1/2} A S^{1/2}, the form STYLE-EXAMPLES
/// item 11 writes as P^{1/2} H P^{1/2}.
public struct PreconditionedOperator<Base: LinearOperator>: LinearOperator {
    /// The operator A being preconditioned.
    public let base: Base
    /// The positive diagonal p of P.
    public let preconditioner: [Double]
    /// p^{-1/2}, elementwise.
    private let scaling: [Double]

    /// P^{-1/2} A P^{-1/2}. Traps when a pᵢ is not positive and finite or the lengths differ.
    public init(_ base: Base, preconditioner: [Double]) {
        precondition(preconditioner.count == base.dimension,
                     "PreconditionedOperator: preconditioner of length \(preconditioner.count), expected \(base.dimension)")
        if let bad = preconditioner.firstIndex(where: { !($0 > 0 && $0.isFinite) }) {
            preconditionFailure("PreconditionedOperator: preconditioner entries must be positive and finite, entry \(bad) is \(preconditioner[bad])")
        }
        self.base = base
        self.preconditioner = preconditioner
        self.scaling = preconditioner.map { 1 / $0.squareRoot() }
    }

    /// S^{1/2} A S^{1/2} for a positive diagonal step scaling S = P⁻¹ = Diag(s).
    public init(_ base: Base, inversePreconditioner s: [Double]) {
        self.init(base, preconditioner: s.map { 1 / $0 })
    }

    public var dimension: Int { base.dimension }
    public var isSymmetric: Bool { base.isSymmetric }

    public func apply(_ vector: [Double]) -> [Double] {
        precondition(vector.count == dimension, "PreconditionedOperator.apply: vector of length \(vector.count), expected \(dimension)")
        let inner = base.apply(zip(scaling, vector).map { $0 * $1 })
        return zip(scaling, inner).map { $0 * $1 }
    }

    public func apply(rowsOf block: Tensor) -> Tensor {
        let k = checkedBlockRowCount(block, dimension: dimension, operation: "PreconditionedOperator.apply(rowsOf:)")
        let inner = base.apply(rowsOf: scalingColumns(of: block, rows: k, by: scaling))
        return scalingColumns(of: inner, rows: k, by: scaling)
    }
}
