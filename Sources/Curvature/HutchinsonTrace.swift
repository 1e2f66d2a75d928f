import Tensor

/// tr(A) by Hutchinson's estimator (Girard 1989, "A fast 'Monte-Carlo cross-validation' procedure
/// for large least squares problems with noisy data"; Hutchinson 1989, "A stochastic estimator of
/// the trace of the influence matrix for Laplacian smoothing splines").
///
/// ```
/// T̂ = (1/n) Σⱼ zⱼᵀ A zⱼ,   zⱼ i.i.d. with E[z zᵀ] = I
/// ```
///
/// **Unbiased** for any square A: E[zᵀAz] = E[tr(A z zᵀ)] = tr(A E[z zᵀ]) = tr(A).
///
/// **Variance** of T̂ for symmetric A:
/// - Rademacher probes: 2(‖A‖_F² − Σᵢ Aᵢᵢ²)/n (the diagonal contributes nothing, since zᵢ² = 1);
/// - Gaussian probes: 2‖A‖_F²/n.
///
/// The returned standard error is the sample estimate s/√n of these (NaN for n = 1); its
/// `sampleCount` is n, the number of operator applications. Relative error falls only like 1/√n;
/// for matrices whose trace is dominated by a few large eigenvalues
/// ``hutchPlusPlusTrace(of:budget:distribution:seed:blockSize:)`` does far better for the same
/// budget. With n ≥ d probes the exact trace (``exactTrace(of:blockSize:)``, d applications on unit
/// vectors) costs no more and should be preferred; this function does not refuse such a budget, as
/// curvlinops does, because a block product may make probes cheaper than unit vectors, but a caller
/// with that choice should take the exact route. ``hutchinsonTrace(of:probes:blockSize:)`` is the same
/// estimator on probes the caller supplies.
///
/// - Parameters:
///   - probeCount: n ≥ 1.
///   - distribution: default ``ProbeDistribution/rademacher`` (the lower-variance choice, PyHessian's).
///   - seed: probes come from stream "curvature/hutchinson-trace" of this seed.
///   - blockSize: probes per block product (default 32).
public func hutchinsonTrace(of matrix: some LinearOperator,
                            probeCount: Int,
                            distribution: ProbeDistribution = .rademacher,
                            seed: UInt64 = 0,
                            blockSize: Int = 32) -> Estimate {
    precondition(probeCount >= 1, "hutchinsonTrace: probeCount must be at least 1, got \(probeCount)")
    var generator = estimatorGenerator(seed: seed, name: "hutchinson-trace")
    let samples = probeQuadraticForms(of: matrix, count: probeCount, distribution: distribution,
                                      generator: &generator, blockSize: blockSize)
    return Estimate(samples: samples, seed: seed)
}

/// tr(A) by Hutchinson's estimator on probes the caller supplies: the rows z₁ … zₙ of `probes` (n × d),
///
/// ```
/// T̂ = (1/n) Σⱼ zⱼᵀ A zⱼ,   SE = s/√n,   s² = Σⱼ (zⱼᵀ A zⱼ − T̂)² / (n − 1)   (NaN for n = 1)
/// ```
///
/// This is the estimator of ``hutchinsonTrace(of:probeCount:distribution:seed:blockSize:)`` without
/// the drawing: that function is this one on the probes it draws (stream "curvature/hutchinson-trace"
/// of its seed, rows in drawing order), up to the recorded seed. T̂ is unbiased when the rows are
/// i.i.d. with E[z zᵀ] = I; given probes serve to compare implementations on identical probes
/// (`make bench` W8) or to use a deterministic design — e.g. all 2ᵈ sign vectors of ℝᵈ, over which
/// (1/2ᵈ) Σ_z zᵢzₖ = δᵢₖ, so T̂ = tr(A) exactly.
///
/// - Parameters:
///   - probes: n × d with n ≥ 1 and d = `matrix.dimension`.
///   - blockSize: probes per block product (default 32).
/// - Returns: T̂ with `sampleCount` n (operator applications) and `seed` 0 (no random stream was used).
public func hutchinsonTrace(of matrix: some LinearOperator, probes: Tensor, blockSize: Int = 32) -> Estimate {
    precondition(probes.rank == 2 && probes.shape[0] >= 1 && probes.shape[1] == matrix.dimension,
                 "hutchinsonTrace: expected n × \(matrix.dimension) probes with n ≥ 1, got shape \(probes.shape)")
    let samples = probeQuadraticForms(of: matrix, count: probes.shape[0], blockSize: blockSize) { range in
        probes.rows(Array(range))
    }
    return Estimate(samples: samples, seed: 0)
}
