import Foundation
import NN
import Tensor

/// A per-sample analytic objective with closed-form gradients and Hessians, for the memory and noise tests:
///
/// ```
/// ℓ_p(θ) = ½θᵀAθ + ¼κ Σ θ_i⁴ + cᵀθ + σ(u_pᵀθ + ½ Σ_i v_{p,i} θ_i² + ⅙ Σ_i w_{p,i} θ_i³)
/// ∇ℓ_p   = Aθ + κθ³ + c + σ(u_p + v_p ⊙ θ + ½ w_p ⊙ θ²)
/// ∇²ℓ_p  = A + diag(3κθ² + σ(v_p + w_p ⊙ θ))
/// ```
/// With N = 1 and σ = 0 it is digest 001 §4.3's toy problem.
struct AnalyticObjective: Objective {
    let a: [[Double]]
    let kappa: Double
    let c: [Double]
    let sigma: Double
    let u: [[Double]], v: [[Double]], w: [[Double]]

    var dimension: Int { c.count }
    var sampleCount: Int { u.count }
    var blocks: [ParameterBlock] { [] }

    /// Digest 001 §4.3: A = [[2,0.5,0],[0.5,1,0.3],[0,0.3,1.5]], c = (0.2,−0.1,0.3), θ⁽⁰⁾ = (1,−0.7,0.5).
    static let toy = AnalyticObjective(a: [[2, 0.5, 0], [0.5, 1, 0.3], [0, 0.3, 1.5]], kappa: 1, c: [0.2, -0.1, 0.3],
                                       sigma: 0, u: [[0, 0, 0]], v: [[0, 0, 0]], w: [[0, 0, 0]])
    static let toyStart: [Double] = [1, -0.7, 0.5]

    /// The toy problem plus centred per-sample perturbations (N samples, fixed seed).
    static func noisy(samples n: Int, sigma: Double, seed: UInt64 = 5) -> AnalyticObjective {
        var rng = RandomGenerator(seed: seed)
        func centred() -> [[Double]] {
            let raw = (0..<n).map { _ in rng.gaussians(3) }
            let mean = (0..<3).map { j in raw.reduce(0) { $0 + $1[j] } / Double(n) }
            return raw.map { r in (0..<3).map { r[$0] - mean[$0] } }
        }
        return AnalyticObjective(a: toy.a, kappa: 1, c: toy.c, sigma: sigma, u: centred(), v: centred(), w: centred())
    }

    func sampleGradient(_ p: Int, _ t: [Double]) -> [Double] {
        (0..<dimension).map { i -> Double in
            let linear: Double = (0..<dimension).reduce(0) { $0 + a[i][$1] * t[$1] }
            let perturbation: Double = u[p][i] + v[p][i] * t[i] + 0.5 * w[p][i] * t[i] * t[i]
            return linear + kappa * t[i] * t[i] * t[i] + c[i] + sigma * perturbation
        }
    }

    func sampleHessian(_ p: Int, _ t: [Double]) -> [[Double]] {
        (0..<dimension).map { i in
            (0..<dimension).map { j in a[i][j] + (i == j ? 3 * kappa * t[i] * t[i] + sigma * (v[p][i] + w[p][i] * t[i]) : 0) }
        }
    }

    func sampleLoss(_ p: Int, _ t: [Double]) -> Double {
        var value = 0.0
        for i in 0..<dimension {
            for j in 0..<dimension { value += 0.5 * t[i] * a[i][j] * t[j] }
            let quartic: Double = 0.25 * kappa * pow(t[i], 4) + c[i] * t[i]
            let perturbation: Double = u[p][i] * t[i] + 0.5 * v[p][i] * t[i] * t[i] + w[p][i] * pow(t[i], 3) / 6
            value += quartic + sigma * perturbation
        }
        return value
    }

    func perSampleLosses(at parameters: [Double], batch: [Int]?) -> [Double] {
        indices(of: batch).map { sampleLoss($0, parameters) }
    }

    func valueAndGradient(at parameters: [Double], batch: [Int]?) -> (value: Double, gradient: [Double]) {
        let idx = indices(of: batch)
        var g = [Double](repeating: 0, count: dimension)
        for p in idx { VectorOps.axpy(1 / Double(idx.count), sampleGradient(p, parameters), &g) }
        return (perSampleLosses(at: parameters, batch: batch).reduce(0, +) / Double(idx.count), g)
    }

    func hessianVectorProducts(at parameters: [Double], along directions: [[Double]], batch: [Int]?) -> [[Double]] {
        let idx = indices(of: batch)
        var h = [[Double]](repeating: [Double](repeating: 0, count: dimension), count: dimension)
        for p in idx {
            let hp = sampleHessian(p, parameters)
            for i in 0..<dimension { for j in 0..<dimension { h[i][j] += hp[i][j] / Double(idx.count) } }
        }
        return directions.map { x in h.map { row in zip(row, x).reduce(0) { $0 + $1.0 * $1.1 } } }
    }

    func perSampleGradients(at parameters: [Double], batch: [Int]?) -> Tensor {
        let idx = indices(of: batch)
        return Tensor(shape: [idx.count, dimension], scalars: idx.flatMap { sampleGradient($0, parameters) })
    }

    func perSampleHessianVectorProducts(at parameters: [Double], along direction: [Double], batch: [Int]?) -> Tensor {
        let idx = indices(of: batch)
        return Tensor(shape: [idx.count, dimension], scalars: idx.flatMap { p in
            sampleHessian(p, parameters).map { row in zip(row, direction).reduce(0) { $0 + $1.0 * $1.1 } }
        })
    }
}
