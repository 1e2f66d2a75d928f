import Foundation

/// Which entries of each row a softmax over the last axis may weigh.
public enum SoftmaxMask: Sendable, Equatable {
    /// Every entry.
    case none
    /// A causal self-attention's mask over the last two axes [… , T, T] (query i, key j): only the keys
    /// j ≤ i; the others get weight exactly 0, as PyTorch's `masked_fill(mask == 0, float('-inf'))`
    /// followed by `softmax`.
    case causal
}

/// Fused row-wise kernels of the softmax over the last axis: the value, and the Jacobian product
/// J v = c · y ⊙ (v − Σ_j y_j v_j) with J = c (diag(y) − y yᵀ) symmetric, so the same product is the
/// tangent (v = ẋ) and the backward (v = ȳ). One pass per row, no intermediate tensor.
extension Tensor {
    /// y = softmax(c·x) over the last axis, max-shifted (never overflows); under ``SoftmaxMask/causal``
    /// row i of each trailing T × T block is the softmax of its entries j ≤ i and zero beyond.
    public func softmaxLastAxis(scale c: Double, mask: SoftmaxMask) -> Tensor {
        precondition(rank >= 1, "softmaxLastAxis: expected rank ≥ 1, got shape \(shape)")
        let n = shape[rank - 1], rows = n == 0 ? 0 : count / n
        if mask == .causal {
            precondition(rank >= 2 && shape[rank - 2] == n, "softmaxLastAxis: a causal mask needs [… , T, T], got shape \(shape)")
        }
        return scalars.withUnsafeBufferPointer { src in
            Tensor.uninitialized(shape) { dst in
                for r in 0..<rows {
                    let base = r * n, kept = mask == .causal ? r % n + 1 : n
                    var m = -Double.infinity
                    for j in 0..<kept { m = Swift.max(m, c * src[base + j]) }
                    var s = 0.0
                    for j in 0..<kept {
                        let e = Foundation.exp(c * src[base + j] - m)
                        dst[base + j] = e
                        s += e
                    }
                    let inverse = 1 / s
                    for j in 0..<kept { dst[base + j] *= inverse }
                    for j in kept..<n { dst[base + j] = 0 }
                }
            }
        }
    }

    /// c · y ⊙ (v − Σ_j y_j v_j) row-wise over the last axis (`y` a softmax output, `v` of its shape).
    public static func softmaxJacobianProduct(_ y: Tensor, _ v: Tensor, scale c: Double) -> Tensor {
        precondition(y.shape == v.shape, "softmaxJacobianProduct: shapes \(y.shape) and \(v.shape) differ")
        let n = y.shape.last ?? 1, rows = n == 0 ? 0 : y.count / n
        return y.scalars.withUnsafeBufferPointer { py in
            v.scalars.withUnsafeBufferPointer { pv in
                Tensor.uninitialized(y.shape) { dst in
                    for r in 0..<rows {
                        let base = r * n
                        var s = 0.0
                        for j in 0..<n { s += py[base + j] * pv[base + j] }
                        for j in 0..<n { dst[base + j] = c * py[base + j] * (pv[base + j] - s) }
                    }
                }
            }
        }
    }

    /// The tangent of z = c · y ⊙ (g − Σ_j g_j y_j) in both arguments, row-wise:
    /// ż = c [y ⊙ (ġ − Σ ġ y) + ẏ ⊙ (g − Σ g y) − y Σ g ẏ] (a nil tangent is zero; at least one is given).
    public static func softmaxJacobianProductTangent(y: Tensor, g: Tensor, yDot: Tensor?, gDot: Tensor?, scale c: Double) -> Tensor {
        guard let yDot else { return softmaxJacobianProduct(y, gDot!, scale: c) }
        precondition(y.shape == g.shape && y.shape == yDot.shape && gDot.map { $0.shape == y.shape } != false,
                     "softmaxJacobianProductTangent: shapes differ")
        let n = y.shape.last ?? 1, rows = n == 0 ? 0 : y.count / n
        let gDotScalars = gDot?.scalars ?? []
        return y.scalars.withUnsafeBufferPointer { py in
            g.scalars.withUnsafeBufferPointer { pg in
                yDot.scalars.withUnsafeBufferPointer { pyd in
                    gDotScalars.withUnsafeBufferPointer { pgd in
                        Tensor.uninitialized(y.shape) { dst in
                            let hasGDot = !pgd.isEmpty
                            for r in 0..<rows {
                                let base = r * n
                                var gy = 0.0, gyd = 0.0, gdy = 0.0
                                for j in 0..<n {
                                    gy += pg[base + j] * py[base + j]
                                    gyd += pg[base + j] * pyd[base + j]
                                }
                                if hasGDot { for j in 0..<n { gdy += pgd[base + j] * py[base + j] } }
                                for j in 0..<n {
                                    var z = pyd[base + j] * (pg[base + j] - gy) - py[base + j] * gyd
                                    if hasGDot { z += py[base + j] * (pgd[base + j] - gdy) }
                                    dst[base + j] = c * z
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
