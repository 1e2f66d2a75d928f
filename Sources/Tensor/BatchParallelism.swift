import CBLAS
import Dispatch
import Synchronization

/// Data parallelism over a batch: the samples are cut into one contiguous part per core, each part's
/// forward and backward passes run on their own core with single-threaded BLAS, and the callers add
/// the parts' sums. Against one pass with multithreaded BLAS this removes the BLAS threads' hand-offs at
/// every product and runs the element-wise work (activations, their derivatives, bias fills) on both
/// cores instead of one: measured on the 2-core benchmark machine (`biaslab-bench engine`, MLP
/// 784-256-256-10, batch 1000), gradient 18.7 → 16.5 ms and Hessian–vector product 33.8 → 30.5 ms.
///
/// ``run(parts:_:)`` also serves other independent work cut into parts, such as an optimizer's
/// per-coordinate step over a long θ (`AdaptiveRule.fusedStep`).
///
/// The part count is OpenBLAS's thread count (so `OPENBLAS_NUM_THREADS=1` turns the split off), at most
/// 2 here. Inside ``run(parts:_:)`` BLAS runs single-threaded, and a nested call does not split again.
/// Results depend on the split only through the order of one final addition.
public enum BatchParallelism {
    /// How many parts a batch of `count` samples is cut into: OpenBLAS's current thread count (1 inside
    /// a running split), capped at 2 and at one part per `minimumPartSize` samples.
    public static func partCount(forBatchOf count: Int, minimumPartSize: Int = 32) -> Int {
        max(1, min(Int(openblas_get_num_threads()), 2, count / minimumPartSize))
    }

    /// The contiguous ranges of `parts` nearly equal parts of 0..<count.
    public static func ranges(count: Int, parts: Int) -> [Range<Int>] {
        (0..<parts).map { k in (k * count / parts)..<((k + 1) * count / parts) }
    }

    /// body(k) for k in 0..<parts, concurrently, with BLAS single-threaded while they run; results in
    /// order of k. One part runs inline with BLAS as it was.
    public static func run<T>(parts: Int, _ body: (Int) -> T) -> [T] {
        if parts <= 1 { return [body(0)] }
        singleThreadedBLAS.withLock { $0.enter() }
        defer { singleThreadedBLAS.withLock { $0.leave() } }
        var results = [T?](repeating: nil, count: parts)
        results.withUnsafeMutableBufferPointer { slots in
            // Each part writes only its own slot, and `body` is called once per part.
            withoutActuallyEscaping(body) { body in
                nonisolated(unsafe) let work = body
                nonisolated(unsafe) let out = slots
                DispatchQueue.concurrentPerform(iterations: parts) { k in out[k] = work(k) }
            }
        }
        return results.map { $0! }
    }

    /// OpenBLAS's thread count is process-wide: the first of any concurrent splits (from different
    /// callers, e.g. parallel tests) sets it to 1 and the last one restores it.
    private static let singleThreadedBLAS = Mutex(SingleThreadedBLAS())

    private struct SingleThreadedBLAS: ~Copyable {
        var active = 0
        var saved: Int32 = 1

        mutating func enter() {
            if active == 0 { saved = openblas_get_num_threads(); openblas_set_num_threads(1) }
            active += 1
        }

        mutating func leave() {
            active -= 1
            if active == 0 { openblas_set_num_threads(saved) }
        }
    }
}
