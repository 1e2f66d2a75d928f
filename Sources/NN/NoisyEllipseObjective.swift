import Foundation
import Tensor

/// The noisy ellipse of paper 002 (§3, Fig. 1), in the reconstruction of digest 002 §6.1 (the paper's
/// formula is OCR-garbled), in closed form:
/// ```
/// f(x, y) = p²/(2a²) + q²/(2b²),   p = x + y,  q = x − y        (a rotated ellipse; Γ = {f = c})
/// ℓ_ξ(θ) = ½ (f(θ) − c − ξ)²,   ξ ∈ {+δ, −δ}
/// ```
/// The label noise is the sample: sample 0 has ξ = +δ and sample 1 has ξ = −δ, so drawing one sample
/// uniformly per step is the paper's fresh ξ ~ Unif{±δ} (δ = 0.5 in the paper), and the full-batch loss is
/// the expected loss ½(f − c)² + ½δ². With r = f − c − ξ:
/// ```
/// ∇ℓ_ξ = r ∇f,   ∇f = (p/a² + q/b², p/a² − q/b²)
/// ∇²ℓ_ξ = ∇f ∇fᵀ + r ∇²f,   ∇²f = [[1/a² + 1/b², 1/a² − 1/b²], [1/a² − 1/b², 1/a² + 1/b²]]
/// ```
/// On Γ the Hessian is H = ∇f∇fᵀ and the per-sample gradient covariance is Σ = δ²H (α = δ² for one
/// sample per step, δ²/B for B drawn with replacement). Digest 002 §6.1 predicts SGD's limit
/// ``sgdLimit`` and Adam's ``adamLimit`` (defaults a = 2, b = 1, c = ½, δ = ½ are the digest's numerical check).
public struct NoisyEllipseObjective: Objective, Codable, Equatable {
    public let a: Double
    public let b: Double
    public let c: Double
    /// δ, the label-noise amplitude.
    public let delta: Double

    public init(a: Double = 2, b: Double = 1, c: Double = 0.5, delta: Double = 0.5) {
        precondition(a > 0 && b > 0 && c > 0 && delta >= 0,
                     "NoisyEllipseObjective: need a, b, c > 0 and δ ≥ 0, got a = \(a), b = \(b), c = \(c), δ = \(delta)")
        self.a = a
        self.b = b
        self.c = c
        self.delta = delta
    }

    public var dimension: Int { 2 }
    /// Two samples, ξ = +δ and ξ = −δ.
    public var sampleCount: Int { 2 }
    public var blocks: [ParameterBlock] { ParameterBlock.whole(2) }

    /// ξ of each sample.
    public var noiseValues: [Double] { [delta, -delta] }

    /// f(θ) and ∇f(θ).
    public func ellipse(at parameters: [Double]) -> (value: Double, gradient: [Double]) {
        precondition(parameters.count == 2, "NoisyEllipseObjective: θ has \(parameters.count) entries, expected 2")
        let p = parameters[0] + parameters[1], q = parameters[0] - parameters[1]
        let a2 = a * a, b2 = b * b
        return (p * p / (2 * a2) + q * q / (2 * b2), [p / a2 + q / b2, p / a2 - q / b2])
    }

    /// ∇²f (constant).
    public var ellipseHessian: [[Double]] {
        let s = 1 / (a * a) + 1 / (b * b), t = 1 / (a * a) - 1 / (b * b)
        return [[s, t], [t, s]]
    }

    /// The limit of label-noise SGD (digest 002 §6.1): the tip of the long axis, x = y = a√(c/2) (a > b).
    public var sgdLimit: [Double] {
        let x = a * (c / 2).squareRoot()
        return [x, x]
    }

    /// The limit of label-noise Adam (digest 002 §6.1): on Γ with |p|/a² = |q|/b², i.e.
    /// t = √(2c/(a² + b²)), p = a²t, q = b²t, θ = ((p + q)/2, (p − q)/2).
    public var adamLimit: [Double] {
        let t = (2 * c / (a * a + b * b)).squareRoot()
        let p = a * a * t, q = b * b * t
        return [(p + q) / 2, (p - q) / 2]
    }

    /// The point of Γ at angle φ: p = a√(2c) cos φ, q = b√(2c) sin φ, θ = ((p + q)/2, (p − q)/2). φ = 0 is the
    /// tip ``sgdLimit``; φ ∈ [0, π/2] is the quarter of Γ with p, q ≥ 0 (the one the study's start lies in).
    public func point(atAngle phi: Double) -> [Double] {
        let p = a * (2 * c).squareRoot() * cos(phi), q = b * (2 * c).squareRoot() * sin(phi)
        return [(p + q) / 2, (p - q) / 2]
    }

    /// The angle φ of θ (the inverse of ``point(atAngle:)`` on Γ; off Γ, the angle of its radial projection).
    public func angle(of parameters: [Double]) -> Double {
        let p = parameters[0] + parameters[1], q = parameters[0] - parameters[1]
        return atan2(q / b, p / a)
    }

    /// tr(Diag(H)^{1−λ}) = |∂ₓf|^{2(1−λ)} + |∂ᵧf|^{2(1−λ)} with H = ∇f∇fᵀ (the Hessian on Γ): the regularizer
    /// label-noise AdamE-λ minimizes (paper 002 Thm 5.2; λ = 0: tr H, SGD; λ = ½: tr(Diag H^{1/2}), Adam).
    public func diagonalPowerTrace(at parameters: [Double], exponent lambda: Double) -> Double {
        let g = ellipse(at: parameters).gradient
        let s = 2 * (1 - lambda)
        return pow(abs(g[0]), s) + pow(abs(g[1]), s)
    }

    /// The limit of label-noise AdamE-λ (paper 002 Thm 5.2, digest 002 §6.1 and oracle 8): the minimizer of
    /// ``diagonalPowerTrace(at:exponent:)`` on the quarter φ ∈ [0, π/2] of Γ, found by a search over
    /// `cells` + 1 equally spaced angles refined by golden-section search on the two cells around the best one.
    /// λ = 0 gives ``sgdLimit``; for λ ≥ ½ the minimizer is ``adamLimit`` (the regularizer is concave in |∇f|
    /// there); for a = 2, b = 1 it leaves the tip between λ = 0.375 and 0.4.
    public func adamELimit(exponent lambda: Double, cells: Int = 20_000) -> [Double] {
        precondition((0..<1).contains(lambda) && cells > 1, "adamELimit: need λ ∈ [0, 1) and cells > 1, got λ = \(lambda), cells = \(cells)")
        let width = Double.pi / 2 / Double(cells)
        let value = { (phi: Double) in self.diagonalPowerTrace(at: self.point(atAngle: phi), exponent: lambda) }
        let best = (0...cells).min { value(Double($0) * width) < value(Double($1) * width) }!
        var (lo, hi) = (Double(max(best - 1, 0)) * width, Double(min(best + 1, cells)) * width)
        let golden = (5.0.squareRoot() - 1) / 2
        for _ in 0..<80 {
            let m1 = hi - golden * (hi - lo), m2 = lo + golden * (hi - lo)
            if value(m1) <= value(m2) { hi = m2 } else { lo = m1 }
        }
        return point(atAngle: (lo + hi) / 2)
    }

    /// α with Σ = αH on Γ for a batch of `batchSize` samples drawn with replacement: δ²/B.
    public func labelNoiseCovarianceFactor(batchSize: Int = 1) -> Double { delta * delta / Double(batchSize) }

    func residual(_ f: Double, sample i: Int) -> Double { f - c - noiseValues[i] }

    public func perSampleLosses(at parameters: [Double], batch: [Int]?) -> [Double] {
        let f = ellipse(at: parameters).value
        return indices(of: batch).map { let r = residual(f, sample: $0); return 0.5 * r * r }
    }

    public func valueAndGradient(at parameters: [Double], batch: [Int]?) -> (value: Double, gradient: [Double]) {
        let rows = indices(of: batch)
        let (f, gf) = ellipse(at: parameters)
        let r = rows.map { residual(f, sample: $0) }
        let meanR = r.reduce(0, +) / Double(rows.count)
        let value = r.reduce(0) { $0 + 0.5 * $1 * $1 } / Double(rows.count)
        return (value, VectorOps.scaled(gf, by: meanR))
    }

    /// (∇f∇fᵀ + r̄ ∇²f) v with r̄ the batch-mean residual.
    func hessianProduct(_ v: [Double], f: Double, gradient gf: [Double], meanResidual r: Double) -> [Double] {
        precondition(v.count == 2, "hessianVectorProduct: direction has \(v.count) entries, expected 2")
        let gv = VectorOps.dot(gf, v)
        let h = ellipseHessian
        return (0..<2).map { i in gf[i] * gv + r * (h[i][0] * v[0] + h[i][1] * v[1]) }
    }

    public func hessianVectorProducts(at parameters: [Double], along directions: [[Double]], batch: [Int]?) -> [[Double]] {
        let rows = indices(of: batch)
        let (f, gf) = ellipse(at: parameters)
        let meanR = rows.reduce(0) { $0 + residual(f, sample: $1) } / Double(rows.count)
        return directions.map { hessianProduct($0, f: f, gradient: gf, meanResidual: meanR) }
    }

    public func perSampleGradients(at parameters: [Double], batch: [Int]?) -> Tensor {
        let rows = indices(of: batch)
        let (f, gf) = ellipse(at: parameters)
        return Tensor(shape: [rows.count, 2], scalars: rows.flatMap { VectorOps.scaled(gf, by: residual(f, sample: $0)) })
    }

    public func perSampleHessianVectorProducts(at parameters: [Double], along direction: [Double], batch: [Int]?) -> Tensor {
        let rows = indices(of: batch)
        let (f, gf) = ellipse(at: parameters)
        return Tensor(shape: [rows.count, 2], scalars: rows.flatMap {
            hessianProduct(direction, f: f, gradient: gf, meanResidual: residual(f, sample: $0))
        })
    }
}
