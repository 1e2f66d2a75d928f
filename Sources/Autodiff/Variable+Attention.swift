import Tensor

/// The causal mask of a transformer's self-attention (layer normalization: Variable+LayerNorm.swift).
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
}
