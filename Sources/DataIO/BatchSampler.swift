import Tensor

/// What happens to the last batch of an epoch when b does not divide N. With b | N (all of the papers'
/// settings, e.g. n = 2¹³ and b = 2³…2¹² in digest 003 §6) the two policies coincide.
public enum LastBatchPolicy: String, CaseIterable, Codable, Sendable {
    /// The epoch ends with a smaller batch of N mod b indices: ⌈N/b⌉ batches per epoch. The default, as
    /// PyTorch's `DataLoader(drop_last=False)`.
    case keep
    /// The N mod b leftover indices are skipped this epoch: ⌊N/b⌋ batches per epoch, all of size b.
    case drop
}

/// Where a ``BatchSampler`` is: enough to resume bit-identically.
///
/// - `epoch`: completed epochs (0-based index of the current one).
/// - `position`: batches already drawn in the current epoch (0..<batchesPerEpoch).
/// - `generator`: for `.withoutReplacement`, the generator as it was at the start of the current epoch,
///   before it drew this epoch's permutation (so the permutation can be redrawn on resume); for
///   `.withReplacement` and `.uniformSubset`, the generator as it is now; unused by `.fixedOrder`.
public struct SamplerState: Codable, Equatable, Sendable {
    public var epoch: Int
    public var position: Int
    public var generator: RandomGenerator
}

/// Mini-batches of indices into a dataset of N samples, seeded and resumable.
///
/// Epochs have ``batchesPerEpoch`` batches: ⌈N/b⌉ under `.keep`, ⌊N/b⌋ under `.drop`. For the
/// i.i.d. schemes (`.withReplacement`, `.uniformSubset`) an epoch is only a counter of that many steps
/// and every batch has b indices. The generator is `RandomGenerator(seed: seed, stream: "sampler")`.
///
/// ```swift
/// var sampler = try BatchSampler(count: 60_000, batchSize: 128, scheme: .withoutReplacement, seed: 1)
/// let batch = sampler.next()                    // 128 distinct indices
/// let saved = sampler.state                     // Codable; BatchSampler(…, state: saved) resumes
/// ```
public struct BatchSampler: Sendable {
    public let count: Int
    public let batchSize: Int
    public let scheme: BatchSampling
    public let lastBatch: LastBatchPolicy
    public private(set) var state: SamplerState
    /// This epoch's order for `.withoutReplacement` (derived from `state`, never saved).
    private var order: [Int] = []

    /// nil when a run may draw batches of `batchSize` from `count` samples with `scheme`; otherwise the
    /// problem: a batch larger than the dataset is allowed only with replacement (any other scheme would
    /// silently train full-batch).
    public static func batchSizeProblem(count: Int, batchSize: Int, scheme: BatchSampling) -> String? {
        scheme != .withReplacement && batchSize > count ? "must be at most N = \(count) with \(scheme.rawValue) sampling, got \(batchSize)" : nil
    }

    /// A sampler at epoch 0, position 0. Throws `.invalidValue` unless N ≥ 1 and b ≥ 1, and b ≤ N for
    /// `.uniformSubset` and for `.drop`.
    public init(count: Int, batchSize: Int, scheme: BatchSampling = .withoutReplacement,
                lastBatch: LastBatchPolicy = .keep, seed: UInt64) throws(DataError) {
        try self.init(count: count, batchSize: batchSize, scheme: scheme, lastBatch: lastBatch,
                      state: SamplerState(epoch: 0, position: 0, generator: RandomGenerator(seed: seed, stream: "sampler")))
    }

    /// A sampler resumed from a saved ``state``; it continues exactly as the saved one would have.
    public init(count: Int, batchSize: Int, scheme: BatchSampling = .withoutReplacement,
                lastBatch: LastBatchPolicy = .keep, state: SamplerState) throws(DataError) {
        let source = "sampler"
        guard count >= 1 else { throw DataError(.invalidValue, source: source, "N must be ≥ 1, got \(count)") }
        guard batchSize >= 1 else { throw DataError(.invalidValue, source: source, "batch size must be ≥ 1, got \(batchSize)") }
        if scheme == .uniformSubset || lastBatch == .drop, batchSize > count {
            throw DataError(.invalidValue, source: source,
                            "batch size \(batchSize) exceeds N = \(count), which \(scheme == .uniformSubset ? "uniform-subset sampling" : "the drop policy") does not allow")
        }
        self.count = count
        self.batchSize = batchSize
        self.scheme = scheme
        self.lastBatch = lastBatch
        self.state = state
        guard state.epoch >= 0, (0..<batchesPerEpoch).contains(state.position) else {
            throw DataError(.invalidValue, source: source,
                            "state (epoch \(state.epoch), position \(state.position)) is outside 0..<\(batchesPerEpoch) batches per epoch")
        }
        drawOrder()
    }

    /// A sampler at (`epoch`, `position`) of the run seeded with `seed`, reached by replaying the draws.
    public init(count: Int, batchSize: Int, scheme: BatchSampling = .withoutReplacement,
                lastBatch: LastBatchPolicy = .keep, seed: UInt64, epoch: Int, position: Int) throws(DataError) {
        try self.init(count: count, batchSize: batchSize, scheme: scheme, lastBatch: lastBatch, seed: seed)
        guard epoch >= 0, (0..<batchesPerEpoch).contains(position) else {
            throw DataError(.invalidValue, source: "sampler", "(epoch \(epoch), position \(position)) is outside 0..<\(batchesPerEpoch) batches per epoch")
        }
        while state.epoch < epoch || state.position < position { _ = next() }
    }

    /// Batches per epoch: ⌈N/b⌉ (`.keep`) or ⌊N/b⌋ (`.drop`).
    public var batchesPerEpoch: Int {
        lastBatch == .keep ? (count + batchSize - 1) / batchSize : count / batchSize
    }

    /// The next batch of indices, advancing the state.
    public mutating func next() -> [Int] {
        let batch: [Int]
        switch scheme {
        case .withoutReplacement, .fixedOrder:
            let start = state.position * batchSize
            let slice = start..<min(start + batchSize, count)
            batch = scheme == .fixedOrder ? Array(slice) : Array(order[slice])
        case .withReplacement:
            batch = (0..<batchSize).map { _ in state.generator.integer(below: count) }
        case .uniformSubset:
            batch = floydSubset()
        }
        state.position += 1
        if state.position == batchesPerEpoch {
            state.position = 0
            state.epoch += 1
            if scheme == .withoutReplacement {
                _ = state.generator.permutation(count)  // move past this epoch's draw
                drawOrder()
            }
        }
        return batch
    }

    /// Redraws this epoch's permutation from a copy of the epoch-start generator.
    private mutating func drawOrder() {
        guard scheme == .withoutReplacement else { return }
        var generator = state.generator
        order = generator.permutation(count)
    }

    /// A uniform b-subset of 0..<N (Floyd 1987), in the order its elements were chosen.
    private mutating func floydSubset() -> [Int] {
        var chosen = Set<Int>(minimumCapacity: batchSize)
        var batch: [Int] = []
        batch.reserveCapacity(batchSize)
        for j in (count - batchSize)..<count {
            let t = state.generator.integer(below: j + 1)
            let pick = chosen.contains(t) ? j : t
            chosen.insert(pick)
            batch.append(pick)
        }
        return batch
    }
}
