import Autodiff
import Tensor

/// Linear regression (or a linear classifier): f(x) = x Wᵀ + b with W ∈ ℝ^{k × n}, b ∈ ℝ^k.
///
/// θ is PyTorch's `nn.Linear` order: W row-major [k, n], then b [k]. It is the one-layer
/// ``DenseNetwork`` (so per-sample gradients take the batched outer-product route); initialization is
/// PyTorch's default unless told otherwise.
public struct LinearModel: Model, Codable, Equatable {
    public let inputCount: Int
    public let outputCount: Int
    public let hasBias: Bool
    public let initialization: DenseNetwork.Initialization

    public init(inputCount: Int, outputCount: Int, hasBias: Bool = true,
                initialization: DenseNetwork.Initialization = .pytorchDefault) {
        self.inputCount = inputCount
        self.outputCount = outputCount
        self.hasBias = hasBias
        self.initialization = initialization
        _ = network  // validates the widths
    }

    /// The same map as a one-layer dense network.
    public var network: DenseNetwork {
        DenseNetwork(widths: [inputCount, outputCount], activation: .identity, hasBias: hasBias, initialization: initialization)
    }

    public var parameterCount: Int { network.parameterCount }
    public var blocks: [ParameterBlock] { network.blocks }

    public func forward(_ parameters: Variable, _ inputs: Tensor) -> Variable { network.forward(parameters, inputs) }

    public func forwardTracingDenseLayers(_ parameters: Variable, _ inputs: Tensor) -> (output: Variable, layers: [DenseLayerTrace])? {
        network.forwardTracingDenseLayers(parameters, inputs)
    }

    public func initialParameters(using generator: inout RandomGenerator) -> [Double] {
        network.initialParameters(using: &generator)
    }
}
