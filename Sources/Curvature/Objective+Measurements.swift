import NN
import Tensor

/// The common measurements on any objective in one call each, with the estimators' defaults. Every
/// randomized estimator in BiasLab takes `seed:` (default 0) and draws from named streams of it, so the same
/// seed gives the same numbers and one estimator never shifts another's draws.
extension Objective {
    /// λ_max(∇²L_B(θ)), the largest Hessian eigenvalue, by Lanczos on exact Hessian–vector products
    /// (``lanczosEigenpairs(of:count:end:tolerance:maxIterations:initialVector:seed:)``, relative residual
    /// ≤ `tolerance`).
    public func largestHessianEigenvalue(at parameters: [Double], batch: [Int]? = nil, tolerance: Double = 1e-8,
                                         seed: UInt64 = 0) throws -> Double {
        try lanczosEigenpairs(of: HessianOperator(objective: self, at: parameters, batch: batch), count: 1,
                              tolerance: tolerance, seed: seed).eigenvalues[0]
    }

    /// tr ∇²L_B(θ): exact (d products on unit vectors) when `probes` ≥ d, else Hutchinson's estimate with
    /// `probes` Rademacher probes and its standard error
    /// (``hutchinsonTrace(of:probeCount:distribution:seed:blockSize:)``).
    public func hessianTrace(at parameters: [Double], batch: [Int]? = nil, probes: Int = 100, seed: UInt64 = 0) -> Estimate {
        precondition(probes >= 1, "hessianTrace: probes must be at least 1, got \(probes)")
        let hessian = HessianOperator(objective: self, at: parameters, batch: batch)
        if probes >= dimension { return Estimate(value: exactTrace(of: hessian), standardError: 0, sampleCount: dimension, seed: seed) }
        return hutchinsonTrace(of: hessian, probeCount: probes, seed: seed)
    }

    /// The gradient-noise statistics at θ over every sample (tr Σ, B_simple, ρ, …), from the per-sample squared
    /// norms ‖∇ℓᵢ(θ)‖² and the mean gradient, without the N × d matrix of per-sample gradients
    /// (``GradientNoiseStatistics/init(perSampleSquaredNorms:meanGradient:)``).
    public func gradientNoise(at parameters: [Double]) -> GradientNoiseStatistics {
        GradientNoiseStatistics(perSampleSquaredNorms: perSampleGradientSquaredNorms(at: parameters), meanGradient: gradient(at: parameters))
    }

    /// The exact interaction measures of paper 003 at θ over every sample (tr(H S₁), gᵀHg, IAS for any b,
    /// and the noise statistics with diag Σ), streamed: per-sample gradients `blockSize` at a time through
    /// the full-batch Hessian (``GradientInteraction/init(sampleCount:hessian:blockSize:perSampleGradients:)``),
    /// O(blockSize · d) memory and N Hessian–vector products.
    public func gradientInteraction(at parameters: [Double], blockSize: Int = 64) -> GradientInteraction {
        GradientInteraction(hessian: HessianOperator(objective: self, at: parameters), blockSize: blockSize)
    }

    /// The gradient-noise statistics at θ with diag Σ, streamed: per-sample gradients `blockSize` at a time
    /// (``GradientNoiseStatistics/init(sampleCount:blockSize:perSampleGradients:)``), O(blockSize · d) memory.
    public func gradientNoiseWithDiagonal(at parameters: [Double], blockSize: Int = 64) -> GradientNoiseStatistics {
        GradientNoiseStatistics(sampleCount: sampleCount, blockSize: blockSize) { perSampleGradients(at: parameters, batch: Array($0)) }
    }
}

extension GradientInteraction {
    /// Exact and streamed (``init(sampleCount:hessian:blockSize:perSampleGradients:)``) at the θ of a full-batch
    /// Hessian operator the caller already holds, so the operator's recorded pass serves these N products and the
    /// caller's others: the per-sample gradients of its objective at its θ, `blockSize` at a time.
    public init(hessian: HessianOperator, blockSize: Int = 64) {
        precondition(hessian.batch == nil, "GradientInteraction: the interaction needs the full-batch Hessian, got a batch of \(hessian.batch?.count ?? 0)")
        let (objective, parameters) = (hessian.objective, hessian.parameters)
        self.init(sampleCount: objective.sampleCount, hessian: hessian, blockSize: blockSize) {
            objective.perSampleGradients(at: parameters, batch: Array($0))
        }
    }
}
