import Autodiff
import Tensor

/// A small convolutional network over NCHW images: convolution blocks, then dense layers.
/// ```
/// a_0 = x  [B, C, H, W]
/// a_l = pool_k(σ(conv2d(a_{l−1}, K_l) + c_l))        l = 1…m   (stride 1, zero padding p_l)
/// h_0 = flatten(a_m)  [B, C_m·H_m·W_m]   (PyTorch's `flatten(1)`, channel-major)
/// h_j = σ(h_{j−1} W_jᵀ + b_j)   for the hidden dense layers,   f(x) = h_J W_outᵀ + b_out
/// ```
/// with pool_k max or average pooling over k × k windows at stride k. θ is PyTorch's order for a module
/// that declares its layers in this sequence: for each layer, the weight (K_l [O, C, kh, kw] or
/// W_j [out, in], row-major) then its bias. Initialization is PyTorch's default unless told otherwise.
///
/// Inputs may be [B, C, H, W] or flat [B, C·H·W] (as a dataset's rows; reshaped row-major).
/// Per-sample gradients use the generic one-reverse-pass-per-sample route (no dense-layer trace).
public struct ConvolutionalNetwork: Model, Codable, Equatable {
    /// One convolution block: a convolution with `outChannels` kernels of size kernelSize², stride 1 and
    /// zero `padding`, the activation, then pooling.
    public struct ConvolutionLayer: Codable, Sendable, Equatable {
        public let outChannels: Int
        public let kernelSize: Int
        public let padding: Int
        public init(outChannels: Int, kernelSize: Int, padding: Int = 0) {
            precondition(outChannels > 0 && kernelSize > 0 && padding >= 0,
                         "ConvolutionLayer: need outChannels, kernelSize > 0 and padding ≥ 0")
            self.outChannels = outChannels
            self.kernelSize = kernelSize
            self.padding = padding
        }
    }

    /// Pooling after each convolution block (window = stride = ``poolSize``; see `Variable.maxPooled`
    /// for the tie rule).
    public enum Pooling: String, Codable, Sendable, CaseIterable {
        case max
        case average
    }

    /// [C, H, W] of one input image.
    public let imageShape: [Int]
    public let convolutions: [ConvolutionLayer]
    public let poolSize: Int
    public let pooling: Pooling
    public let activation: Activation
    /// Widths of the dense hidden layers after flattening (may be empty).
    public let hiddenWidths: [Int]
    public let outputCount: Int
    public let initialization: DenseNetwork.Initialization

    public init(imageShape: [Int], convolutions: [ConvolutionLayer], poolSize: Int = 2, pooling: Pooling = .max,
                activation: Activation = .relu, hiddenWidths: [Int] = [], outputCount: Int,
                initialization: DenseNetwork.Initialization = .pytorchDefault) {
        precondition(imageShape.count == 3 && imageShape.allSatisfy { $0 > 0 },
                     "ConvolutionalNetwork: imageShape \(imageShape) must be [C, H, W] with positive extents")
        precondition(poolSize > 0 && outputCount > 0 && hiddenWidths.allSatisfy { $0 > 0 },
                     "ConvolutionalNetwork: poolSize, outputCount and hidden widths must be positive")
        self.imageShape = imageShape
        self.convolutions = convolutions
        self.poolSize = poolSize
        self.pooling = pooling
        self.activation = activation
        self.hiddenWidths = hiddenWidths
        self.outputCount = outputCount
        self.initialization = initialization
        precondition(layers.allSatisfy { $0.inputShape.allSatisfy { $0 > 0 } },
                     "ConvolutionalNetwork: the image \(imageShape) shrinks to nothing through \(convolutions.count) convolution blocks")
    }

    /// `cnn:fashion-small`: for 28×28 grey images, conv(1→8, 5×5) → σ → pool 2 → conv(8→16, 5×5) → σ →
    /// pool 2 → dense(256 → 10). d = 208 + 3,216 + 2,570 = 5,994.
    public static func fashionSmall(activation: Activation = .relu, pooling: Pooling = .max,
                                    initialization: DenseNetwork.Initialization = .pytorchDefault) -> ConvolutionalNetwork {
        ConvolutionalNetwork(imageShape: [1, 28, 28],
                             convolutions: [ConvolutionLayer(outChannels: 8, kernelSize: 5),
                                            ConvolutionLayer(outChannels: 16, kernelSize: 5)],
                             poolSize: 2, pooling: pooling, activation: activation, outputCount: 10,
                             initialization: initialization)
    }

    /// One layer's place in θ and its input shape (per sample): [C, H, W] for a convolution, [n] for dense.
    struct Layer {
        let name: String
        let isConvolution: Bool
        let inputShape: [Int]
        let weightShape: [Int]
        let weight: Range<Int>
        let bias: Range<Int>
        var fanIn: Int { weightShape.dropFirst().reduce(1, *) }
    }

    var layers: [Layer] {
        var result: [Layer] = []
        var offset = 0
        func add(_ name: String, _ conv: Bool, _ input: [Int], _ weightShape: [Int]) {
            let w = offset..<(offset + weightShape.reduce(1, *))
            let b = w.upperBound..<(w.upperBound + weightShape[0])
            offset = b.upperBound
            result.append(Layer(name: name, isConvolution: conv, inputShape: input, weightShape: weightShape, weight: w, bias: b))
        }
        var shape = imageShape
        for (l, c) in convolutions.enumerated() {
            add("conv\(l + 1)", true, shape, [c.outChannels, shape[0], c.kernelSize, c.kernelSize])
            let h = (shape[1] + 2 * c.padding - c.kernelSize + 1) / poolSize
            let w = (shape[2] + 2 * c.padding - c.kernelSize + 1) / poolSize
            shape = [c.outChannels, h, w]
        }
        var width = shape.reduce(1, *)
        for (j, n) in (hiddenWidths + [outputCount]).enumerated() {
            add(j == hiddenWidths.count ? "fc_out" : "fc\(j + 1)", false, [width], [n, width])
            width = n
        }
        return result
    }

    public var parameterCount: Int { layers.last.map(\.bias.upperBound) ?? 0 }

    public var blocks: [ParameterBlock] {
        layers.enumerated().flatMap { l, layer in
            [ParameterBlock(name: "\(layer.name).weight", range: layer.weight, layer: l, shape: layer.weightShape),
             ParameterBlock(name: "\(layer.name).bias", range: layer.bias, layer: l, shape: [layer.weightShape[0]])]
        }
    }

    public func forward(_ parameters: Variable, _ inputs: Tensor) -> Variable {
        precondition(parameters.shape == [parameterCount], "ConvolutionalNetwork: θ has shape \(parameters.shape), expected [\(parameterCount)]")
        let batch = inputs.shape.first ?? 0
        let perImage = imageShape.reduce(1, *)
        precondition(inputs.count == batch * perImage,
                     "ConvolutionalNetwork: inputs \(inputs.shape) do not hold \(imageShape) images (\(perImage) values each)")
        var a = Variable(inputs.reshaped([batch] + imageShape))
        let all = layers
        for (l, layer) in all.enumerated() {
            let w = parameters.slice(layer.weight).reshaped(layer.weightShape)
            let b = parameters.slice(layer.bias)
            if layer.isConvolution {
                let z = Variable.conv2d(a, w, bias: b, stride: 1, padding: convolutions[l].padding)
                let h = activation.apply(z)
                a = pooling == .max ? h.maxPooled(size: poolSize) : h.averagePooled(size: poolSize)
            } else {
                if a.value.rank != 2 { a = a.reshaped([batch, layer.inputShape[0]]) }
                let z = Variable.matmul(a, w, transposeB: true) + b
                a = l < all.count - 1 ? activation.apply(z) : z
            }
        }
        return a
    }

    public func initialParameters(using generator: inout RandomGenerator) -> [Double] {
        var theta = [Double](repeating: 0, count: parameterCount)
        for layer in layers {
            initialization.initializeLayer(weight: layer.weight, bias: layer.bias, fanIn: layer.fanIn, in: &theta, using: &generator)
        }
        return theta
    }
}
