import Tensor
import Testing

/// The batch split of ``BatchParallelism`` against its definition: contiguous, covering, nearly equal
/// parts; results in part order; no second split inside a part of a running one.
struct BatchParallelismTests {
    @Test func rangesPartitionTheBatch() {
        for count in [0, 1, 7, 64, 1000] {
            for parts in 1...3 {
                let ranges = BatchParallelism.ranges(count: count, parts: parts)
                #expect(ranges.count == parts)
                #expect(ranges.first?.lowerBound == 0 && ranges.last?.upperBound == count)
                #expect(zip(ranges, ranges.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound })
                #expect(ranges.allSatisfy { abs($0.count - count / parts) <= 1 })
            }
        }
    }

    @Test func partCountIsBoundedAndRunKeepsOrder() {
        #expect(BatchParallelism.partCount(forBatchOf: 10) == 1)
        #expect(BatchParallelism.partCount(forBatchOf: 1000) == min(BatchParallelism.coreCount, 31))
        let squares = BatchParallelism.run(parts: 3) { $0 * $0 }
        #expect(squares == [0, 1, 4])
        let inner = BatchParallelism.run(parts: 2) { _ in BatchParallelism.partCount(forBatchOf: 1000) }
        #expect(inner == [1, 1])
    }
}
