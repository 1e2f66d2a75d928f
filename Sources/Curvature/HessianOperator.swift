import NN
import Tensor

/// The Hessian of an objective's batch loss at fixed θ as a linear operator:
/// ```
/// H = ∇²L_B(θ),   L_B(θ) = (1/|B|) Σ_{i∈B} ℓ_i(θ)      (c = 1/|B|, the mean reduction)
/// ```
/// with B all N samples when `batch` is nil. Products are exact (automatic differentiation). θ and the
/// batch are fixed at construction, so the operator stands for one matrix, and what every product
/// shares is computed there once (``Objective/hessianProducts(at:batch:)``: for autodiff objectives the
/// forward pass and a recorded gradient), so each `apply` costs only its tangent sweep.
public struct HessianOperator: LinearOperator {
    public let objective: any Objective
    public let parameters: [Double]
    public let batch: [Int]?
    private let products: HessianProducts

    public init(objective: any Objective, at parameters: [Double], batch: [Int]? = nil) {
        precondition(parameters.count == objective.dimension,
                     "HessianOperator: θ has \(parameters.count) entries, expected \(objective.dimension)")
        self.objective = objective
        self.parameters = parameters
        self.batch = batch
        products = objective.hessianProducts(at: parameters, batch: batch)
    }

    public var dimension: Int { objective.dimension }

    public func apply(_ vector: [Double]) -> [Double] { products([vector])[0] }

    public func apply(rowsOf block: Tensor) -> Tensor {
        let k = checkedBlockRowCount(block, dimension: dimension, operation: "HessianOperator.apply(rowsOf:)")
        return Tensor(shape: [k, dimension], scalars: products(rowVectors(of: block)).flatMap { $0 })
    }
}

/// The generalized Gauss–Newton matrix of a supervised objective at fixed θ (see
/// `SupervisedObjective.gaussNewtonVectorProducts`):
/// ```
/// G = (1/|B|) Σ_{i∈B} J_iᵀ ∇²_f ℓ_i J_i
/// ```
/// positive semi-definite, equal to the Hessian for squared error at zero residual.
public struct GaussNewtonOperator: LinearOperator {
    public let objective: SupervisedObjective
    public let parameters: [Double]
    public let batch: [Int]?

    public init(objective: SupervisedObjective, at parameters: [Double], batch: [Int]? = nil) {
        self.objective = objective
        self.parameters = parameters
        self.batch = batch
    }

    public var dimension: Int { objective.dimension }

    public func apply(_ vector: [Double]) -> [Double] {
        objective.gaussNewtonVectorProducts(at: parameters, along: [vector], batch: batch)[0]
    }

    public func apply(rowsOf block: Tensor) -> Tensor {
        let k = checkedBlockRowCount(block, dimension: dimension, operation: "GaussNewtonOperator.apply(rowsOf:)")
        let products = objective.gaussNewtonVectorProducts(at: parameters, along: rowVectors(of: block), batch: batch)
        return Tensor(shape: [k, dimension], scalars: products.flatMap { $0 })
    }
}
