import Tensor

/// The geometry of a 2-D convolution over NCHW inputs: input [B, C, H, W], kernel kh × kw, one stride
/// and one zero padding for both spatial axes (PyTorch's `nn.Conv2d` with `dilation = 1, groups = 1`).
/// ```
/// H_out = ⌊(H + 2·padding − kh) / stride⌋ + 1      W_out likewise
/// ```
/// It also defines the patch matrix of ``Variable/im2col(_:)``: row (b, y, x) — b-major, then output row
/// y, then output column x — holds the patch under output pixel (y, x) of image b, as columns (c, i, j) in
/// row-major order, i.e. exactly the layout of a weight [O, C, kh, kw] reshaped to [O, C·kh·kw].
public struct Convolution2DGeometry: Sendable, Equatable, Hashable {
    public let batch: Int
    public let channels: Int
    public let height: Int
    public let width: Int
    public let kernelHeight: Int
    public let kernelWidth: Int
    public let stride: Int
    public let padding: Int

    /// Geometry for an input of shape [B, C, H, W].
    public init(inputShape: [Int], kernelHeight: Int, kernelWidth: Int, stride: Int = 1, padding: Int = 0) {
        precondition(inputShape.count == 4, "conv2d: expected an NCHW input [B, C, H, W], got shape \(inputShape)")
        precondition(kernelHeight > 0 && kernelWidth > 0 && stride > 0 && padding >= 0,
                     "conv2d: kernel \(kernelHeight)×\(kernelWidth), stride \(stride), padding \(padding): need positive kernel and stride, padding ≥ 0")
        batch = inputShape[0]; channels = inputShape[1]; height = inputShape[2]; width = inputShape[3]
        self.kernelHeight = kernelHeight
        self.kernelWidth = kernelWidth
        self.stride = stride
        self.padding = padding
        precondition(height + 2 * padding >= kernelHeight && width + 2 * padding >= kernelWidth,
                     "conv2d: kernel \(kernelHeight)×\(kernelWidth) larger than the padded input \(height + 2 * padding)×\(width + 2 * padding)")
    }

    public var inputShape: [Int] { [batch, channels, height, width] }
    public var outputHeight: Int { (height + 2 * padding - kernelHeight) / stride + 1 }
    public var outputWidth: Int { (width + 2 * padding - kernelWidth) / stride + 1 }
    /// C·kh·kw, the length of one patch.
    public var patchLength: Int { channels * kernelHeight * kernelWidth }
    /// The patch matrix's shape [B·H_out·W_out, C·kh·kw].
    public var columnsShape: [Int] { [batch * outputHeight * outputWidth, patchLength] }

    /// Visits every run of consecutive patch-matrix entries that read consecutive input pixels inside the
    /// (unpadded) input: (first patch-matrix index, first input index, length ≤ kw). Positions in the
    /// zero padding are skipped: they read 0 and receive no gradient.
    @inline(__always)
    func forEachRun(_ body: (_ column: Int, _ input: Int, _ length: Int) -> Void) {
        let oh = outputHeight, ow = outputWidth, kh = kernelHeight, kw = kernelWidth
        let patch = patchLength
        for b in 0..<batch {
            for y in 0..<oh {
                for x in 0..<ow {
                    let row = ((b * oh + y) * ow + x) * patch
                    let x0 = x * stride - padding
                    let jStart = max(0, -x0), jEnd = min(kw, width - x0)
                    guard jStart < jEnd else { continue }
                    for c in 0..<channels {
                        let plane = (b * channels + c) * height
                        for i in 0..<kh {
                            let iy = y * stride - padding + i
                            guard iy >= 0 && iy < height else { continue }
                            body(row + (c * kh + i) * kw + jStart, (plane + iy) * width + x0 + jStart, jEnd - jStart)
                        }
                    }
                }
            }
        }
    }

    /// The patch matrix of x [B, C, H, W] (zeros where a patch covers padding).
    func im2col(_ x: Tensor) -> Tensor {
        precondition(x.shape == inputShape, "im2col: input shape \(x.shape) differs from the geometry's \(inputShape)")
        var out = [Double](repeating: 0, count: columnsShape.reduce(1, *))
        x.scalars.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                forEachRun { column, input, length in
                    for k in 0..<length { dst[column + k] = src[input + k] }
                }
            }
        }
        return Tensor(shape: columnsShape, scalars: out)
    }

    /// The adjoint of ``im2col(_:)``: each patch entry is added back onto the input pixel it came from
    /// (overlapping patches sum; padding entries are dropped).
    func col2im(_ columns: Tensor) -> Tensor {
        precondition(columns.shape == columnsShape, "col2im: shape \(columns.shape) differs from the geometry's patch matrix \(columnsShape)")
        var out = [Double](repeating: 0, count: inputShape.reduce(1, *))
        columns.scalars.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                forEachRun { column, input, length in
                    for k in 0..<length { dst[input + k] += src[column + k] }
                }
            }
        }
        return Tensor(shape: inputShape, scalars: out)
    }
}

/// Convolution and pooling over NCHW values. Every primitive here is linear in its differentiated input
/// and its backward rule is its adjoint primitive (im2col ↔ col2im, average pooling ↔ its spreading
/// adjoint, gather ↔ scatter, permutation ↔ inverse permutation), so all of them differentiate to any
/// order; conv2d's dependence on the weight goes through `matmul`.
extension Variable {
    // MARK: Patch matrices

    /// The patch matrix [B·H_out·W_out, C·kh·kw] of an input [B, C, H, W] (see ``Convolution2DGeometry``).
    /// Linear; ∂/∂x = ``col2im(_:)`` of the upstream gradient.
    public func im2col(_ geometry: Convolution2DGeometry) -> Variable {
        Variable.linear(self, { geometry.im2col($0) }) { g, _ in [g.col2im(geometry)] }
    }

    /// The adjoint of ``im2col(_:)``: [B·H_out·W_out, C·kh·kw] → [B, C, H, W], overlapping entries summed.
    /// Linear; ∂/∂x = ``im2col(_:)`` of the upstream gradient.
    public func col2im(_ geometry: Convolution2DGeometry) -> Variable {
        Variable.linear(self, { geometry.col2im($0) }) { g, _ in [g.im2col(geometry)] }
    }

    // MARK: Convolution

    /// 2-D cross-correlation (PyTorch's `conv2d`, dilation 1, one group) of an input [B, C, H, W] with a
    /// weight [O, C, kh, kw] and an optional bias [O], giving [B, O, H_out, W_out]:
    /// ```
    /// out[b, o, y, x] = bias[o] + Σ_{c,i,j} weight[o, c, i, j] · x_pad[b, c, y·stride + i, x·stride + j]
    /// ```
    /// Computed as one gemm: patches P = im2col(x) [B·H_out·W_out, C·kh·kw], then P·W_flatᵀ [B·H_out·W_out, O]
    /// (+ bias), permuted to NCHW. Derivatives come from the parts: ∂x = col2im(G_flat·W_flat),
    /// ∂W = G_flatᵀ·P, ∂bias = Σ G; all of them differentiable again.
    public static func conv2d(_ input: Variable, _ weight: Variable, bias: Variable? = nil,
                              stride: Int = 1, padding: Int = 0) -> Variable {
        precondition(weight.value.rank == 4, "conv2d: expected a weight [O, C, kh, kw], got shape \(weight.shape)")
        precondition(input.value.rank == 4 && input.shape[1] == weight.shape[1],
                     "conv2d: input \(input.shape) does not have the weight's \(weight.shape[1]) channels (NCHW)")
        let outChannels = weight.shape[0]
        if let bias { precondition(bias.shape == [outChannels], "conv2d: bias shape \(bias.shape), expected [\(outChannels)]") }
        let geometry = Convolution2DGeometry(inputShape: input.shape, kernelHeight: weight.shape[2],
                                             kernelWidth: weight.shape[3], stride: stride, padding: padding)
        let patches = input.im2col(geometry)
        var out = matmul(patches, weight.reshaped([outChannels, geometry.patchLength]), transposeB: true)
        if let bias { out = out + bias }
        let pixels = geometry.outputHeight * geometry.outputWidth
        return out.reshaped([geometry.batch, pixels, outChannels])
            .permuted([0, 2, 1])
            .reshaped([geometry.batch, outChannels, geometry.outputHeight, geometry.outputWidth])
    }

    // MARK: Pooling

    /// Average pooling with a k × k window and stride k over [B, C, H, W], giving [B, C, ⌊H/k⌋, ⌊W/k⌋]
    /// (PyTorch's `avg_pool2d(x, k)`, `ceil_mode = false`: trailing rows and columns that do not fill a
    /// window are dropped and get zero gradient). Linear; ∂/∂x spreads g/k² over each window.
    public func averagePooled(size k: Int) -> Variable {
        let geometry = PoolingGeometry(inputShape: shape, size: k)
        return Variable.linear(self, { geometry.average($0) }) { g, _ in [g.averagePoolingAdjoint(geometry)] }
    }

    /// The adjoint of ``averagePooled(size:)``: [B, C, H_out, W_out] → the input shape, each value divided
    /// by k² and copied over its window. Linear; its backward is average pooling.
    func averagePoolingAdjoint(_ geometry: PoolingGeometry) -> Variable {
        Variable.linear(self, { geometry.spread($0) }) { g, _ in [g.averagePooled(size: geometry.size)] }
    }

    /// Max pooling with a k × k window and stride k over [B, C, H, W], giving [B, C, ⌊H/k⌋, ⌊W/k⌋]
    /// (PyTorch's `max_pool2d(x, k)`, `ceil_mode = false`).
    ///
    /// Derivative: the whole upstream gradient of a window goes to the position of its maximum. On a tie
    /// it goes to the **first** maximal position in row-major order within the window (the first row,
    /// then the first column), never split. The selected positions are fixed at the forward value, so the
    /// pooled value is locally linear: the backward is a scatter to those positions, its second
    /// derivative is 0, and double backward is exact away from ties.
    public func maxPooled(size k: Int) -> Variable {
        let geometry = PoolingGeometry(inputShape: shape, size: k)
        let indices = geometry.argmaxIndices(value)
        let outShape = geometry.outputShape
        return reshaped([value.count]).gathered(at: indices).reshaped(outShape)
    }

    // MARK: Gather, scatter, permutation

    /// The elements at flat `indices` of a rank-1 value.  ∂/∂x = g scattered back (``scattered(to:count:)``).
    public func gathered(at indices: [Int]) -> Variable {
        precondition(value.rank == 1, "gathered(at:): expected a rank-1 value, got shape \(shape)")
        let n = value.count
        for i in indices { precondition(i >= 0 && i < n, "gathered(at:): index \(i) out of range 0..<\(n)") }
        return Variable.linear(self, { t in
            t.scalars.withUnsafeBufferPointer { src in Tensor(indices.map { src[$0] }) }
        }) { g, _ in [g.scattered(to: indices, count: n)] }
    }

    /// The adjoint of ``gathered(at:)``: a rank-1 value of length `count`, zero except that element k of
    /// `self` is added at indices[k] (repeats sum).  ∂/∂x = g gathered at `indices`.
    public func scattered(to indices: [Int], count: Int) -> Variable {
        precondition(value.rank == 1 && value.count == indices.count,
                     "scattered(to:count:): shape \(shape) does not match \(indices.count) indices")
        for i in indices { precondition(i >= 0 && i < count, "scattered(to:count:): index \(i) out of range 0..<\(count)") }
        return Variable.linear(self, { t in
            var out = [Double](repeating: 0, count: count)
            t.scalars.withUnsafeBufferPointer { src in
                for (k, i) in indices.enumerated() { out[i] += src[k] }
            }
            return Tensor(out)
        }) { g, _ in [g.gathered(at: indices)] }
    }

    /// The axes reordered: output axis k is input axis `axes[k]` (NumPy's `transpose(axes)`).
    /// ∂/∂x = g permuted by the inverse permutation.
    public func permuted(_ axes: [Int]) -> Variable {
        precondition(axes.sorted() == Array(0..<value.rank),
                     "permuted: \(axes) is not a permutation of the axes of shape \(shape)")
        if axes == Array(0..<value.rank) { return self }
        var inverse = [Int](repeating: 0, count: axes.count)
        for (k, a) in axes.enumerated() { inverse[a] = k }
        return Variable.linear(self, { $0.permutedAxes(axes) }) { g, _ in [g.permuted(inverse)] }
    }
}

/// Non-overlapping k × k pooling windows (stride k) over [B, C, H, W].
struct PoolingGeometry {
    let inputShape: [Int]
    let size: Int

    init(inputShape: [Int], size: Int) {
        precondition(inputShape.count == 4, "pooling: expected an NCHW input [B, C, H, W], got shape \(inputShape)")
        precondition(size > 0 && inputShape[2] >= size && inputShape[3] >= size,
                     "pooling: window \(size) does not fit the input \(inputShape)")
        self.inputShape = inputShape
        self.size = size
    }

    var planes: Int { inputShape[0] * inputShape[1] }
    var outputHeight: Int { inputShape[2] / size }
    var outputWidth: Int { inputShape[3] / size }
    var outputShape: [Int] { [inputShape[0], inputShape[1], outputHeight, outputWidth] }

    /// Visits each output position with the flat input indices of its window, row-major.
    @inline(__always)
    func forEachWindow(_ body: (_ output: Int, _ window: [Int]) -> Void) {
        let h = inputShape[2], w = inputShape[3], oh = outputHeight, ow = outputWidth
        var window = [Int](repeating: 0, count: size * size)
        for p in 0..<planes {
            for y in 0..<oh {
                for x in 0..<ow {
                    for i in 0..<size {
                        for j in 0..<size { window[i * size + j] = (p * h + y * size + i) * w + x * size + j }
                    }
                    body((p * oh + y) * ow + x, window)
                }
            }
        }
    }

    func average(_ x: Tensor) -> Tensor {
        var out = [Double](repeating: 0, count: outputShape.reduce(1, *))
        let scale = 1 / Double(size * size)
        forEachWindow { o, window in out[o] = window.reduce(0) { $0 + x.scalars[$1] } * scale }
        return Tensor(shape: outputShape, scalars: out)
    }

    func spread(_ g: Tensor) -> Tensor {
        precondition(g.shape == outputShape, "average pooling adjoint: shape \(g.shape), expected \(outputShape)")
        var out = [Double](repeating: 0, count: inputShape.reduce(1, *))
        let scale = 1 / Double(size * size)
        forEachWindow { o, window in for i in window { out[i] = g.scalars[o] * scale } }
        return Tensor(shape: inputShape, scalars: out)
    }

    /// The flat input index of each window's maximum, the first one in row-major order on a tie.
    func argmaxIndices(_ x: Tensor) -> [Int] {
        let h = inputShape[2], w = inputShape[3], oh = outputHeight, ow = outputWidth
        var out = [Int](repeating: 0, count: outputShape.reduce(1, *))
        x.scalars.withUnsafeBufferPointer { src in
            for p in 0..<planes {
                for y in 0..<oh {
                    for xx in 0..<ow {
                        let first = (p * h + y * size) * w + xx * size
                        var best = first
                        for i in 0..<size {
                            let rowStart = first + i * w
                            for j in 0..<size where src[rowStart + j] > src[best] { best = rowStart + j }
                        }
                        out[(p * oh + y) * ow + xx] = best
                    }
                }
            }
        }
        return out
    }
}

extension Tensor {
    /// The axes reordered: output axis k is axis `axes[k]` of self.
    func permutedAxes(_ axes: [Int]) -> Tensor {
        let rank = shape.count
        let outShape = axes.map { shape[$0] }
        var inStrides = [Int](repeating: 1, count: rank)
        for k in stride(from: rank - 2, through: 0, by: -1) { inStrides[k] = inStrides[k + 1] * shape[k + 1] }
        let strides = axes.map { inStrides[$0] }
        var out = [Double](repeating: 0, count: count)
        guard count > 0 else { return Tensor(shape: outShape, scalars: out) }
        var row = RowIndex(shape: outShape)
        scalars.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                let inner = outShape[rank - 1], innerStride = strides[rank - 1]
                var o = 0
                while o < dst.count {
                    let base = row.offset(strides)
                    for j in 0..<inner { dst[o + j] = src[base + j * innerStride] }
                    o += inner
                    row.advance()
                }
            }
        }
        return Tensor(shape: outShape, scalars: out)
    }
}
