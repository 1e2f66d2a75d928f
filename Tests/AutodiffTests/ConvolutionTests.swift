import Autodiff
import BiasLabTestSupport
import Tensor
import Testing

/// Convolution and pooling: forward passes against direct loops written from the definitions, and
/// derivatives against central finite differences (`checkDerivatives`: first order reverse and forward
/// ≤ 1e-6 relative, second order by mixed second differences ≤ 1e-6).
struct ConvolutionTests {
    static func random(_ shape: [Int], seed: UInt64) -> Tensor {
        var rng = RandomGenerator(seed: seed, stream: "convolution-tests")
        return Tensor(shape: shape, scalars: rng.gaussians(shape.reduce(1, *)))
    }

    /// Oracle: the definition out[b,o,y,x] = bias[o] + Σ_{c,i,j} w[o,c,i,j]·x_pad[b,c,y·s+i,x·s+j], as loops.
    static func referenceConv(_ x: Tensor, _ w: Tensor, _ bias: Tensor?, stride s: Int, padding p: Int) -> Tensor {
        let (bn, c, h, wd) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let (o, kh, kw) = (w.shape[0], w.shape[2], w.shape[3])
        let oh = (h + 2 * p - kh) / s + 1, ow = (wd + 2 * p - kw) / s + 1
        var out = Tensor.zeros([bn, o, oh, ow])
        for b in 0..<bn { for oc in 0..<o { for y in 0..<oh { for xx in 0..<ow {
            var acc = bias?.scalars[oc] ?? 0
            for ic in 0..<c { for i in 0..<kh { for j in 0..<kw {
                let iy = y * s + i - p, ix = xx * s + j - p
                if iy >= 0 && iy < h && ix >= 0 && ix < wd { acc += w[oc, ic, i, j] * x[b, ic, iy, ix] }
            } } }
            out[b, oc, y, xx] = acc
        } } } }
        return out
    }

    func expectAccurate(_ f: (Variable) -> Variable, at x: Tensor, sourceLocation: SourceLocation = #_sourceLocation) {
        let r = checkDerivatives(of: f, at: x)
        #expect(r.reverseError <= 1e-6, "reverse: \(r)", sourceLocation: sourceLocation)
        #expect(r.forwardError <= 1e-6, "forward: \(r)", sourceLocation: sourceLocation)
        #expect(r.secondOrderError <= 1e-6, "second order: \(r)", sourceLocation: sourceLocation)
    }

    @Test(arguments: [(1, 0), (2, 1), (1, 2), (3, 1)])
    func convolutionForwardMatchesDirectLoops(stride: Int, padding: Int) {
        let x = Self.random([2, 3, 7, 6], seed: 1), w = Self.random([4, 3, 3, 2], seed: 2), b = Self.random([4], seed: 3)
        let out = Variable.conv2d(Variable(x), Variable(w), bias: Variable(b), stride: stride, padding: padding).value
        let ref = Self.referenceConv(x, w, b, stride: stride, padding: padding)
        #expect(out.shape == ref.shape)
        #expect(Closeness.relativeError(out, ref) < 1e-14)
    }

    /// Oracle: ⟨im2col(x), P⟩ = ⟨x, col2im(P)⟩ for random x and P (the two are each other's adjoints).
    @Test func col2imIsTheAdjointOfIm2col() {
        let geometry = Convolution2DGeometry(inputShape: [2, 2, 5, 6], kernelHeight: 3, kernelWidth: 2, stride: 2, padding: 1)
        let x = Self.random(geometry.inputShape, seed: 4), p = Self.random(geometry.columnsShape, seed: 5)
        let lhs = VectorOps.dot(Variable(x).im2col(geometry).value.scalars, p.scalars)
        let rhs = VectorOps.dot(x.scalars, Variable(p).col2im(geometry).value.scalars)
        #expect(abs(lhs - rhs) <= 1e-13 * max(abs(lhs), 1))
    }

    @Test func convolutionDerivativeInInput() {
        let w = Variable(Self.random([3, 2, 3, 3], seed: 6)), b = Variable(Self.random([3], seed: 7))
        // tanh makes the second derivative in x non-zero (conv alone is linear in x).
        expectAccurate({ Variable.conv2d($0, w, bias: b, stride: 1, padding: 1).tanh() }, at: Self.random([2, 2, 5, 4], seed: 8))
    }

    @Test func convolutionDerivativeInWeight() {
        let x = Variable(Self.random([2, 2, 6, 5], seed: 9))
        expectAccurate({ Variable.conv2d(x, $0, stride: 2, padding: 1).tanh() }, at: Self.random([3, 2, 3, 2], seed: 10))
    }

    /// Second order across input and weight (the mixed ∂²/∂x∂W block): both read from one flat vector.
    @Test func convolutionDerivativeJointlyInInputAndWeight() {
        let xCount = 1 * 2 * 5 * 5, wCount = 3 * 2 * 2 * 2
        let f: (Variable) -> Variable = { v in
            let x = v.slice(0..<xCount).reshaped([1, 2, 5, 5])
            let w = v.slice(xCount..<(xCount + wCount)).reshaped([3, 2, 2, 2])
            let b = v.slice((xCount + wCount)..<(xCount + wCount + 3))
            return Variable.conv2d(x, w, bias: b, stride: 1, padding: 0).squared().sum()
        }
        expectAccurate(f, at: Self.random([xCount + wCount + 3], seed: 11))
    }

    @Test func averagePoolingForwardAndDerivatives() {
        let x = Self.random([2, 3, 5, 4], seed: 12)
        let out = Variable(x).averagePooled(size: 2).value
        #expect(out.shape == [2, 3, 2, 2])
        for b in 0..<2 { for c in 0..<3 { for y in 0..<2 { for xx in 0..<2 {
            let ref = (x[b, c, 2 * y, 2 * xx] + x[b, c, 2 * y + 1, 2 * xx] + x[b, c, 2 * y, 2 * xx + 1] + x[b, c, 2 * y + 1, 2 * xx + 1]) / 4
            #expect(abs(out[b, c, y, xx] - ref) < 1e-15)
        } } } }
        expectAccurate({ $0.tanh().averagePooled(size: 2).squared() }, at: x)
    }

    @Test func maxPoolingForwardAndDerivatives() {
        let x = Self.random([2, 2, 6, 7], seed: 13)
        let out = Variable(x).maxPooled(size: 3).value
        #expect(out.shape == [2, 2, 2, 2])
        for b in 0..<2 { for c in 0..<2 { for y in 0..<2 { for xx in 0..<2 {
            var ref = -Double.infinity
            for i in 0..<3 { for j in 0..<3 { ref = max(ref, x[b, c, 3 * y + i, 3 * xx + j]) } }
            #expect(out[b, c, y, xx] == ref)
        } } } }
        // Random Gaussian inputs have no ties, so the function is smooth at x.
        expectAccurate({ $0.tanh().maxPooled(size: 2).squared() }, at: x)
    }

    /// Documented tie rule: the whole gradient goes to the first maximal position (row-major in the window).
    @Test func maxPoolingTieGoesToFirstMaximum() {
        let x = Variable(Tensor(shape: [1, 1, 2, 2], scalars: [1, 3, 3, 3]), requiresGrad: true)
        let g = Backward.gradients(of: x.maxPooled(size: 2).sum(), wrt: [x])[0]
        #expect(g.value.scalars == [0, 1, 0, 0])
    }

    @Test func permutationMatchesIndexing() {
        let x = Self.random([2, 3, 4], seed: 14)
        let y = Variable(x).permuted([2, 0, 1]).value
        #expect(y.shape == [4, 2, 3])
        for i in 0..<2 { for j in 0..<3 { for k in 0..<4 { #expect(y[k, i, j] == x[i, j, k]) } } }
        expectAccurate({ $0.permuted([1, 2, 0]).tanh() }, at: x)
    }

    /// A LeNet-like stack (conv → tanh → max pool → conv → average pool) differentiated end to end.
    @Test func stackedConvolutionAndPooling() {
        let w2 = Variable(Self.random([2, 3, 2, 2], seed: 15))
        let x = Variable(Self.random([2, 1, 8, 8], seed: 16))
        let f: (Variable) -> Variable = { w1 in
            let h = Variable.conv2d(x, w1, padding: 0).tanh().maxPooled(size: 2)   // [2, 3, 3, 3]
            return Variable.conv2d(h, w2).tanh().averagePooled(size: 2)            // [2, 2, 1, 1]
        }
        expectAccurate(f, at: Self.random([3, 1, 3, 3], seed: 17))
    }
}
