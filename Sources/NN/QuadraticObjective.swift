import Tensor

/// A quadratic objective with a known gradient-noise model, in closed form (no autodiff):
/// ```
/// ℓ_i(θ) = ½ (θ − θ*)ᵀ H (θ − θ*) + ξ_iᵀ (θ − θ*)          i = 1…N,   Σ_i ξ_i = 0
/// L_B(θ) = ½ δᵀHδ + ξ̄_Bᵀδ,   ∇L_B = Hδ + ξ̄_B,   ∇²L_B = H       (δ = θ − θ*, ξ̄_B the batch mean of ξ_i)
/// ```
/// Every sample has the same Hessian H; the per-sample gradients ∇ℓ_i = Hδ + ξ_i differ by the fixed
/// offsets ξ_i, so the full-batch loss is exactly ½δᵀHδ (minimum 0 at θ*) and the covariance of one
/// uniformly sampled per-sample gradient is, at every θ,
/// ```
/// Σ = (1/N) Σ_i ξ_i ξ_iᵀ        (``gradientNoiseCovariance``; a batch of B drawn with replacement: Σ/B)
/// ```
/// The offsets given to the initializer are centred (their mean is subtracted), so Σ_i ξ_i = 0 holds
/// exactly. Without offsets N = 1 and ξ_1 = 0 (the noiseless quadratic).
///
/// ``edgeOfStabilityToy(alpha:)`` is paper 003's Fig. 22 toy L = θ₁² + 16α θ₂² (α = 1.1: θ₁² + 17.6 θ₂²).
public struct QuadraticObjective: Objective, Equatable {
    /// H, stored diagonally when it is diagonal.
    public enum Hessian: Sendable, Equatable {
        case diagonal([Double])
        /// A symmetric d × d matrix.
        case dense(Tensor)

        public var dimension: Int {
            switch self {
            case .diagonal(let h): return h.count
            case .dense(let h): return h.shape[0]
            }
        }

        /// H·v.
        public func apply(_ v: [Double]) -> [Double] {
            switch self {
            case .diagonal(let h): return zip(h, v).map { $0 * $1 }
            case .dense(let h): return Tensor.matvec(h, Tensor(v)).scalars
            }
        }

        /// H as a dense matrix.
        public var matrix: Tensor {
            switch self {
            case .diagonal(let h):
                var m = Tensor.zeros([h.count, h.count])
                for (i, x) in h.enumerated() { m.scalars[i * h.count + i] = x }
                return m
            case .dense(let h): return h
            }
        }
    }

    public let hessian: Hessian
    /// θ*, the minimizer of the full-batch loss.
    public let minimizer: [Double]
    /// ξ_i as rows [N, d], centred so that Σ_i ξ_i = 0.
    public let offsets: Tensor

    /// - Parameters:
    ///   - hessian: H (a dense H must be square and symmetric).
    ///   - minimizer: θ* (zeros by default).
    ///   - offsets: the per-sample gradient offsets ξ_i as rows [N, d]; they are centred. nil: N = 1, ξ = 0.
    public init(hessian: Hessian, minimizer: [Double]? = nil, offsets: Tensor? = nil) {
        let d = hessian.dimension
        if case .dense(let h) = hessian {
            precondition(h.shape == [d, d], "QuadraticObjective: dense Hessian of shape \(h.shape) is not square")
            precondition(Tensor.zipMap(h, h.transposed()) { Swift.abs($0 - $1) }.scalars.allSatisfy { $0 <= 1e-12 * (1 + h.scalars.map(Swift.abs).max()!) },
                         "QuadraticObjective: the dense Hessian is not symmetric")
        }
        let theta0 = minimizer ?? [Double](repeating: 0, count: d)
        precondition(theta0.count == d, "QuadraticObjective: minimizer has \(theta0.count) entries, expected \(d)")
        var xi = offsets ?? Tensor.zeros([1, d])
        precondition(xi.rank == 2 && xi.shape[1] == d && xi.shape[0] > 0,
                     "QuadraticObjective: offsets of shape \(xi.shape), expected [N, \(d)]")
        let mean = xi.sum(axis: 0).scalars.map { $0 / Double(xi.shape[0]) }
        for i in 0..<xi.shape[0] { for j in 0..<d { xi.scalars[i * d + j] -= mean[j] } }
        self.hessian = hessian
        self.minimizer = theta0
        self.offsets = xi
    }

    /// Offsets ξ_i = σ·z_i (z_i ~ N(0, I_d) from `seed`, stream "quadratic-noise"), then centred: Σ ≈ σ²I.
    public static func withGaussianOffsets(hessian: Hessian, minimizer: [Double]? = nil, samples: Int,
                                           standardDeviation sigma: Double, seed: UInt64) -> QuadraticObjective {
        precondition(samples > 0, "QuadraticObjective: samples must be positive, got \(samples)")
        var rng = RandomGenerator(seed: seed, stream: "quadratic-noise")
        let d = hessian.dimension
        let xi = Tensor(shape: [samples, d], scalars: rng.gaussians(samples * d).map { sigma * $0 })
        return QuadraticObjective(hessian: hessian, minimizer: minimizer, offsets: xi)
    }

    /// Paper 003's Fig. 22 toy (digest 003 §6): L(θ) = θ₁² + 16α θ₂², H = diag(2, 32α); α = 1.1 gives
    /// θ₁² + 17.6 θ₂² and λ₁ = 35.2. GD with η = 1/16 from (3, 0.1) (``edgeOfStabilityToyStart``) is the
    /// paper's run.
    public static func edgeOfStabilityToy(alpha: Double = 1.1) -> QuadraticObjective {
        QuadraticObjective(hessian: .diagonal([2, 32 * alpha]))
    }

    /// θ₀ = (3, 0.1), the start of paper 003's Fig. 22 run.
    public static let edgeOfStabilityToyStart: [Double] = [3, 0.1]

    public var dimension: Int { hessian.dimension }
    public var sampleCount: Int { offsets.shape[0] }
    public var blocks: [ParameterBlock] { ParameterBlock.whole(dimension) }

    /// Σ = (1/N) Σ_i ξ_i ξ_iᵀ, the covariance of one uniformly sampled per-sample gradient (any θ).
    public var gradientNoiseCovariance: Tensor {
        Tensor.matmul(offsets, offsets, transposeA: true) * (1 / Double(sampleCount))
    }

    func displacement(_ parameters: [Double]) -> [Double] {
        precondition(parameters.count == dimension, "QuadraticObjective: θ has \(parameters.count) entries, expected \(dimension)")
        return VectorOps.subtract(parameters, minimizer)
    }

    func offset(_ i: Int) -> [Double] {
        Array(offsets.scalars[(i * dimension)..<((i + 1) * dimension)])
    }

    public func valueAndGradient(at parameters: [Double], batch: [Int]?) -> (value: Double, gradient: [Double]) {
        let delta = displacement(parameters)
        let hDelta = hessian.apply(delta)
        let rows = indices(of: batch)
        var meanOffset = [Double](repeating: 0, count: dimension)
        for i in rows { VectorOps.axpy(1 / Double(rows.count), offset(i), &meanOffset) }
        let value = 0.5 * VectorOps.dot(delta, hDelta) + VectorOps.dot(meanOffset, delta)
        return (value, VectorOps.add(hDelta, meanOffset))
    }

    public func hessianVectorProducts(at parameters: [Double], along directions: [[Double]], batch: [Int]?) -> [[Double]] {
        directions.map { v in
            precondition(v.count == dimension, "hessianVectorProduct: direction has \(v.count) entries, expected \(dimension)")
            return hessian.apply(v)
        }
    }

    public func perSampleGradients(at parameters: [Double], batch: [Int]?) -> Tensor {
        let hDelta = hessian.apply(displacement(parameters))
        let rows = indices(of: batch)
        return Tensor(shape: [rows.count, dimension], scalars: rows.flatMap { VectorOps.add(hDelta, offset($0)) })
    }

    public func perSampleHessianVectorProducts(at parameters: [Double], along direction: [Double], batch: [Int]?) -> Tensor {
        let hv = hessianVectorProducts(at: parameters, along: [direction], batch: batch)[0]
        let rows = indices(of: batch)
        return Tensor(shape: [rows.count, dimension], scalars: Array(rows.map { _ in hv }.joined()))
    }

    public func perSampleLosses(at parameters: [Double], batch: [Int]?) -> [Double] {
        let delta = displacement(parameters)
        let quadratic = 0.5 * VectorOps.dot(delta, hessian.apply(delta))
        return indices(of: batch).map { quadratic + VectorOps.dot(offset($0), delta) }
    }
}
