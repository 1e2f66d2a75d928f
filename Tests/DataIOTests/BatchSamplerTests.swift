import Foundation
import Testing
import Tensor
@testable import DataIO

/// Oracles: enumeration of every batch of small runs (each index exactly once per epoch), the inclusion
/// probabilities P[i ∈ B] = b/n and P[i, j ∈ B] = b(b−1)/(n(n−1)) of digest 003 §2.2 (z = 5 standard
/// errors of a binomial count), and bit-identity of a resumed run with the uninterrupted one.
@Suite struct BatchSamplerTests {
    @Test("without replacement, keep: ⌈N/b⌉ batches per epoch covering each index exactly once (oracle: enumeration)")
    func withoutReplacementKeep() throws {
        var sampler = try BatchSampler(count: 10, batchSize: 3, seed: 1)
        var epochs: [[Int]] = []
        for _ in 0..<6 {
            let batches = (0..<sampler.batchesPerEpoch).map { _ in sampler.next() }
            #expect(batches.map(\.count) == [3, 3, 3, 1])
            #expect(batches.joined().sorted() == Array(0..<10))
            epochs.append(Array(batches.joined()))
        }
        #expect(Set(epochs).count == 6, "each epoch draws a fresh permutation")
        #expect(sampler.state.epoch == 6 && sampler.state.position == 0)
    }

    @Test("without replacement, drop: ⌊N/b⌋ full batches of distinct indices per epoch (oracle: enumeration)")
    func withoutReplacementDrop() throws {
        var sampler = try BatchSampler(count: 10, batchSize: 3, lastBatch: .drop, seed: 2)
        for _ in 0..<4 {
            let batches = (0..<3).map { _ in sampler.next() }
            #expect(batches.allSatisfy { $0.count == 3 })
            #expect(Set(batches.joined()).count == 9)
            #expect(sampler.state.position == 0)
        }
    }

    @Test("fixed order cycles through 0..<N (oracle: the sequence written out)")
    func fixedOrder() throws {
        var sampler = try BatchSampler(count: 5, batchSize: 2, scheme: .fixedOrder, seed: 0)
        #expect((0..<7).map { _ in sampler.next() } == [[0, 1], [2, 3], [4], [0, 1], [2, 3], [4], [0, 1]])
    }

    @Test("with replacement: each index drawn b/N of the time, duplicates occur (oracle: Binomial, 5 SE)")
    func withReplacement() throws {
        var sampler = try BatchSampler(count: 10, batchSize: 5, scheme: .withReplacement, seed: 3)
        var counts = [Int](repeating: 0, count: 10)
        var sawDuplicate = false
        for _ in 0..<2000 {
            let batch = sampler.next()
            #expect(batch.count == 5)
            sawDuplicate = sawDuplicate || Set(batch).count < 5
            for i in batch { counts[i] += 1 }
        }
        // Each count ~ Binomial(10000, 0.1): mean 1000, SE √(10000·0.1·0.9) = 30.
        #expect(counts.allSatisfy { abs(Double($0) - 1000) <= 5 * 30 }, "\(counts)")
        #expect(sawDuplicate)
    }

    @Test("uniform subsets: distinct indices with P[i∈B] = b/n and P[i,j∈B] = b(b−1)/(n(n−1)) (digest 003 §2.2, 5 SE)")
    func uniformSubset() throws {
        let (n, b, steps) = (10, 5, 4000)
        var sampler = try BatchSampler(count: n, batchSize: b, scheme: .uniformSubset, seed: 4)
        var single = [Int](repeating: 0, count: n)
        var pair01 = 0, pair89 = 0
        for _ in 0..<steps {
            let batch = Set(sampler.next())
            #expect(batch.count == b)
            for i in batch { single[i] += 1 }
            if batch.contains(0) && batch.contains(1) { pair01 += 1 }
            if batch.contains(8) && batch.contains(9) { pair89 += 1 }
        }
        func within(_ count: Int, p: Double) -> Bool {
            abs(Double(count) - Double(steps) * p) <= 5 * (Double(steps) * p * (1 - p)).squareRoot()
        }
        #expect(single.allSatisfy { within($0, p: 0.5) }, "\(single)")
        let pPair = Double(b * (b - 1)) / Double(n * (n - 1))
        #expect(within(pair01, p: pPair) && within(pair89, p: pPair), "\(pair01), \(pair89) vs \(Double(steps) * pPair)")
        #expect(throws: DataError.self) { try BatchSampler(count: 3, batchSize: 4, scheme: .uniformSubset, seed: 0) }
    }

    static let configurations: [(BatchSampling, LastBatchPolicy)] =
        BatchSampling.allCases.flatMap { scheme in LastBatchPolicy.allCases.map { (scheme, $0) } }

    @Test("resuming from a saved (JSON) state or from (epoch, position) is bit-identical (oracle: the uninterrupted run)",
          arguments: configurations)
    func resume(scheme: BatchSampling, lastBatch: LastBatchPolicy) throws {
        let make = { (state: SamplerState) throws -> BatchSampler in
            try BatchSampler(count: 11, batchSize: 4, scheme: scheme, lastBatch: lastBatch, state: state)
        }
        var original = try BatchSampler(count: 11, batchSize: 4, scheme: scheme, lastBatch: lastBatch, seed: 42)
        for _ in 0..<13 { _ = original.next() }
        let saved = try JSONEncoder().encode(original.state)
        let state = try JSONDecoder().decode(SamplerState.self, from: saved)
        let expected = (0..<20).map { _ in original.next() }

        var fromState = try make(state)
        #expect((0..<20).map { _ in fromState.next() } == expected)
        var replayed = try BatchSampler(count: 11, batchSize: 4, scheme: scheme, lastBatch: lastBatch, seed: 42,
                                        epoch: state.epoch, position: state.position)
        #expect(replayed.state == state)
        #expect((0..<20).map { _ in replayed.next() } == expected)
    }

    @Test("bad sizes and out-of-range states are refused with the parameter named")
    func validation() {
        #expect(throws: DataError(.invalidValue, source: "sampler", "batch size must be ≥ 1, got 0")) {
            try BatchSampler(count: 3, batchSize: 0, seed: 0)
        }
        #expect(throws: DataError.self) { try BatchSampler(count: 3, batchSize: 4, lastBatch: .drop, seed: 0) }
        #expect(throws: DataError.self) { try BatchSampler(count: 10, batchSize: 3, seed: 0, epoch: 0, position: 4) }
    }
}
