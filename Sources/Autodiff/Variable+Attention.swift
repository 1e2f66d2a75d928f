import Tensor

/// The pieces of a transformer that are not element-wise: the causal mask and layer normalization.
extension Variable {
    /// The causal mask over the last two axes [… , T, T] (query i, key j): entries with j > i become −∞,
    /// the others pass through, so a following softmax over the last axis gives them weight exactly 0
    /// (PyTorch's `masked_fill(mask == 0, float('-inf'))` in a causal self-attention). Affine in x:
    /// ∂/∂x = g ⊙ M with M the 0/1 mask of kept entries (a constant), tangent ẋ ⊙ M; its second
    /// derivative is 0.
    public func causallyMasked() -> Variable {
        precondition(value.rank >= 2 && shape[value.rank - 1] == shape[value.rank - 2],
                     "causallyMasked: expected [… , T, T], got shape \(shape)")
        let t = shape[value.rank - 1]
        var keep = [Double](repeating: 0, count: value.count)
        for base in stride(from: 0, to: value.count, by: t * t) {
            for i in 0..<t { for j in 0...i { keep[base + i * t + j] = 1 } }
        }
        let mask = Tensor(shape: shape, scalars: keep)
        let out = Tensor.zipMap(value, mask) { x, m in m == 1 ? x : -Double.infinity }
        return Variable.primitive(out, [self], tangent: { $0[0]! * mask }) { g, _ in [g * Variable(mask)] }
    }

    /// Layer normalization over the last axis without the affine part (PyTorch's `F.layer_norm` with
    /// `weight = bias = None`), composed from reductions, so every derivative order comes from theirs:
    /// ```
    /// μ = (1/n) Σ_j x_j      σ² = (1/n) Σ_j (x_j − μ)²  (biased, as PyTorch)      y = (x − μ) / √(σ² + ε)
    /// ```
    public func layerNormalized(epsilon: Double = 1e-5) -> Variable {
        let axis = value.rank - 1, n = Double(shape[axis])
        let centred = self - sum(axis: axis, keepingAxis: true) * (1 / n)
        let variance = centred.squared().sum(axis: axis, keepingAxis: true) * (1 / n)
        return centred / (variance + epsilon).sqrt()
    }
}
