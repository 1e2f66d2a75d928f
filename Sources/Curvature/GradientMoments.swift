import Tensor

/// The running moments of per-sample gradients added in blocks of rows: the count n, the mean gradient
/// g = (1/n) Σᵢ gᵢ, the centred sums of squares Mⱼ = Σᵢ (gᵢⱼ − gⱼ)² and Σᵢ ‖gᵢ‖², from which
/// ``GradientNoiseStatistics`` takes diag Σ = M/n and tr Σ = Σⱼ Mⱼ/n.
///
/// A block B of k rows is merged by Chan, Golub & LeVeque's pairwise update (1979):
/// ```
/// δ = ḡ_B − g,   g ← g + δ·k/(n + k),   M ← M + M_B + δ²·n·k/(n + k),   n ← n + k
/// ```
/// with ḡ_B and M_B the block's own mean and centred sums of squares (two passes over the block), so a
/// single block gives exactly the two-pass centred formula and several blocks agree with it to rounding,
/// without the cancellation of Σgᵢ² − n·g².
struct GradientMoments {
    private(set) var count = 0
    private(set) var mean: [Double]
    private(set) var centredSquares: [Double]
    private(set) var squaredNormSum = 0.0

    init(dimension: Int) {
        mean = [Double](repeating: 0, count: dimension)
        centredSquares = [Double](repeating: 0, count: dimension)
    }

    /// Merges the k × d block of rows gᵢ.
    mutating func add(_ block: Tensor) {
        let d = mean.count
        precondition(block.rank == 2 && block.shape[1] == d,
                     "GradientMoments: expected a block of rows of length \(d), got shape \(block.shape)")
        let k = block.shape[0]
        guard k > 0 else { return }
        let blockMean = columnMeans(block)
        var blockSquares = [Double](repeating: 0, count: d)
        var norms = 0.0
        block.scalars.withUnsafeBufferPointer { p in
            for i in 0..<k {
                for j in 0..<d {
                    let value = p[i * d + j]
                    let centred = value - blockMean[j]
                    blockSquares[j] += centred * centred
                    norms += value * value
                }
            }
        }
        let (n, kk) = (Double(count), Double(k))
        let total = n + kk
        for j in 0..<d {
            let delta = blockMean[j] - mean[j]
            mean[j] += delta * kk / total
            centredSquares[j] += blockSquares[j] + delta * delta * n * kk / total
        }
        squaredNormSum += norms
        count += k
    }

    /// The statistics of the rows added so far (at least one).
    var statistics: GradientNoiseStatistics {
        precondition(count >= 1, "GradientMoments: no rows were added")
        let scale = 1 / Double(count)
        let diagonal = centredSquares.map { $0 * scale }
        return GradientNoiseStatistics(sampleCount: count, meanGradient: mean, meanSquaredNorm: squaredNormSum * scale,
                                       covarianceTrace: diagonal.reduce(0, +), covarianceDiagonal: diagonal)
    }
}
