import Autodiff
import BiasLabTestSupport
import Foundation
import Tensor
import Testing

/// The fused softmax, GELU and LayerNorm primitives against their composed forms (the oracle: the same
/// functions built from exp, logSoftmax, normalCDF, sums, sqrt and division, whose derivatives come from
/// those primitives' rules) at seeded random points: the value, the gradient, the tangent, the
/// Hessian–vector product by all three routes (forward over reverse, reverse over reverse, linearized)
/// and a third derivative (the backward of the fused backward nodes), all to 1e-10 relative.
/// The scalar being differentiated is L(x) = ⟨w, tanh(f(x))⟩, so the upstream gradient of f's node
/// depends on x and the fused backward nodes are differentiated in both of their inputs.
struct FusedPrimitiveTests {
    static func composedSoftmax(_ x: Variable, scale c: Double, mask: SoftmaxMask) -> Variable {
        let scaled = x * c
        return (mask == .causal ? scaled.causallyMasked() : scaled).logSoftmax().exp()
    }

    static func composedGELU(_ x: Variable) -> Variable { x * x.normalCDF() }

    /// The composed LayerNorm that `layerNormalized` replaced: centred / √(mean(centred²) + ε).
    static func composedLayerNorm(_ x: Variable, epsilon: Double = 1e-5) -> Variable {
        let axis = x.value.rank - 1, n = Double(x.shape[axis])
        let centred = x - x.sum(axis: axis, keepingAxis: true) * (1 / n)
        let variance = centred.squared().sum(axis: axis, keepingAxis: true) * (1 / n)
        return centred / (variance + epsilon).sqrt()
    }

    static func random(_ shape: [Int], _ name: String, scale: Double = 1) -> Tensor {
        var rng = RandomGenerator(seed: 22, stream: name)
        return Tensor(shape: shape, scalars: rng.gaussians(shape.reduce(1, *)).map { scale * $0 })
    }

    /// ∇_x ⟨∇²L(x) u, z⟩: two recorded backward passes and a third.
    static func thirdDerivative(_ loss: (Variable) -> Variable, at x: Tensor, _ u: Tensor, _ z: Tensor) -> Tensor {
        let input = Variable(x, requiresGrad: true)
        let gradient = Backward.gradients(of: loss(input), wrt: [input], createGraph: true)[0]
        let product = Backward.gradients(of: gradient.dot(Variable(u)), wrt: [input], createGraph: true)[0]
        return Backward.gradients(of: product.dot(Variable(z)), wrt: [input])[0].value
    }

    func expectSameDerivatives(_ fused: @escaping (Variable) -> Variable, _ composed: @escaping (Variable) -> Variable, at x: Tensor,
                               sourceLocation: SourceLocation = #_sourceLocation) {
        let (u, z) = (Self.random(x.shape, "u"), Self.random(x.shape, "z"))
        let y = GradientMode.withoutRecording { composed(Variable(x)).value }
        let w = Self.random(y.shape, "w")
        func loss(_ f: @escaping (Variable) -> Variable) -> (Variable) -> Variable { { f($0).tanh().dot(Variable(w)) } }
        func close(_ a: Tensor, _ b: Tensor, _ what: String, _ bound: Double = 1e-10) {
            #expect(a.shape == b.shape && Closeness.relativeError(a, b) <= bound, "\(what): \(Closeness.relativeError(a, b))",
                    sourceLocation: sourceLocation)
        }
        let (lf, lc) = (loss(fused), loss(composed))
        close(GradientMode.withoutRecording { fused(Variable(x)).value }, y, "value", 1e-13)
        close(Autodiff.gradient(of: lf, at: x), Autodiff.gradient(of: lc, at: x), "gradient")
        let tangent = { (f: (Variable) -> Variable) in GradientMode.withoutRecording { f(Variable(x, tangent: u)).tangent! } }
        close(tangent(fused), tangent(composed), "tangent")
        let reference = Autodiff.hessianVectorProduct(of: lc, at: x, along: u)
        close(Autodiff.hessianVectorProduct(of: lf, at: x, along: u), reference, "HVP, forward over reverse")
        close(Autodiff.hessianVectorProducts(of: lf, at: x, along: [u])[0], reference, "HVP, reverse over reverse")
        close(Autodiff.linearizedGradient(of: lf, at: x).hessian.apply(u), reference, "HVP, linearized")
        close(Self.thirdDerivative(lf, at: x, u, z), Self.thirdDerivative(lc, at: x, u, z), "third derivative", 1e-9)
    }

    @Test func softmaxIsTheComposedForm() {
        let x = Self.random([3, 5], "x", scale: 2)
        expectSameDerivatives({ $0.softmax() }, { Self.composedSoftmax($0, scale: 1, mask: .none) }, at: x)
        expectSameDerivatives({ $0.softmax(scale: 0.35) }, { Self.composedSoftmax($0, scale: 0.35, mask: .none) }, at: x)
    }

    /// The attention form: softmax(mask(c·x)) over [N, T, T], the mask's entries exactly 0.
    @Test func causalScaledSoftmaxIsTheComposedForm() {
        let x = Self.random([2, 4, 4], "scores", scale: 2)
        expectSameDerivatives({ $0.softmax(scale: 0.5, mask: .causal) }, { Self.composedSoftmax($0, scale: 0.5, mask: .causal) }, at: x)
        let y = x.softmaxLastAxis(scale: 0.5, mask: .causal)
        for base in [0, 16] { for i in 0..<4 { for j in 0..<4 where j > i { #expect(y.scalars[base + i * 4 + j] == 0) } } }
        // Each kept row sums to 1; row 0 of a block is [1, 0, 0, 0].
        #expect(abs(y.sum() - 8) <= 1e-14 && y.scalars[0] == 1)
    }

    /// Softmax of large scores does not overflow (max-shifted).
    @Test func softmaxOfLargeScores() {
        let y = Tensor(shape: [1, 3], scalars: [1000, 1001, 999]).softmaxLastAxis(scale: 1, mask: .none)
        let e = [exp(-1.0), 1, exp(-2.0)], s = e.reduce(0, +)
        #expect(Closeness.relativeError(y.scalars, e.map { $0 / s }) <= 1e-15)
    }

    @Test func geluIsTheComposedForm() {
        expectSameDerivatives({ $0.gelu() }, Self.composedGELU, at: Self.random([4, 3], "gelu", scale: 2))
        // GELU″(x) = φ(x)(2 − x²) against differences of GELU′.
        for x in [-2.5, -0.7, 0, 0.3, 1.9] {
            let h = 1e-5
            let difference = (ScalarMath.geluDerivative(x + h) - ScalarMath.geluDerivative(x - h)) / (2 * h)
            #expect(abs(ScalarMath.geluSecondDerivative(x) - difference) <= 1e-9)
        }
    }

    @Test func layerNormIsTheComposedForm() {
        let x = Self.random([3, 6], "layer-norm", scale: 1.5)
        expectSameDerivatives({ $0.layerNormalized() }, { Self.composedLayerNorm($0) }, at: x)
        // A row of nearly equal entries (σ² ≪ ε): ε dominates r, and the fused form still agrees.
        let flat = Tensor(shape: [2, 4], scalars: [1, 1 + 1e-4, 1 - 2e-4, 1 + 3e-4, -0.5, 0.25, 2, -1])
        expectSameDerivatives({ $0.layerNormalized(epsilon: 1e-5) }, { Self.composedLayerNorm($0, epsilon: 1e-5) }, at: flat)
        // The fused value is the composed one bit for bit (the same operations in the same order).
        #expect(GradientMode.withoutRecording { x.layerNormalizedLastAxis(epsilon: 1e-5).normalized }
                == GradientMode.withoutRecording { Self.composedLayerNorm(Variable(x)).value })
    }

    /// The fused primitives against central differences (the engine checker), as every primitive.
    @Test func fusedPrimitivesAgainstDifferences() {
        let x = Tensor(shape: [2, 3], scalars: [-1.3, -0.2, 0, 0.4, 1.1, 2.1])
        for f in [{ (v: Variable) in v.gelu() }, { $0.layerNormalized() }, { $0.softmax(scale: 0.7) }] {
            let r = checkDerivatives(of: f, at: x)
            #expect(r.reverseError <= 1e-6 && r.forwardError <= 1e-6 && r.secondOrderError <= 1e-6, "\(r)")
        }
    }
}
