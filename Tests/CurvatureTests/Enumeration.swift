import DataIO
import Tensor
@testable import Curvature

/// Every equally likely batch of a sampling scheme, for exact expectations over tiny datasets:
/// all b-subsets of 0..<n without replacement (and for a uniform subset, the same per-step law), all
/// nᵇ ordered b-tuples with replacement. Fixed order has no random batches.
func allBatches(populationSize n: Int, batchSize b: Int, sampling: BatchSampling) -> [[Int]] {
    switch sampling {
    case .withoutReplacement, .uniformSubset:
        if b == 0 { return [[]] }
        if n < b { return [] }
        // Subsets containing n − 1, then those without it.
        return allBatches(populationSize: n - 1, batchSize: b - 1, sampling: sampling).map { $0 + [n - 1] }
            + allBatches(populationSize: n - 1, batchSize: b, sampling: sampling)
    case .withReplacement:
        var tuples: [[Int]] = [[]]
        for _ in 0..<b { tuples = tuples.flatMap { t in (0..<n).map { t + [$0] } } }
        return tuples
    case .fixedOrder:
        preconditionFailure("allBatches: fixed-order batches are not drawn at random")
    }
}

/// g_B = (1/b) Σ_{i∈B} gᵢ for the rows of G.
func batchGradient(_ gradients: Tensor, _ batch: [Int]) -> [Double] {
    let d = gradients.shape[1]
    var sum = [Double](repeating: 0, count: d)
    for i in batch { VectorOps.axpy(1 / Double(batch.count), Array(gradients.scalars[(i * d)..<((i + 1) * d)]), &sum) }
    return sum
}
