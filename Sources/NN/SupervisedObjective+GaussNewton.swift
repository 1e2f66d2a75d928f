import Autodiff
import Tensor

extension SupervisedObjective {
    /// Generalized Gauss–Newton products G vₖ, exact, with
    /// ```
    /// G = (1/|B|) Σ_{i∈B} J_iᵀ Λ_i J_i,   J_i = ∂f(θ, x_i)/∂θ,   Λ_i = ∇²_f ℓ_i
    /// Λ_i = 2s·I                       squared error ℓ = s‖f − y‖²
    /// Λ_i = diag(p_i) − p_i p_iᵀ       cross-entropy, p_i = softmax(f(θ, x_i))
    /// Λ_i = (1/T) ⊕_t (diag(p_it) − p_it p_itᵀ)   next-token cross-entropy, p_it = softmax of position t's logits
    /// ```
    /// the positive semi-definite part of the Hessian (H = G + Σ_i (∂ℓ_i/∂f)·∇²f_i / |B|); G = H at zero
    /// residual for squared error. J v comes from the transpose trick (the gradient of w ↦ Jᵀw), Jᵀ(Λ J v)
    /// from a reverse pass over the same recorded forward pass. The batch is cut into parts that run on
    /// separate cores (``BatchParallelism``), each recording its own forward pass; the parts' products,
    /// each weighted by 1/|B|, add up to the batch's.
    public func gaussNewtonVectorProducts(at parameters: [Double], along directions: [[Double]], batch: [Int]?) -> [[Double]] {
        let (batches, weight) = parts(of: batch)
        let products = BatchParallelism.run(parts: batches.count) { k in
            partGaussNewtonProducts(at: parameters, along: directions, batch: batches[k].batch, weight: weight)
        }
        return directions.indices.map { j in Tensor.adding(products.map { Tensor($0[j]) }).scalars }
    }

    /// One part's share (Σ_{i∈part} J_iᵀ Λ_i J_i) · weight · vₖ for every direction.
    private func partGaussNewtonProducts(at parameters: [Double], along directions: [[Double]], batch: [Int]?,
                                         weight: Double) -> [[Double]] {
        let theta = parameterVariable(parameters)
        let s = slice(batch)
        let outputs = model.forward(theta, s.x)
        let cotangent = Variable(Tensor.zeros(outputs.shape), requiresGrad: true)
        let jtw = Backward.gradients(of: outputs, wrt: [theta], seed: cotangent, createGraph: true)[0]
        // Cross-entropy's softmax rows: one per sample, or one per position (next-token, [B·T, V]).
        let positions = s.y.rank == 2 ? s.y.shape[1] : 1
        let probabilities: Tensor? = {
            switch loss {
            case .crossEntropy: return outputs.value.softmaxLastAxis()
            case .nextTokenCrossEntropy:
                return outputs.value.reshaped([s.y.count, outputs.value.count / s.y.count]).softmaxLastAxis()
            case .squaredError: return nil
            }
        }()
        return directions.map { v in
            let jv = Backward.gradients(of: jtw, wrt: [cotangent], seed: Variable(Tensor(v)))[0].value
            var lambdaJv: Tensor
            switch loss {
            case .squaredError(let scale):
                lambdaJv = jv * (2 * scale)
            case .crossEntropy:
                let p = probabilities!
                let pDotJv = (p * jv).sum(axis: 1, keepingAxis: true)
                lambdaJv = p * (jv - pDotJv)
            case .nextTokenCrossEntropy:
                let p = probabilities!
                let rowsJv = jv.reshaped(p.shape)
                let pDotJv = (p * rowsJv).sum(axis: 1, keepingAxis: true)
                lambdaJv = (p * (rowsJv - pDotJv)).reshaped(jv.shape) * (1 / Double(positions))
            }
            lambdaJv.scale(by: weight)
            return Backward.gradients(of: outputs, wrt: [theta], seed: Variable(lambdaJv))[0].value.scalars
        }
    }
}
