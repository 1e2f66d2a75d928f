import Tensor

/// tr(A) by Hutch++ (Meyer, Musco, Musco & Woodruff 2021, "Hutch++: Optimal Stochastic Trace
/// Estimation", SOSA, arXiv 2010.09649, Algorithm 1).
///
/// With a budget of m operator applications, s = ⌊m/3⌋ sketch probes and g = m − 2s residual probes:
/// ```
/// S  = [s₁ … s_s]                       random probes
/// Q  = orth(A S)                        orthonormal basis of the sketch (d × r, r ≤ s)
/// T̂ = tr(Qᵀ A Q) + (1/g) Σⱼ gⱼᵀ (I − QQᵀ) A (I − QQᵀ) gⱼ
/// ```
/// The first term is the exact trace of A on the sketched subspace (r applications); the second is
/// Hutchinson's estimator on the deflated remainder (I − QQᵀ) A (I − QQᵀ).
///
/// **Unbiased** for any S (the second term is unbiased given Q). **Variance** is that of Hutchinson
/// on the deflated matrix Ã = (I − QQᵀ) A (I − QQᵀ): 2(‖Ã‖_F² − Σᵢ Ãᵢᵢ²)/g for Rademacher probes,
/// 2‖Ã‖_F²/g for Gaussian. When A's Frobenius norm sits in a few large eigenvalues (the usual
/// Hessian spectrum: a handful of outliers over a bulk near 0), the sketch removes them and Ã is
/// small. For PSD A, Hutch++ reaches relative error ε with O(1/ε) products against O(1/ε²) for
/// Hutchinson (Theorem 1.1 there).
///
/// The standard error comes from the g residual samples; `sampleCount` is the number of operator
/// applications actually spent (s + r + g ≤ m).
///
/// - Parameters:
///   - budget: m ≥ 3 operator applications.
///   - distribution: for both S and the residual probes (default Rademacher, the paper's choice).
///   - seed: probes come from stream "curvature/hutch-plus-plus" of this seed.
///   - blockSize: probes per block product (default 32).
public func hutchPlusPlusTrace(of matrix: some LinearOperator,
                               budget: Int,
                               distribution: ProbeDistribution = .rademacher,
                               seed: UInt64 = 0,
                               blockSize: Int = 32) -> Estimate {
    precondition(budget >= 3, "hutchPlusPlusTrace: budget must be at least 3 operator applications, got \(budget)")
    let d = matrix.dimension
    let sketchCount = budget / 3
    let residualCount = budget - 2 * sketchCount
    var generator = estimatorGenerator(seed: seed, name: "hutch-plus-plus")

    var sketch = [[Double]]()
    forEachProbeBlock(of: matrix, count: sketchCount, distribution: distribution,
                      generator: &generator, blockSize: blockSize) { _, products in
        sketch.append(contentsOf: rowVectors(of: products))
    }
    let basis = orthonormalRows(sketch)
    var sketchedTrace = 0.0
    for range in blockRanges(count: basis.count, blockSize: blockSize) {
        let block = blockOfRows(Array(basis[range]), dimension: d)
        sketchedTrace += rowwiseDots(block, matrix.apply(rowsOf: block)).reduce(0, +)
    }
    let residualSamples = probeQuadraticForms(of: matrix, count: residualCount, distribution: distribution,
                                              generator: &generator, blockSize: blockSize) { probes in
        projectingOut(basis, from: probes)
    }
    let residual = SampleMoments(residualSamples)
    return Estimate(value: sketchedTrace + residual.mean, standardError: residual.standardErrorOfMean,
                    sampleCount: sketchCount + basis.count + residualCount, seed: seed)
}

/// An orthonormal basis of span(`vectors`), by modified Gram–Schmidt applied twice; a vector that
/// loses all but 10⁻¹⁰ of its norm to the ones before it is dropped as dependent.
func orthonormalRows(_ vectors: [[Double]]) -> [[Double]] {
    var basis = [[Double]]()
    for vector in vectors {
        var w = vector
        let original = VectorOps.norm(w)
        for _ in 0..<2 {
            for q in basis { VectorOps.axpy(-VectorOps.dot(q, w), q, &w) }
        }
        let norm = VectorOps.norm(w)
        if norm > 1e-10 * original && norm > 0 { basis.append(VectorOps.scaled(w, by: 1 / norm)) }
    }
    return basis
}

/// The rows of `block` (k × d) with their components along the orthonormal `basis` removed:
/// V (I − QQᵀ).
func projectingOut(_ basis: [[Double]], from block: Tensor) -> Tensor {
    guard !basis.isEmpty else { return block }
    let q = blockOfRows(basis, dimension: block.shape[1])
    var result = block
    let coefficients = Tensor.matmul(block, q, transposeB: true)
    Tensor.gemm(coefficients, q, into: &result, alpha: -1, beta: 1)
    return result
}
