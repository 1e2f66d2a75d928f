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

/// zⱼᵀ A zⱼ for `count` probes zⱼ (the samples of Hutchinson's estimator): for each consecutive
/// range of at most `blockSize` probe indices, `probeBlock(range)` supplies those probes as the rows
/// of a range.count × d block, which goes through the block product.
func probeQuadraticForms(of matrix: some LinearOperator, count: Int, blockSize: Int,
                         probeBlock: (Range<Int>) -> Tensor) -> [Double] {
    var samples = [Double]()
    samples.reserveCapacity(count)
    for range in blockRanges(count: count, blockSize: blockSize) {
        let probes = probeBlock(range)
        samples.append(contentsOf: rowwiseDots(probes, matrix.apply(rowsOf: probes)))
    }
    return samples
}

/// zⱼᵀ A zⱼ for `count` fresh probes zⱼ drawn from `distribution`, each block optionally mapped
/// through `transform` before it is applied.
func probeQuadraticForms(of matrix: some LinearOperator, count: Int, distribution: ProbeDistribution,
                         generator: inout RandomGenerator, blockSize: Int,
                         transform: ((Tensor) -> Tensor)? = nil) -> [Double] {
    probeQuadraticForms(of: matrix, count: count, blockSize: blockSize) { range in
        let probes = distribution.drawBlock(count: range.count, dimension: matrix.dimension, using: &generator)
        return transform?(probes) ?? probes
    }
}
