import Autodiff
import Tensor

/// An objective written as a closure over the autodiff engine — the way to bring your own loss without
/// writing a ``Model``: give θ ↦ L(θ), or the per-sample losses θ, B ↦ (ℓ_{B_1}(θ), …, ℓ_{B_|B|}(θ)),
/// with the engine's operations (`Variable`'s +, −, ×, tanh, exp, matmul, sum, …), and every derivative
/// BiasLab measures is exact:
/// ```
/// L_B(θ) = (1/|B|) Σ_j ℓ_{B_j}(θ)         ∇L_B by reverse mode
/// ∇²L_B(θ)·v                             forward over reverse (one product), or one tangent sweep over
///                                        the recorded gradient per product (``hessianProducts(at:batch:)``)
/// row j = ∇ℓ_{B_j}(θ), ∇²ℓ_{B_j}(θ)·v    one pass per sample
/// ```
///
/// ```swift
/// // Rosenbrock, (1 − θ₀)² + 100(θ₁ − θ₀²)²
/// let rosenbrock = ClosureObjective(dimension: 2) { theta in
///     let x = theta.slice(0..<1), y = theta.slice(1..<2)
///     return ((1 - x).squared() + 100 * (y - x.squared()).squared()).sum()
/// }
/// ```
public struct ClosureObjective: Objective {
    /// The per-sample losses of a batch: a vector node of |B| entries, entry j = ℓ_{batch[j]}(θ).
    public typealias PerSampleLosses = @Sendable (_ theta: Variable, _ batch: [Int]) -> Variable

    public let dimension: Int
    public let sampleCount: Int
    public let blocks: [ParameterBlock]
    private let losses: PerSampleLosses

    /// N samples whose losses `perSample` returns for any batch (indices in 0..<N).
    public init(dimension: Int, sampleCount: Int, blocks: [ParameterBlock]? = nil, perSample: @escaping PerSampleLosses) {
        precondition(dimension >= 1, "ClosureObjective: dimension must be at least 1, got \(dimension)")
        precondition(sampleCount >= 1, "ClosureObjective: sampleCount must be at least 1, got \(sampleCount)")
        self.dimension = dimension
        self.sampleCount = sampleCount
        self.blocks = blocks ?? ParameterBlock.whole(dimension)
        self.losses = perSample
    }

    /// One loss θ ↦ L(θ) (a scalar node): N = 1, and the only batch is [0] (or nil).
    public init(dimension: Int, blocks: [ParameterBlock]? = nil, loss: @escaping @Sendable (_ theta: Variable) -> Variable) {
        self.init(dimension: dimension, sampleCount: 1, blocks: blocks) { theta, _ in loss(theta).reshaped([1]) }
    }

    /// The mean loss of the batch as a node of θ.
    private func batchLoss(_ theta: Variable, _ batch: [Int]?) -> Variable {
        let rows = indices(of: batch)
        let values = losses(theta, rows)
        precondition(values.value.count == rows.count,
                     "ClosureObjective: the closure returned \(values.value.count) losses for a batch of \(rows.count)")
        return values.sum() / Double(rows.count)
    }

    private func checked(_ parameters: [Double]) -> Tensor {
        precondition(parameters.count == dimension, "ClosureObjective: θ has \(parameters.count) entries, expected \(dimension)")
        return Tensor(parameters)
    }

    public func valueAndGradient(at parameters: [Double], batch: [Int]?) -> (value: Double, gradient: [Double]) {
        let theta = Variable(checked(parameters), requiresGrad: true)
        let l = batchLoss(theta, batch)
        return (l.scalar, Backward.gradients(of: l, wrt: [theta])[0].value.scalars)
    }

    /// One direction: forward over reverse with a tangent-only backward pass; several: the linearized
    /// gradient, recorded once.
    public func hessianVectorProducts(at parameters: [Double], along directions: [[Double]], batch: [Int]?) -> [[Double]] {
        guard directions.count == 1 else { return hessianProducts(at: parameters, batch: batch)(directions) }
        precondition(directions[0].count == dimension, "ClosureObjective: direction has \(directions[0].count) entries, expected \(dimension)")
        let theta = Variable(checked(parameters), requiresGrad: true, tangent: Tensor(directions[0]))
        let l = batchLoss(theta, batch)
        return [(Backward.gradients(of: l, wrt: [theta], tangentsOnly: true)[0].tangent ?? Tensor.zeros([dimension])).scalars]
    }

    public func hessianProducts(at parameters: [Double], batch: [Int]?) -> HessianProducts {
        let hessian = Autodiff.linearizedGradient(of: { batchLoss($0, batch) }, at: checked(parameters)).hessian
        let d = dimension
        return { directions in
            directions.map { v in
                precondition(v.count == d, "ClosureObjective: direction has \(v.count) entries, expected \(d)")
                return hessian.apply(Tensor(v)).scalars
            }
        }
    }

    public func perSampleGradients(at parameters: [Double], batch: [Int]?) -> Tensor {
        stackedRows(over: batch) { gradient(at: parameters, batch: [$0]) }
    }

    public func perSampleHessianVectorProducts(at parameters: [Double], along direction: [Double], batch: [Int]?) -> Tensor {
        stackedRows(over: batch) { hessianVectorProduct(at: parameters, along: direction, batch: [$0]) }
    }

    public func perSampleLosses(at parameters: [Double], batch: [Int]?) -> [Double] {
        let rows = indices(of: batch)
        return GradientMode.withoutRecording { losses(Variable(checked(parameters)), rows).value.scalars }
    }
}
