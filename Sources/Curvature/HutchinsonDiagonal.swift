import Tensor

/// diag(A) by the stochastic diagonal estimator of Bekas, Kokiopoulou & Saad (2007, "An estimator
/// for the diagonal of a matrix", Applied Numerical Mathematics 57, eq. (2.2)), the diagonal form of
/// Hutchinson's estimator.
///
/// ```
/// D̂ᵢ = (1/n) Σⱼ zⱼᵢ (A zⱼ)ᵢ,   zⱼ i.i.d. with E[z zᵀ] = I
/// ```
///
/// **Unbiased** for every entry: E[zᵢ (Az)ᵢ] = Σₖ Aᵢₖ E[zᵢ zₖ] = Aᵢᵢ.
///
/// **Variance** of entry i, for symmetric A:
/// - Rademacher probes: Σ_{k≠i} Aᵢₖ² / n (zᵢ² = 1 removes the diagonal's own contribution);
/// - Gaussian probes: (2Aᵢᵢ² + Σ_{k≠i} Aᵢₖ²) / n.
///
/// Each entry's standard error is the sample estimate over the n probes. A nonlinear function of a
/// noisy diagonal is biased: tr(Diag(A)^{1/2}) from this estimate is biased **downward** (Jensen;
/// digest 002 §4.7), so for adaptive sharpness prefer ``exactDiagonal(of:blockSize:)`` when d
/// operator applications are affordable. `sampleCount` is n, the number of operator applications.
///
/// - Parameters:
///   - probeCount: n ≥ 1.
///   - distribution: default Rademacher (the lower-variance choice).
///   - seed: probes come from stream "curvature/hutchinson-diagonal" of this seed.
///   - blockSize: probes per block product (default 32).
public func hutchinsonDiagonal(of matrix: some LinearOperator,
                               probeCount: Int,
                               distribution: ProbeDistribution = .rademacher,
                               seed: UInt64 = 0,
                               blockSize: Int = 32) -> VectorEstimate {
    precondition(probeCount >= 1, "hutchinsonDiagonal: probeCount must be at least 1, got \(probeCount)")
    let d = matrix.dimension
    var generator = estimatorGenerator(seed: seed, name: "hutchinson-diagonal")
    var moments = [SampleMoments](repeating: SampleMoments(), count: d)
    forEachProbeBlock(of: matrix, count: probeCount, distribution: distribution,
                      generator: &generator, blockSize: blockSize) { probes, products in
        for j in 0..<probes.shape[0] {
            for i in 0..<d { moments[i].add(probes.scalars[j * d + i] * products.scalars[j * d + i]) }
        }
    }
    return VectorEstimate(values: moments.map(\.mean), standardErrors: moments.map(\.standardErrorOfMean),
                          sampleCount: probeCount, seed: seed)
}
