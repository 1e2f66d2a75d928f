import Tensor

extension DenseNetwork.Initialization {
    /// Draws one layer's weight and bias entries of θ in place, in θ order (all weights, then all biases),
    /// with fan_in = the number of inputs one output sums over (in for a dense layer, C·kh·kw for a
    /// convolution — PyTorch's `_calculate_fan_in_and_fan_out`).
    /// - ``pytorchDefault``: W and b ~ U(−1/√fan_in, 1/√fan_in), PyTorch's `nn.Linear` and `nn.Conv2d` default.
    /// - ``scaledGaussian(scale:)``: W ~ N(0, scale²/fan_in), b = 0.
    func initializeLayer(weight: Range<Int>, bias: Range<Int>?, fanIn: Int,
                         in theta: inout [Double], using generator: inout RandomGenerator) {
        let fan = Double(fanIn)
        switch self {
        case .pytorchDefault:
            let bound = 1 / fan.squareRoot()
            for i in weight { theta[i] = generator.uniform(in: -bound, bound) }
            if let bias { for i in bias { theta[i] = generator.uniform(in: -bound, bound) } }
        case .scaledGaussian(let scale):
            let sd = scale / fan.squareRoot()
            for i in weight { theta[i] = sd * generator.gaussian() }
            if let bias { for i in bias { theta[i] = 0 } }
        }
    }

    /// The spec-string form: "pytorch" or "gaussian:<scale>" (see ``ModelSpec``).
    public var specDescription: String {
        switch self {
        case .pytorchDefault: return "pytorch"
        case .scaledGaussian(let scale): return "gaussian:\(ModelSpec.format(scale))"
        }
    }
}
