import Autodiff
import Tensor

/// A parametric model f(θ, x) over a flat parameter vector θ ∈ ℝ^d.
///
/// Only the forward pass is written; all derivatives come from the autodiff engine. Models made of
/// dense layers also expose each layer's input a and pre-activation z (``DenseLayerTrace``), which is
/// what turns per-sample gradients into outer products δ_i a_iᵀ instead of a loop over examples.
public protocol Model: Sendable {
    /// d, the length of θ.
    var parameterCount: Int { get }
    /// The blocks of θ (per layer, weight and bias separately), in θ order.
    var blocks: [ParameterBlock] { get }
    /// Output width k: forward maps x [B, …] to [B, k].
    var outputCount: Int { get }
    /// Outputs [B, k] for inputs x [B, …].
    func forward(_ parameters: Variable, _ inputs: Tensor) -> Variable
    /// The dense-layer structure of the forward pass, or nil for models without it.
    func forwardTracingDenseLayers(_ parameters: Variable, _ inputs: Tensor) -> (output: Variable, layers: [DenseLayerTrace])?
    /// Initial parameters drawn from `generator`.
    func initialParameters(using generator: inout RandomGenerator) -> [Double]
}

extension Model {
    public func forwardTracingDenseLayers(_ parameters: Variable, _ inputs: Tensor) -> (output: Variable, layers: [DenseLayerTrace])? { nil }
}

/// One dense layer z = a Wᵀ + b of a traced forward pass: its input a [B, in] (a value), its
/// pre-activation z [B, out] (a graph node, so ∂ℓ/∂z can be taken), and where W [out, in] and b [out]
/// sit in θ. For sample i: ∂ℓ_i/∂W = δ_i a_iᵀ and ∂ℓ_i/∂b = δ_i with δ_i = ∂ℓ_i/∂z_i.
public struct DenseLayerTrace {
    public let input: Tensor
    public let preActivation: Variable
    public let weightRange: Range<Int>
    public let biasRange: Range<Int>?
}
