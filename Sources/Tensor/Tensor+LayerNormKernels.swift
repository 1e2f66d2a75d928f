import Foundation

/// Fused row-wise kernels of layer normalization over the last axis (no affine part), one pass per row:
/// ```
/// μ = (1/n) Σ_j x_j     σ² = (1/n) Σ_j (x_j − μ)²     r = (σ² + ε)^{−1/2}     x̂ = (x − μ) r
/// ```
/// and its Jacobian product J v = r (v − mean(v) − x̂ ⊙ mean(v ⊙ x̂)), J symmetric, so the same product
/// is the tangent (v = ẋ) and the backward (v = ȳ) (Ba et al. 2016; PyTorch's `F.layer_norm`).
extension Tensor {
    /// (x̂, r): x̂ of this tensor's shape and r with the last axis kept at extent 1. x̂ is computed as
    /// (x − μ)/√(σ² + ε), in the order of the composed form (sum × 1/n, then the division), so the value
    /// is the composed one bit for bit.
    public func layerNormalizedLastAxis(epsilon: Double) -> (normalized: Tensor, inverseDeviation: Tensor) {
        precondition(rank >= 1, "layerNormalizedLastAxis: expected rank ≥ 1, got shape \(shape)")
        let n = shape[rank - 1], rows = n == 0 ? 0 : count / n, scale = 1 / Double(n)
        var inverse = [Double](repeating: 0, count: rows)
        let normalized = scalars.withUnsafeBufferPointer { src in
            Tensor.uninitialized(shape) { dst in
                for r in 0..<rows {
                    let base = r * n
                    var s = 0.0
                    for j in 0..<n { s += src[base + j] }
                    let mean = s * scale
                    var q = 0.0
                    for j in 0..<n {
                        let c = src[base + j] - mean
                        dst[base + j] = c
                        q += c * c
                    }
                    let deviation = (q * scale + epsilon).squareRoot()
                    for j in 0..<n { dst[base + j] /= deviation }
                    inverse[r] = 1 / deviation
                }
            }
        }
        return (normalized, Tensor(shape: Array(shape.dropLast()) + [1], scalars: inverse))
    }

    /// r ⊙ (v − mean(v) − x̂ ⊙ mean(v ⊙ x̂)) row-wise over the last axis (`r` with the last axis at 1).
    public static func layerNormProduct(_ v: Tensor, normalized y: Tensor, inverseDeviation r: Tensor) -> Tensor {
        precondition(v.shape == y.shape && r.count * (y.shape.last ?? 1) == y.count,
                     "layerNormProduct: shapes \(v.shape), \(y.shape) and \(r.shape) do not match")
        let n = y.shape.last ?? 1, rows = n == 0 ? 0 : y.count / n, scale = 1 / Double(n)
        return v.scalars.withUnsafeBufferPointer { pv in
            y.scalars.withUnsafeBufferPointer { py in
                r.scalars.withUnsafeBufferPointer { pr in
                    Tensor.uninitialized(y.shape) { dst in
                        for row in 0..<rows {
                            let base = row * n
                            var sv = 0.0, svy = 0.0
                            for j in 0..<n { sv += pv[base + j]; svy += pv[base + j] * py[base + j] }
                            let (mv, mvy, ri) = (sv * scale, svy * scale, pr[row])
                            for j in 0..<n { dst[base + j] = ri * (pv[base + j] - mv - py[base + j] * mvy) }
                        }
                    }
                }
            }
        }
    }

    /// The tangent of F = r (g − mean g − x̂ mean(g x̂)), the backward of layer normalization, in g, x̂ and
    /// x (through r, ṙ/r = −r mean(x̂ ẋ)), row-wise, with `f` the value F:
    /// Ḟ = r [ġ − mean ġ − x̂ mean(ġ x̂) − ẋ̂ mean(g x̂) − x̂ mean(g ẋ̂)] − r mean(x̂ ẋ) F (a nil tangent is zero).
    public static func layerNormBackwardTangent(g: Tensor, normalized y: Tensor, inverseDeviation r: Tensor, value f: Tensor,
                                                gDot: Tensor?, yDot: Tensor?, xDot: Tensor?) -> Tensor {
        let n = y.shape.last ?? 1, rows = n == 0 ? 0 : y.count / n, scale = 1 / Double(n)
        precondition([g, f, gDot, yDot, xDot].allSatisfy { $0 == nil || $0!.shape == y.shape } && r.count == rows,
                     "layerNormBackwardTangent: shapes do not match \(y.shape)")
        let (gd, yd, xd) = (gDot?.scalars ?? [], yDot?.scalars ?? [], xDot?.scalars ?? [])
        return g.scalars.withUnsafeBufferPointer { pg in
            y.scalars.withUnsafeBufferPointer { py in
                r.scalars.withUnsafeBufferPointer { pr in
                    f.scalars.withUnsafeBufferPointer { pf in
                        gd.withUnsafeBufferPointer { pgd in
                            yd.withUnsafeBufferPointer { pyd in
                                xd.withUnsafeBufferPointer { pxd in
                                    Tensor.uninitialized(y.shape) { dst in
                                        let (hasG, hasY, hasX) = (!pgd.isEmpty, !pyd.isEmpty, !pxd.isEmpty)
                                        for row in 0..<rows {
                                            let base = row * n
                                            var sgd = 0.0, sgdy = 0.0, sgy = 0.0, sgyd = 0.0, syxd = 0.0
                                            for j in 0..<n {
                                                if hasG { sgd += pgd[base + j]; sgdy += pgd[base + j] * py[base + j] }
                                                if hasY { sgy += pg[base + j] * py[base + j]; sgyd += pg[base + j] * pyd[base + j] }
                                                if hasX { syxd += py[base + j] * pxd[base + j] }
                                            }
                                            let (mgd, mgdy, mgy, mgyd, myxd) = (sgd * scale, sgdy * scale, sgy * scale, sgyd * scale, syxd * scale)
                                            let ri = pr[row]
                                            for j in 0..<n {
                                                var z = 0.0
                                                if hasG { z += pgd[base + j] - mgd - py[base + j] * mgdy }
                                                if hasY { z -= pyd[base + j] * mgy + py[base + j] * mgyd }
                                                dst[base + j] = ri * (z - myxd * pf[base + j])
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
