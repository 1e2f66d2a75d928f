import Autodiff
import Tensor

/// The diagonal linear network of paper 002 (§5.2, digest 002 §6.2; Woodworth et al. 2020), depth L:
/// ```
/// θ = (u; v) ∈ ℝ^{2d},   w = u^{⊙L} − v^{⊙L},   f(x) = ⟨w, x⟩          (L = 2: w = u⊙u − v⊙v)
/// ```
/// initialized at u = v = α·1 (so w = 0; α is the initialization scale, small α is the "rich" regime).
/// With the ½ squared loss ℓ_i = ½(f(z_i) − y_i)² and Rademacher features z_i ∈ {±1}^d, the Hessian on the
/// interpolation manifold Γ = {f(z_i) = y_i ∀i} at depth 2 is
/// ```
/// ∇²L = (4/n) Σ_i (z_i⊙u; −z_i⊙v)(z_i⊙u; −z_i⊙v)ᵀ,   diag ∇²L = 4θ^{⊙2},   tr ∇²L = 4‖θ‖²
/// ```
/// (see ``interpolationHessianDiagonal(at:)``). Inputs are [B, d]; the output is [B, 1].
public struct DiagonalLinearNetwork: Model, Codable, Equatable {
    /// d, the number of input features (θ has 2d entries).
    public let dimension: Int
    /// L ≥ 1, the power in w = u^{⊙L} − v^{⊙L}.
    public let depth: Int
    /// α in the initialization u = v = α·1.
    public let initialScale: Double

    public init(dimension: Int, depth: Int = 2, initialScale: Double = 1) {
        precondition(dimension > 0, "DiagonalLinearNetwork: dimension must be positive, got \(dimension)")
        precondition(depth >= 1, "DiagonalLinearNetwork: depth must be ≥ 1, got \(depth)")
        self.dimension = dimension
        self.depth = depth
        self.initialScale = initialScale
    }

    public var parameterCount: Int { 2 * dimension }
    public var outputCount: Int { 1 }

    /// "u" (layer 0) and "v" (layer 1).
    public var blocks: [ParameterBlock] {
        [ParameterBlock(name: "u", range: 0..<dimension, layer: 0),
         ParameterBlock(name: "v", range: dimension..<(2 * dimension), layer: 1)]
    }

    /// x^{⊙L} by repeated products (exact for negative entries, any order of derivative).
    func power(_ x: Variable) -> Variable {
        if depth == 2 { return x.squared() }
        var p = x
        for _ in 1..<depth { p = p * x }
        return p
    }

    /// w = u^{⊙L} − v^{⊙L} as a graph node [d].
    public func effectiveWeights(_ parameters: Variable) -> Variable {
        precondition(parameters.shape == [parameterCount], "DiagonalLinearNetwork: θ has shape \(parameters.shape), expected [\(parameterCount)]")
        return power(parameters.slice(0..<dimension)) - power(parameters.slice(dimension..<(2 * dimension)))
    }

    /// w = u^{⊙L} − v^{⊙L} for a flat θ.
    public func effectiveWeights(_ parameters: [Double]) -> [Double] {
        (0..<dimension).map { j in
            var pu = 1.0, pv = 1.0
            for _ in 0..<depth { pu *= parameters[j]; pv *= parameters[dimension + j] }
            return pu - pv
        }
    }

    public func forward(_ parameters: Variable, _ inputs: Tensor) -> Variable {
        let batch = inputs.shape.first ?? 0
        precondition(inputs.count == batch * dimension, "DiagonalLinearNetwork: inputs \(inputs.shape) do not have \(dimension) features per sample")
        let w = effectiveWeights(parameters).reshaped([dimension, 1])
        return Variable.matmul(Variable(inputs.reshaped([batch, dimension])), w)
    }

    /// u = v = α·1; the generator is not used.
    public func initialParameters(using generator: inout RandomGenerator) -> [Double] {
        [Double](repeating: initialScale, count: parameterCount)
    }

    /// The closed form diag ∇²L = 4θ^{⊙2} of the ½-loss Hessian on Γ at depth 2 with ±1 features
    /// (digest 002 §6.2 and §9.2: (∂f/∂u_j)² = (2 z_j u_j)² = 4u_j² for every sample).
    public func interpolationHessianDiagonal(at parameters: [Double]) -> [Double] {
        precondition(depth == 2, "interpolationHessianDiagonal: the closed form 4θ² holds at depth 2, not \(depth)")
        return parameters.map { 4 * $0 * $0 }
    }
}
