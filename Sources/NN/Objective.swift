import Tensor

/// The centre of BiasLab: a flat parameter vector θ ∈ ℝ^d and N per-sample losses ℓ_i(θ), with the
/// batch loss L_B(θ) = (1/|B|) Σ_{i∈B} ℓ_i(θ) (the mean; B = all N samples when `batch` is nil).
///
/// Every derivative is exact (automatic differentiation or closed form). Optimizers, curvature, theory
/// and experiments see only this protocol, never a model's insides.
public protocol Objective: Sendable {
    /// d, the length of θ.
    var dimension: Int { get }
    /// N, the number of samples.
    var sampleCount: Int { get }
    /// The blocks of θ (per layer, weight and bias separately), for block-wise optimizers.
    var blocks: [ParameterBlock] { get }

    /// L_B(θ) and ∇L_B(θ).
    func valueAndGradient(at parameters: [Double], batch: [Int]?) -> (value: Double, gradient: [Double])
    /// ∇²L_B(θ)·vₖ for each direction, exact; implementations share the primal work across directions.
    func hessianVectorProducts(at parameters: [Double], along directions: [[Double]], batch: [Int]?) -> [[Double]]
    /// The Hessian ∇²L_B(θ) at a fixed θ and batch as a reusable product (v₁ … v_k) ↦ (∇²L_B(θ)·vⱼ),
    /// with the work every direction shares done once, here (for autodiff objectives: the forward pass
    /// and a recorded gradient, linearized — ``Autodiff/linearizedGradient(of:at:)``). For operators
    /// applied many times at one θ: Lanczos, Hutchinson, exact IAS.
    func hessianProducts(at parameters: [Double], batch: [Int]?) -> HessianProducts
    /// Row j = ∇ℓ_{B_j}(θ), an |B| × d matrix.
    func perSampleGradients(at parameters: [Double], batch: [Int]?) -> Tensor
    /// Row j = ∇²ℓ_{B_j}(θ)·v, an |B| × d matrix.
    func perSampleHessianVectorProducts(at parameters: [Double], along direction: [Double], batch: [Int]?) -> Tensor
    /// Per-sample losses ℓ_{B_j}(θ).
    func perSampleLosses(at parameters: [Double], batch: [Int]?) -> [Double]
    /// diag ∇²L_B(θ) in closed form when the objective's structure gives one cheaply (e.g. a diagonal
    /// linear network under squared loss, O(nd)); nil otherwise, and callers fall back to d exact
    /// Hessian–vector products against unit vectors.
    func closedFormHessianDiagonal(at parameters: [Double], batch: [Int]?) -> [Double]?
    /// ‖∇ℓ_{B_j}(θ)‖² for each sample of the batch (default: the row norms of the per-sample gradients;
    /// dense networks compute them without materializing the rows).
    func perSampleGradientSquaredNorms(at parameters: [Double], batch: [Int]?) -> [Double]
    /// L_B(θ), and the accuracy where the objective has class labels (default: the loss alone).
    func metrics(at parameters: [Double], batch: [Int]?) -> Metrics
}

/// ∇²L_B(θ)·vⱼ for each direction vⱼ, at the θ and batch the map was made for (``Objective/hessianProducts(at:batch:)``).
public typealias HessianProducts = @Sendable (_ directions: [[Double]]) -> [[Double]]

extension Objective {
    public func closedFormHessianDiagonal(at parameters: [Double], batch: [Int]?) -> [Double]? { nil }

    public func perSampleGradientSquaredNorms(at parameters: [Double], batch: [Int]?) -> [Double] {
        Self.rowSquaredNorms(perSampleGradients(at: parameters, batch: batch), dimension: dimension)
    }

    /// ‖row i‖² of an n × d row-major matrix (the per-sample gradient norms from materialized rows).
    static func rowSquaredNorms(_ rows: Tensor, dimension d: Int) -> [Double] {
        (0..<(rows.count / max(d, 1))).map { i in
            let row = Array(rows.scalars[(i * d)..<((i + 1) * d)])
            return VectorOps.dot(row, row)
        }
    }

    /// The |B| × d matrix whose row j is `row(batch[j])`: per-sample quantities computed one sample at a time.
    public func stackedRows(over batch: [Int]?, _ row: (Int) -> [Double]) -> Tensor {
        let rows = indices(of: batch)
        var out = Tensor.zeros([rows.count, dimension])
        for (j, i) in rows.enumerated() { out.scalars.replaceSubrange((j * dimension)..<((j + 1) * dimension), with: row(i)) }
        return out
    }

    public func metrics(at parameters: [Double], batch: [Int]?) -> Metrics {
        Metrics(loss: loss(at: parameters, batch: batch), accuracy: nil)
    }

    /// ``perSampleGradientSquaredNorms(at:batch:)`` on every sample (dispatched to the objective's own).
    public func perSampleGradientSquaredNorms(at parameters: [Double]) -> [Double] {
        perSampleGradientSquaredNorms(at: parameters, batch: nil)
    }

    /// ``metrics(at:batch:)`` on every sample (dispatched to the objective's own).
    public func metrics(at parameters: [Double]) -> Metrics { metrics(at: parameters, batch: nil) }

    /// Nothing shared: each application calls ``hessianVectorProducts(at:along:batch:)``.
    public func hessianProducts(at parameters: [Double], batch: [Int]?) -> HessianProducts {
        { [self] directions in hessianVectorProducts(at: parameters, along: directions, batch: batch) }
    }

    /// L_B(θ).
    public func loss(at parameters: [Double], batch: [Int]? = nil) -> Double {
        let losses = perSampleLosses(at: parameters, batch: batch)
        return losses.reduce(0, +) / Double(losses.count)
    }

    /// ∇L_B(θ).
    public func gradient(at parameters: [Double], batch: [Int]? = nil) -> [Double] {
        valueAndGradient(at: parameters, batch: batch).gradient
    }

    /// ∇²L_B(θ)·v.
    public func hessianVectorProduct(at parameters: [Double], along direction: [Double], batch: [Int]? = nil) -> [Double] {
        hessianVectorProducts(at: parameters, along: [direction], batch: batch)[0]
    }

    /// The dense Hessian ∇²L_B(θ) from d Hessian–vector products on unit vectors. For small d.
    public func denseHessian(at parameters: [Double], batch: [Int]? = nil) -> Tensor {
        let d = dimension
        let basis = (0..<d).map { j -> [Double] in var e = [Double](repeating: 0, count: d); e[j] = 1; return e }
        let columns = hessianVectorProducts(at: parameters, along: basis, batch: batch)
        var h = Tensor.zeros([d, d])
        for j in 0..<d { for i in 0..<d { h.scalars[i * d + j] = columns[j][i] } }
        return h
    }

    /// The indices a batch covers (0..<N when nil).
    public func indices(of batch: [Int]?) -> [Int] { batch ?? Array(0..<sampleCount) }
}
