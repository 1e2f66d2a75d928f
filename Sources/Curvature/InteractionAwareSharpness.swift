import DataIO
import Tensor

/// The interaction measures of paper 003 (Lee & Jang, ICLR 2023, "A new characterization of the edge
/// of stability based on a sharpness measure aware of batch gradient distribution"; digest 003 §2.3
/// and §3), computed **exactly** from the N per-sample gradients gᵢ and the full-batch Hessian H.
///
/// ```
/// tr(H S₁)  = (1/N) Σᵢ gᵢᵀ H gᵢ                       single-sample interaction
/// tr(H S_N) = gᵀ H g                                   full-batch interaction
/// tr(H S_b) = (γ/b) tr(H S₁) + (1 − γ/b) tr(H S_N)      γ = γ_{N,b} (003 §5)
/// IAS       = ‖H‖_{S_b} = tr(H S_b) / tr(S_b)          interaction-aware sharpness (003 eq. (2))
/// ```
/// IAS is a Rayleigh quotient of H averaged over S_b, so λ_min(H) ≤ IAS ≤ λ₁(H). For GD (b = N,
/// without replacement) it is gᵀHg/‖g‖² (``fullBatchSharpness``). The instability condition of
/// paper 003 is tr(H S_b)/tr(S_N) > 2/η (``instabilityRatio(batchSize:sampling:)``), equivalently
/// IAS > 2ρ_b/η.
///
/// H here is the **full-batch** Hessian. ``batchSharpness(populationSize:batchSize:sampling:batchCount:seed:batchGradient:batchHessian:)``
/// measures a different quantity with the mini-batch Hessian H_B (Andreyev & Beneventano).
public struct GradientInteraction: Sendable, Codable, Equatable {
    /// The gradient-noise statistics of the same gradients (tr S₁, tr S_N, ρ, …).
    public let noise: GradientNoiseStatistics
    /// gᵢᵀ H gᵢ for i = 1…N.
    public let perSampleCurvatures: [Double]
    /// gᵀ H g = tr(H S_N).
    public let fullBatchInteraction: Double

    /// From parts computed elsewhere (for example gᵢᵀHgᵢ by a per-sample HVP engine).
    public init(noise: GradientNoiseStatistics, perSampleCurvatures: [Double], fullBatchInteraction: Double) {
        precondition(perSampleCurvatures.count == noise.sampleCount,
                     "GradientInteraction: \(perSampleCurvatures.count) per-sample curvatures for \(noise.sampleCount) samples")
        self.noise = noise
        self.perSampleCurvatures = perSampleCurvatures
        self.fullBatchInteraction = fullBatchInteraction
    }

    /// From the N × d per-sample gradient matrix G (row i = gᵢ) and the Hessian operator, with N
    /// operator applications sent through the block product `blockSize` rows at a time: H gᵢ for
    /// every i gives gᵢᵀHgᵢ, and gᵀHg = gᵀ((1/N) Σᵢ H gᵢ) needs no further product.
    public init(perSampleGradients gradients: Tensor, hessian: some LinearOperator, blockSize: Int = 64) {
        let noise = GradientNoiseStatistics(perSampleGradients: gradients)
        let d = noise.dimension
        let products = Self.curvatures(sampleCount: noise.sampleCount, hessian: hessian, blockSize: blockSize) { range in
            Tensor(shape: [range.count, d], scalars: Array(gradients.scalars[(range.lowerBound * d)..<(range.upperBound * d)]))
        }
        self.init(noise: noise, perSampleCurvatures: products.curvatures,
                  fullBatchInteraction: VectorOps.dot(noise.meanGradient, products.hessianTimesMean))
    }

    /// Streamed: the same quantities from the N per-sample gradients in blocks of at most `blockSize` rows,
    /// one block in memory at a time — `rows(r)` returns the |r| × d matrix of gᵢ, i ∈ r, and each block
    /// feeds both the noise statistics (``GradientMoments``) and the block product of H. Memory
    /// O(blockSize · d) instead of the N × d matrix (bench/NOTES.md: 2.15 GB at N = 1000, d = 269,322); the
    /// same N Hessian–vector products; equal to ``init(perSampleGradients:hessian:blockSize:)`` to rounding.
    public init(sampleCount n: Int, hessian: some LinearOperator, blockSize: Int = 64, perSampleGradients rows: (Range<Int>) -> Tensor) {
        precondition(n >= 1, "GradientInteraction: at least one sample is needed, got \(n)")
        var moments = GradientMoments(dimension: hessian.dimension)
        let products = Self.curvatures(sampleCount: n, hessian: hessian, blockSize: blockSize) { range in
            let block = rows(range)
            moments.add(block)
            return block
        }
        let noise = moments.statistics
        self.init(noise: noise, perSampleCurvatures: products.curvatures,
                  fullBatchInteraction: VectorOps.dot(noise.meanGradient, products.hessianTimesMean))
    }

    /// gᵢᵀHgᵢ for i = 1…N and (1/N) Σᵢ H gᵢ, the gradients `block(r)` sent through H's block product.
    private static func curvatures(sampleCount n: Int, hessian: some LinearOperator, blockSize: Int,
                                   block: (Range<Int>) -> Tensor) -> (curvatures: [Double], hessianTimesMean: [Double]) {
        let d = hessian.dimension
        var curvatures = [Double]()
        curvatures.reserveCapacity(n)
        var hessianTimesMean = [Double](repeating: 0, count: d)
        for range in blockRanges(count: n, blockSize: blockSize) {
            let gradients = block(range)
            precondition(gradients.shape == [range.count, d],
                         "GradientInteraction: a block of \(range.count) gradients of dimension \(d) (the Hessian's) expected, got shape \(gradients.shape)")
            let products = hessian.apply(rowsOf: gradients)
            curvatures.append(contentsOf: rowwiseDots(gradients, products))
            VectorOps.axpy(1 / Double(n), products.sum(axis: 0).scalars, &hessianTimesMean)
        }
        return (curvatures, hessianTimesMean)
    }

    /// tr(H S₁) = (1/N) Σᵢ gᵢᵀ H gᵢ.
    public var singleSampleInteraction: Double {
        perSampleCurvatures.reduce(0, +) / Double(perSampleCurvatures.count)
    }

    /// Every `sampling:` method below takes a random scheme (``BatchSampling/randomSchemes``); `fixed-order`
    /// has no γ_{N,b} and fails a precondition here, so callers reject it first with
    /// ``BatchSampling/requireRandomBatches(for:)`` (``UnsupportedSamplingError``).
    ///
    /// tr(H S_b) = (γ/b) tr(H S₁) + (1 − γ/b) gᵀHg, exact for the sampling scheme.
    public func interaction(batchSize b: Int, sampling: BatchSampling) -> Double {
        let c = sampling.gamma(populationSize: noise.sampleCount, batchSize: b) / Double(b)
        return c * singleSampleInteraction + (1 - c) * fullBatchInteraction
    }

    /// IAS ‖H‖_{S_b} = tr(H S_b) / tr(S_b) (paper 003 Definition 1, eq. (2)).
    public func interactionAwareSharpness(batchSize b: Int, sampling: BatchSampling) -> Double {
        interaction(batchSize: b, sampling: sampling) / noise.secondMomentTrace(batchSize: b, sampling: sampling)
    }

    /// gᵀHg/‖g‖², the Rayleigh quotient of the full gradient: IAS for GD (‖H‖_{S_N}, 003 §2.3).
    public var fullBatchSharpness: Double { fullBatchInteraction / noise.meanGradientSquaredNorm }

    /// tr(H S_b) / tr(S_N) = IAS/ρ_b; the expected loss rises (on a quadratic, exactly) iff this
    /// exceeds 2/η (paper 003 eqs. (7) and (10)).
    public func instabilityRatio(batchSize b: Int, sampling: BatchSampling) -> Double {
        interaction(batchSize: b, sampling: sampling) / noise.meanGradientSquaredNorm
    }
}

/// Monte-Carlo estimates of tr(H S_b), tr(S_b) and IAS from random mini-batches (digest 003 §3,
/// "direct Monte Carlo").
public struct SampledInteraction: Sendable, Codable, Equatable {
    /// tr(H S_b) ≈ (1/K) Σₖ g_{Bₖ}ᵀ H g_{Bₖ} (unbiased).
    public let interaction: Estimate
    /// tr(S_b) ≈ (1/K) Σₖ ‖g_{Bₖ}‖² (unbiased).
    public let secondMomentTrace: Estimate
    /// IAS ≈ the ratio of the two means (consistent, O(1/K) bias; delta-method standard error).
    public let interactionAwareSharpness: Estimate
    /// b.
    public let batchSize: Int
    /// The scheme the batches were drawn with.
    public let sampling: BatchSampling
}

/// IAS and tr(H S_b) by sampling K mini-batches, for N too large for the exact
/// ``GradientInteraction`` (which needs all N per-sample gradients and N Hessian products).
///
/// Each batch Bₖ of b indices is drawn by `sampling` from stream "curvature/sampled-interaction" of
/// `seed`; `batchGradient(Bₖ)` must return g_{Bₖ} = (1/b) Σ_{i∈Bₖ} gᵢ (duplicates counted, with
/// replacement). H (the full-batch Hessian) is applied to the K batch gradients through its block
/// product. Cost: K batch gradients and K Hessian products; every `sampleCount` is K. Throws
/// ``UnsupportedSamplingError`` for `fixed-order`.
public func sampledInteraction(hessian: some LinearOperator,
                               populationSize: Int,
                               batchSize: Int,
                               sampling: BatchSampling,
                               batchCount: Int,
                               seed: UInt64 = 0,
                               blockSize: Int = 32,
                               batchGradient: ([Int]) -> [Double]) throws(UnsupportedSamplingError) -> SampledInteraction {
    try sampling.requireRandomBatches(for: "the sampled interaction-aware sharpness")
    precondition(batchCount >= 1, "sampledInteraction: batchCount must be at least 1, got \(batchCount)")
    var generator = estimatorGenerator(seed: seed, name: "sampled-interaction")
    var curvatures = [Double](), squaredNorms = [Double]()
    for range in blockRanges(count: batchCount, blockSize: blockSize) {
        let gradients = range.map { _ in
            batchGradient(sampling.drawBatch(populationSize: populationSize, batchSize: batchSize, using: &generator))
        }
        let block = blockOfRows(gradients, dimension: hessian.dimension)
        curvatures.append(contentsOf: rowwiseDots(block, hessian.apply(rowsOf: block)))
        squaredNorms.append(contentsOf: rowwiseDots(block, block))
    }
    return SampledInteraction(interaction: Estimate(samples: curvatures, seed: seed),
                              secondMomentTrace: Estimate(samples: squaredNorms, seed: seed),
                              interactionAwareSharpness: Estimate.ratioOfMeans(numerators: curvatures,
                                                                               denominators: squaredNorms, seed: seed),
                              batchSize: batchSize, sampling: sampling)
}

/// ``sampledInteraction(hessian:populationSize:batchSize:sampling:batchCount:seed:blockSize:batchGradient:)``
/// with batch gradients averaged from the rows of a materialized N × d matrix G.
public func sampledInteraction(perSampleGradients gradients: Tensor,
                               hessian: some LinearOperator,
                               batchSize: Int,
                               sampling: BatchSampling,
                               batchCount: Int,
                               seed: UInt64 = 0,
                               blockSize: Int = 32) throws(UnsupportedSamplingError) -> SampledInteraction {
    precondition(gradients.rank == 2, "sampledInteraction: expected an N × d matrix, got shape \(gradients.shape)")
    return try sampledInteraction(hessian: hessian, populationSize: gradients.shape[0], batchSize: batchSize,
                              sampling: sampling, batchCount: batchCount, seed: seed, blockSize: blockSize) { batch in
        columnMeans(gradients.rows(batch))
    }
}
