import Tensor

/// Reductions and their adjoints (broadcasts). Sum and broadcast are each other's transpose, so each
/// rule is the other primitive and both differentiate to any order.
extension Variable {
    /// Σ of all elements, a scalar (shape []).  ∂/∂x = g broadcast to x's shape.
    public func sum() -> Variable {
        Variable.linear(self, { Tensor($0.sum()) }) { g, _ in [g.broadcast(to: self.shape)] }
    }

    /// Mean of all elements.
    public func mean() -> Variable { sum() / Double(max(value.count, 1)) }

    /// Sum over `axis` (removed, or kept with extent 1).  ∂/∂x = g broadcast back along `axis`.
    public func sum(axis: Int, keepingAxis: Bool = false) -> Variable {
        Variable.linear(self, { $0.sum(axis: axis, keepingAxis: keepingAxis) }) { g, _ in
            var kept = self.shape
            kept[axis] = 1
            return [g.reshaped(kept).broadcast(to: self.shape)]
        }
    }

    /// Broadcast to `shape` (NumPy rules).  ∂/∂x = g summed back to x's shape.
    public func broadcast(to shape: [Int]) -> Variable {
        if shape == self.shape { return self }
        return Variable.linear(self, { $0.broadcast(to: shape) }) { g, _ in [g.summed(toShape: self.shape)] }
    }

    /// Sums a broadcast shape back down to `shape`: the adjoint of ``broadcast(to:)``.
    public func summed(toShape shape: [Int]) -> Variable {
        if shape == self.shape { return self }
        return Variable.linear(self, { $0.sum(toShape: shape) }) { g, _ in [g.broadcast(to: self.shape)] }
    }

    /// ⟨a, b⟩ = Σ a ⊙ b over all elements (same shape).
    public func dot(_ other: Variable) -> Variable { (self * other).sum() }
}
