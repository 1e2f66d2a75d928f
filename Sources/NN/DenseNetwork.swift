import Autodiff
import Tensor

/// A fully connected network (MLP): for layers l = 1…L,
/// ```
/// z_l = a_{l−1} W_lᵀ + b_l      a_0 = x,  W_l ∈ ℝ^{n_l × n_{l−1}},  b_l ∈ ℝ^{n_l}
/// a_l = σ(z_l)  (l < L),        f(x) = z_L
/// ```
/// θ is PyTorch's flat order: for each layer, W_l row-major [fan_out, fan_in], then b_l [fan_out].
public struct DenseNetwork: Model, Codable, Equatable {
    /// n_0, n_1, …, n_L (input width first).
    public let widths: [Int]
    public let activation: Activation
    public let hasBias: Bool
    public let initialization: Initialization

    /// How θ is drawn at the start.
    public enum Initialization: Codable, Sendable, Equatable {
        /// PyTorch's nn.Linear default: W and b ~ U(−1/√fan_in, 1/√fan_in) (kaiming_uniform with a = √5).
        case pytorchDefault
        /// W ~ N(0, scale²/fan_in), b = 0.
        case scaledGaussian(scale: Double)
    }

    public init(widths: [Int], activation: Activation = .tanh, hasBias: Bool = true,
                initialization: Initialization = .pytorchDefault) {
        precondition(widths.count >= 2 && widths.allSatisfy { $0 > 0 }, "DenseNetwork: widths \(widths) need ≥ 2 positive entries")
        self.widths = widths
        self.activation = activation
        self.hasBias = hasBias
        self.initialization = initialization
    }

    public var layerCount: Int { widths.count - 1 }
    public var outputCount: Int { widths.last! }

    /// Where W_l and b_l sit in θ, layer by layer.
    public var layerRanges: [(weight: Range<Int>, bias: Range<Int>?)] {
        var offset = 0
        return (0..<layerCount).map { l in
            let w = offset..<(offset + widths[l + 1] * widths[l])
            offset = w.upperBound
            var b: Range<Int>? = nil
            if hasBias { b = offset..<(offset + widths[l + 1]); offset += widths[l + 1] }
            return (w, b)
        }
    }

    public var parameterCount: Int { layerRanges.last.map { $0.bias?.upperBound ?? $0.weight.upperBound } ?? 0 }

    public var blocks: [ParameterBlock] {
        layerRanges.enumerated().flatMap { l, r -> [ParameterBlock] in
            var b = [ParameterBlock(name: "layer\(l + 1).weight", range: r.weight, layer: l,
                                              shape: [widths[l + 1], widths[l]])]
            if let bias = r.bias { b.append(ParameterBlock(name: "layer\(l + 1).bias", range: bias, layer: l, shape: [widths[l + 1]])) }
            return b
        }
    }

    public func forward(_ parameters: Variable, _ inputs: Tensor) -> Variable {
        forwardTracingDenseLayers(parameters, inputs)!.output
    }

    public func forwardTracingDenseLayers(_ parameters: Variable, _ inputs: Tensor) -> (output: Variable, layers: [DenseLayerTrace])? {
        precondition(parameters.shape == [parameterCount], "DenseNetwork: θ has shape \(parameters.shape), expected [\(parameterCount)]")
        let batch = inputs.shape.first ?? 0
        precondition(inputs.count == batch * widths[0], "DenseNetwork: inputs \(inputs.shape) do not have \(widths[0]) features per sample")
        var a = Variable(inputs.reshaped([batch, widths[0]]))
        var traces: [DenseLayerTrace] = []
        for (l, r) in layerRanges.enumerated() {
            let w = parameters.slice(r.weight).reshaped([widths[l + 1], widths[l]])
            let z = Variable.affine(a, weight: w, bias: r.bias.map { parameters.slice($0) })
            traces.append(DenseLayerTrace(input: a.value, preActivation: z, weightRange: r.weight, biasRange: r.bias))
            a = l < layerCount - 1 ? activation.apply(z) : z
        }
        return (a, traces)
    }

    public func initialParameters(using generator: inout RandomGenerator) -> [Double] {
        var theta = [Double](repeating: 0, count: parameterCount)
        for (l, r) in layerRanges.enumerated() {
            initialization.initializeLayer(weight: r.weight, bias: r.bias, fanIn: widths[l], in: &theta, using: &generator)
        }
        return theta
    }
}
