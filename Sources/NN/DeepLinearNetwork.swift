import Autodiff
import Tensor

/// A deep linear network, or deep matrix factorization (paper 002 App. B, digest 002 §6.3; Gatmiry et
/// al. 2023 §7): layers W_l ∈ ℝ^{d_l × d_{l−1}}, l = 1…L, with end-to-end matrix M = W_L ⋯ W_1 ∈ ℝ^{d_L × d_0}.
/// ```
/// readout .vector:          f(x) = M x              x ∈ ℝ^{d_0},        output d_L
/// readout .matrixSensing:   f(A) = ⟨A, M⟩ = Σ A∘M   A ∈ ℝ^{d_L × d_0},   output 1
/// ```
/// Matrix-sensing inputs are the measurement matrices A_i flattened row-major ([B, d_L·d_0]); with
/// A_i = e_r e_cᵀ this is matrix completion. θ is W_1, …, W_L, each row-major [d_l, d_{l−1}], no biases
/// (PyTorch's order for `nn.Sequential(Linear(d_0, d_1, bias=False), …)`).
///
/// f is linear in each W_l separately, so every diagonal entry of ∇²f vanishes and, for squared error,
/// diag ∇²L equals the Gauss–Newton diagonal at every θ (digest 002 §9.3).
public struct DeepLinearNetwork: Model, Codable, Equatable {
    public enum Readout: String, Codable, Sendable, CaseIterable {
        /// f(x) = M x.
        case vector
        /// f(A) = ⟨A, M⟩.
        case matrixSensing
    }

    /// d_0, d_1, …, d_L.
    public let widths: [Int]
    public let readout: Readout
    public let initialization: DenseNetwork.Initialization

    public init(widths: [Int], readout: Readout = .vector, initialization: DenseNetwork.Initialization = .pytorchDefault) {
        self.widths = widths
        self.readout = readout
        self.initialization = initialization
        _ = network  // validates the widths
    }

    /// The layers as a bias-free dense network with the identity activation (θ order and init included).
    public var network: DenseNetwork {
        DenseNetwork(widths: widths, activation: .identity, hasBias: false, initialization: initialization)
    }

    public var parameterCount: Int { network.parameterCount }
    public var blocks: [ParameterBlock] { network.blocks }
    public var outputCount: Int { readout == .vector ? widths.last! : 1 }
    /// Features per input: d_0 (vector) or d_L·d_0 (matrix sensing).
    public var inputCount: Int { readout == .vector ? widths[0] : widths.last! * widths[0] }

    /// M = W_L ⋯ W_1 [d_L, d_0] as a graph node.
    public func endToEndMatrix(_ parameters: Variable) -> Variable {
        precondition(parameters.shape == [parameterCount], "DeepLinearNetwork: θ has shape \(parameters.shape), expected [\(parameterCount)]")
        var m: Variable? = nil
        for (l, r) in network.layerRanges.enumerated() {
            let w = parameters.slice(r.weight).reshaped([widths[l + 1], widths[l]])
            m = m.map { Variable.matmul(w, $0) } ?? w
        }
        return m!
    }

    public func forward(_ parameters: Variable, _ inputs: Tensor) -> Variable {
        switch readout {
        case .vector:
            return network.forward(parameters, inputs)
        case .matrixSensing:
            let batch = inputs.shape.first ?? 0
            precondition(inputs.count == batch * inputCount,
                         "DeepLinearNetwork: inputs \(inputs.shape) are not \(widths.last!)×\(widths[0]) measurement matrices")
            let m = endToEndMatrix(parameters).reshaped([inputCount, 1])
            return Variable.matmul(Variable(inputs.reshaped([batch, inputCount])), m)
        }
    }

    public func forwardTracingDenseLayers(_ parameters: Variable, _ inputs: Tensor) -> (output: Variable, layers: [DenseLayerTrace])? {
        readout == .vector ? network.forwardTracingDenseLayers(parameters, inputs) : nil
    }

    public func initialParameters(using generator: inout RandomGenerator) -> [Double] {
        network.initialParameters(using: &generator)
    }
}
