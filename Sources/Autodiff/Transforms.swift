import Tensor

/// Function transformations in the style of JAX, over functions written with `Variable` operations.
/// All derivatives are exact (automatic differentiation); none is a finite difference.
public enum Autodiff {
    /// f(x) and ∇f(x) for a scalar-valued f.
    public static func valueAndGradient(of f: (Variable) -> Variable, at x: Tensor) -> (value: Double, gradient: Tensor) {
        let input = Variable(x, requiresGrad: true)
        let output = f(input)
        let grad = Backward.gradients(of: output, wrt: [input])[0]
        return (output.scalar, grad.value)
    }

    /// ∇f(x) for a scalar-valued f.
    public static func gradient(of f: (Variable) -> Variable, at x: Tensor) -> Tensor {
        valueAndGradient(of: f, at: x).gradient
    }

    /// f(x) and the vector–Jacobian product Jᵀw (w has f's output shape).
    public static func vjp(of f: (Variable) -> Variable, at x: Tensor, cotangent w: Tensor) -> (value: Tensor, vjp: Tensor) {
        let input = Variable(x, requiresGrad: true)
        let output = f(input)
        let grad = Backward.gradients(of: output, wrt: [input], seed: Variable(w))[0]
        return (output.value, grad.value)
    }

    /// f(x) and the Jacobian–vector product J u (u has x's shape), by the transpose trick: the map
    /// w ↦ Jᵀw is linear in w and recorded with `createGraph`, so its own vector–Jacobian product along u
    /// is (Jᵀ)ᵀu = J u. Exact; costs about two reverse passes.
    public static func jvp(of f: (Variable) -> Variable, at x: Tensor, tangent u: Tensor) -> (value: Tensor, jvp: Tensor) {
        precondition(u.shape == x.shape, "jvp: tangent shape \(u.shape) differs from input shape \(x.shape)")
        let input = Variable(x, requiresGrad: true)
        let output = f(input)
        let w = Variable(Tensor.zeros(output.shape), requiresGrad: true)
        let jtw = Backward.gradients(of: output, wrt: [input], seed: w, createGraph: true)[0]
        let ju = Backward.gradients(of: jtw, wrt: [w], seed: Variable(u))[0]
        return (output.value, ju.value)
    }

    /// The Hessian–vector product ∇²f(x)·v, exact, by forward over reverse: x carries the tangent v
    /// through the forward pass and the first-order backward pass, and the gradient's tangent is
    /// ∇²f(x)·v. Records no second-order graph, and skips the gradient values the product does not need
    /// (`tangentsOnly`), so it costs about one gradient plus one tangent pass, less the weight gradients.
    public static func hessianVectorProduct(of f: (Variable) -> Variable, at x: Tensor, along v: Tensor) -> Tensor {
        precondition(v.shape == x.shape, "hessianVectorProduct: direction shape \(v.shape) differs from input shape \(x.shape)")
        let input = Variable(x, requiresGrad: true, tangent: v)
        let grad = Backward.gradients(of: f(input), wrt: [input], tangentsOnly: true)[0]
        return grad.tangent ?? Tensor.zeros(x.shape)
    }

    /// f(x), ∇f(x) and the map v ↦ ∇²f(x)·v: one forward pass and one recorded gradient (double
    /// backward), linearized once (``Linearization``), so each product is a tangent sweep over the
    /// recorded graph — about the tangent half of a forward-over-reverse HVP. The route for many
    /// products at one x (Lanczos, Hutchinson, exact IAS).
    public static func linearizedGradient(of f: (Variable) -> Variable, at x: Tensor) -> (value: Double, gradient: Tensor, hessian: Linearization) {
        let input = Variable(x, requiresGrad: true)
        let output = f(input)
        let grad = Backward.gradients(of: output, wrt: [input], createGraph: true)[0]
        return (output.scalar, grad.value, Linearization(output: grad, input: input))
    }

    /// ∇²f(x)·vₖ for several directions by reverse over reverse: one forward pass and one recorded
    /// gradient (double backward) shared by all directions, then the gradient of ⟨∇f(x), vₖ⟩ for each.
    /// An independent route to ``hessianVectorProduct(of:at:along:)``.
    public static func hessianVectorProducts(of f: (Variable) -> Variable, at x: Tensor, along vs: [Tensor]) -> [Tensor] {
        let input = Variable(x, requiresGrad: true)
        let output = f(input)
        let grad = Backward.gradients(of: output, wrt: [input], createGraph: true)[0]
        return vs.map { v in
            precondition(v.shape == x.shape, "hessianVectorProduct: direction shape \(v.shape) differs from input shape \(x.shape)")
            return Backward.gradients(of: grad, wrt: [input], seed: Variable(v))[0].value
        }
    }

    /// The dense Hessian of f at a rank-1 x, column j = ∇²f(x)·e_j (d HVPs). For tests and small models.
    public static func hessian(of f: (Variable) -> Variable, at x: Tensor) -> Tensor {
        precondition(x.rank == 1, "hessian: expected a rank-1 input, got shape \(x.shape)")
        let d = x.count
        let basis = (0..<d).map { j -> Tensor in
            var e = Tensor.zeros([d]); e.scalars[j] = 1; return e
        }
        let columns = hessianVectorProducts(of: f, at: x, along: basis)
        var h = Tensor.zeros([d, d])
        for j in 0..<d { for i in 0..<d { h.scalars[i * d + j] = columns[j].scalars[i] } }
        return h
    }

    /// Per-sample gradients ∇ℓ_i(x) for i in 0..<count, one reverse pass each: the reference
    /// implementation that works for any loss. Models with dense layers provide a batched route (one
    /// backward pass and outer products) that is tested against this one.
    public static func perSampleGradients(count: Int, at x: Tensor, loss: (Int, Variable) -> Variable) -> [Tensor] {
        (0..<count).map { i in gradient(of: { loss(i, $0) }, at: x) }
    }
}
