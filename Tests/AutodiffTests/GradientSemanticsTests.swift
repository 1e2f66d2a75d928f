import Foundation
import Autodiff
import BiasLabTestSupport
import Tensor
import Testing

/// What the engine does at the edges, each against a value fixed by hand.
struct GradientSemanticsTests {
    /// Oracle: d/dx x³ = 3x² and d²/dx² x³ = 6x, so at x = 2: 12 and 12 (tinygrad's second-order test).
    @Test func gradientOfGradient() {
        let x = Variable(Tensor(2.0), requiresGrad: true)
        let y = x * x * x
        let dy = Backward.gradients(of: y, wrt: [x], createGraph: true)[0]
        #expect(dy.scalar == 12)
        let d2y = Backward.gradients(of: dy, wrt: [x])[0]
        #expect(d2y.scalar == 12)
        let d3y = Backward.gradients(of: Backward.gradients(of: dy, wrt: [x], createGraph: true)[0], wrt: [x])[0]
        #expect(d3y.scalar == 6)
    }

    /// An input the output does not use gets a zero gradient of its own shape.
    @Test func unusedInputGetsZero() {
        let x = Variable(Tensor([1, 2]), requiresGrad: true)
        let unused = Variable(Tensor(shape: [2, 2], scalars: [1, 2, 3, 4]), requiresGrad: true)
        let grads = Backward.gradients(of: x.squared().sum(), wrt: [x, unused])
        #expect(grads[0].value.scalars == [2, 4])
        #expect(grads[1].value == Tensor.zeros([2, 2]))
    }

    /// A value used twice receives the sum of both contributions: d/dx (x·x + x) = 2x + 1.
    @Test func reusedInputAccumulates() {
        let x = Variable(Tensor([3.0]), requiresGrad: true)
        let g = Backward.gradients(of: (x * x + x).sum(), wrt: [x])[0]
        #expect(g.value.scalars == [7])
    }

    /// A broadcast operand gets the gradient summed over the broadcast axes: d/db Σ(X + b) = rows of X.
    @Test func broadcastGradientIsSummed() {
        let x = Variable(Tensor.zeros([4, 3]))
        let b = Variable(Tensor([1, 2, 3]), requiresGrad: true)
        let g = Backward.gradients(of: (x + b).sum(), wrt: [b])[0]
        #expect(g.value.scalars == [4, 4, 4])
    }

    /// Kinks: relu′(0) = 0 and |x|′(0) = 0.
    @Test func kinkConventions() {
        let x = Variable(Tensor([0.0]), requiresGrad: true)
        #expect(Backward.gradients(of: x.relu().sum(), wrt: [x])[0].value.scalars == [0])
        #expect(Backward.gradients(of: x.abs().sum(), wrt: [x])[0].value.scalars == [0])
    }

    /// Without recording nothing requires a gradient.
    @Test func noRecordingBuildsNoGraph() {
        let x = Variable(Tensor([1.0]), requiresGrad: true)
        let y = GradientMode.withoutRecording { x.exp() }
        #expect(!y.requiresGrad)
    }

    /// Oracle: closed forms for f(x) = Σ sin-free polynomial ½xᵀAx + bᵀx: ∇f = Ax + b, ∇²f = A (A symmetric).
    @Test func quadraticTransformsMatchClosedForm() {
        let a = Tensor(rows: [[2, 0.5, 0], [0.5, 3, -1], [0, -1, 4]])
        let b = Tensor([1, -2, 0.5])
        let x = Tensor([0.3, -0.7, 1.1])
        let f: (Variable) -> Variable = { v in
            let ax = Variable.matmul(Variable(a), v.reshaped([3, 1])).reshaped([3])
            return 0.5 * v.dot(ax) + v.dot(Variable(b))
        }
        let grad = Autodiff.gradient(of: f, at: x)
        let expected = Tensor.matvec(a, x) + b
        #expect(Closeness.relativeError(grad, expected) < 1e-15)
        #expect(Closeness.relativeError(Autodiff.hessian(of: f, at: x), a) < 1e-15)
        let v = Tensor([1, 2, 3])
        #expect(Closeness.relativeError(Autodiff.jvp(of: { Variable.matmul(Variable(a), $0.reshaped([3, 1])) }, at: x, tangent: v).jvp.reshaped([3]),
                                        Tensor.matvec(a, v)) < 1e-15)
    }

    /// Symmetry of second order: ⟨u, Hv⟩ = ⟨Hu, v⟩ for a non-quadratic function.
    @Test func hessianVectorProductIsSymmetric() {
        var rng = RandomGenerator(seed: 7)
        let x = Tensor(rng.gaussians(6)), u = Tensor(rng.gaussians(6)), v = Tensor(rng.gaussians(6))
        let f: (Variable) -> Variable = { ($0.tanh() * $0.softplus()).sum() + $0.squared().sum().sqrt() }
        let hv = Autodiff.hessianVectorProduct(of: f, at: x, along: v)
        let hu = Autodiff.hessianVectorProduct(of: f, at: x, along: u)
        let a = VectorOps.dot(u.scalars, hv.scalars), b = VectorOps.dot(hu.scalars, v.scalars)
        #expect(abs(a - b) <= 1e-13 * max(abs(a), 1))
    }

    /// A non-scalar output needs an explicit seed (checked by the shape of the vjp).
    @Test func vjpOfVectorOutput() {
        let x = Tensor([1, 2, 3])
        let r = Autodiff.vjp(of: { $0.squared() }, at: x, cotangent: Tensor([1, 1, 2]))
        #expect(r.vjp.scalars == [2, 4, 12])
    }

    /// Oracle: closed forms. The linearization of F(x) = tanh(Ax) at x applies J u = (1 − tanh²(Ax)) ⊙ (A u)
    /// for several tangents without re-running F; a graph whose output does not depend on the leaf
    /// linearizes to zeros; the linearized gradient of ½xᵀAx + bᵀx is A itself (value and gradient
    /// reported alongside).
    @Test func linearizationAppliesTheJacobian() {
        let a = Tensor(rows: [[2, 0.5, 0], [0.5, 3, -1], [0, -1, 4]])
        let b = Tensor([1, -2, 0.5])
        let x = Tensor([0.3, -0.7, 1.1])
        let input = Variable(x, requiresGrad: true)
        let ax = Variable.matmul(Variable(a), input.reshaped([3, 1])).reshaped([3])
        let map = Linearization(output: ax.tanh(), input: input)
        #expect(map.inputShape == [3] && map.outputShape == [3])
        let slope = Tensor.matvec(a, x).map { 1 - Foundation.tanh($0) * Foundation.tanh($0) }
        for u in [Tensor([1, 0, 0]), Tensor([0.5, -2, 3])] {
            // libmvec's tanh (engine) and libm's (oracle) differ by a few ulp, which 1 − tanh² amplifies.
            #expect(Closeness.relativeError(map.apply(u), slope * Tensor.matvec(a, u)) < 1e-12)
        }
        let constant = Linearization(output: Variable(b).squared(), input: input)
        #expect(constant.apply(Tensor([1, 2, 3])).scalars == [0, 0, 0])

        let quadratic = Autodiff.linearizedGradient(of: { v in
            let av = Variable.matmul(Variable(a), v.reshaped([3, 1])).reshaped([3])
            return 0.5 * v.dot(av) + v.dot(Variable(b))
        }, at: x)
        let ax0 = Tensor.matvec(a, x)
        #expect(abs(quadratic.value - (0.5 * VectorOps.dot(x.scalars, ax0.scalars) + VectorOps.dot(b.scalars, x.scalars))) < 1e-15)
        #expect(Closeness.relativeError(quadratic.gradient, ax0 + b) < 1e-15)
        let v = Tensor([1, 2, 3])
        #expect(Closeness.relativeError(quadratic.hessian.apply(v), Tensor.matvec(a, v)) < 1e-15)
    }

    /// Oracle: the full forward-over-reverse pass. A tangent-only pass returns the same tangent (the HVP)
    /// and zeros for the value, on a graph where θ is sliced into a layer's weight and bias (reshaped,
    /// through `affine` and `matmul`, whose rules skip the weight-gradient values) and also used whole
    /// by an op that computes its full gradient (so valued and valueless contributions meet).
    @Test func tangentOnlyPassGivesTheHessianVectorProduct() {
        var rng = RandomGenerator(seed: 12)
        let x = Variable(Tensor(shape: [4, 3], scalars: rng.gaussians(12)))
        let theta0 = Tensor(rng.gaussians(8)), v = Tensor(rng.gaussians(8))
        func loss(_ theta: Variable) -> Variable {
            let w = theta.slice(0..<6).reshaped([2, 3]), b = theta.slice(6..<8)
            let hidden = Variable.affine(x, weight: w, bias: b).tanh()
            let out = Variable.matmul(hidden, theta.slice(0..<6).reshaped([2, 3]))
            return out.squared().sum() + 0.1 * theta.squared().sum() * theta.slice(6..<7).sum()
        }
        func pass(tangentsOnly: Bool) -> Variable {
            let theta = Variable(theta0, requiresGrad: true, tangent: v)
            return Backward.gradients(of: loss(theta), wrt: [theta], tangentsOnly: tangentsOnly)[0]
        }
        let full = pass(tangentsOnly: false), tangentOnly = pass(tangentsOnly: true)
        #expect(Closeness.relativeError(tangentOnly.tangent!, full.tangent!) < 1e-14)
        #expect(tangentOnly.value.scalars == [Double](repeating: 0, count: 8))
        let reverseOverReverse = Autodiff.hessianVectorProducts(of: loss, at: theta0, along: [v])[0]
        #expect(Closeness.relativeError(tangentOnly.tangent!, reverseOverReverse) < 1e-13)
    }
}
