import Tensor

/// Draws `count` probes in blocks of at most `blockSize`, applies `matrix` to each block through the
/// block product, and hands (probes, products), both b × d, to `body`.
func forEachProbeBlock(of matrix: some LinearOperator, count: Int, distribution: ProbeDistribution,
                       generator: inout RandomGenerator, blockSize: Int,
                       _ body: (_ probes: Tensor, _ products: Tensor) -> Void) {
    for range in blockRanges(count: count, blockSize: blockSize) {
        let probes = distribution.drawBlock(count: range.count, dimension: matrix.dimension, using: &generator)
        body(probes, matrix.apply(rowsOf: probes))
    }
}

/// zⱼᵀ A zⱼ for `count` fresh probes zⱼ (the samples of Hutchinson's estimator).
func probeQuadraticForms(of matrix: some LinearOperator, count: Int, distribution: ProbeDistribution,
                         generator: inout RandomGenerator, blockSize: Int,
                         transform: ((Tensor) -> Tensor)? = nil) -> [Double] {
    var samples = [Double]()
    samples.reserveCapacity(count)
    for range in blockRanges(count: count, blockSize: blockSize) {
        var probes = distribution.drawBlock(count: range.count, dimension: matrix.dimension, using: &generator)
        if let transform { probes = transform(probes) }
        samples.append(contentsOf: rowwiseDots(probes, matrix.apply(rowsOf: probes)))
    }
    return samples
}
