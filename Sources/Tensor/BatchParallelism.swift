import CBLAS
import Dispatch
import Foundation
import Synchronization

/// Data parallelism over a batch: the samples are cut into one contiguous part per core, each part's
/// forward and backward passes run on their own core, and the callers add the parts' sums. BLAS runs
/// single-threaded in the whole process once this is configured: against one pass with multithreaded
/// BLAS this removes the BLAS threads' hand-offs at every product, runs the element-wise work
/// (activations, their derivatives, bias fills) on both cores instead of one, and leaves no idle BLAS
/// thread spinning against the parts for the cores. Measured on the 2-core benchmark machine
/// (`biaslab-bench engine`, MLP 784-256-256-10, batch 1000): gradient 18.5 → 17.1 ms, Hessian–vector
/// product 33.5 → 31.0 ms, tangent sweep 22.2 → 20.7 ms. (Switching BLAS to one thread only during a
/// split, and back after, measured worse: Lanczos, whose vector work between products is multithreaded
/// BLAS, went from 0.53 to 0.65–0.80 s, the idle BLAS thread competing with the split for a core.)
///
/// ``run(parts:_:)`` also serves other independent work cut into parts, such as an optimizer's
/// per-coordinate step over a long θ (`AdaptiveRule.fusedStep`).
///
/// The number of cores used is `BIASLAB_THREADS` when set (1 turns the split off), else the active
/// processor count, at most 2. A split inside a running split does not split again. Results depend on
/// the split only through the order of one final addition.
public enum BatchParallelism {
    /// Cores to cut work over: `BIASLAB_THREADS`, else min(2, active processors).
    public static let coreCount: Int = {
        if let value = ProcessInfo.processInfo.environment["BIASLAB_THREADS"], let n = Int(value), n >= 1 { return n }
        return max(1, min(2, ProcessInfo.processInfo.activeProcessorCount))
    }()

    /// Makes BLAS single-threaded for the process (once; idempotent). Called by every objective that
    /// splits its batches and by ``run(parts:_:)``.
    @discardableResult
    public static func configure() -> Bool { configured }

    private static let configured: Bool = {
        openblas_set_num_threads(1)
        return true
    }()

    /// Splits running now (any caller); a split started while one runs is not cut again.
    private static let activeSplits = Atomic<Int>(0)

    /// How many parts a batch of `count` samples is cut into: ``coreCount`` (1 while another split
    /// runs), capped at one part per `minimumPartSize` samples.
    public static func partCount(forBatchOf count: Int, minimumPartSize: Int = 32) -> Int {
        guard activeSplits.load(ordering: .relaxed) == 0 else { return 1 }
        return max(1, min(coreCount, count / minimumPartSize))
    }

    /// The contiguous ranges of `parts` nearly equal parts of 0..<count.
    public static func ranges(count: Int, parts: Int) -> [Range<Int>] {
        (0..<parts).map { k in (k * count / parts)..<((k + 1) * count / parts) }
    }

    /// body(k) for k in 0..<parts, concurrently; results in order of k. One part runs inline.
    public static func run<T>(parts: Int, _ body: (Int) -> T) -> [T] {
        configure()
        if parts <= 1 { return [body(0)] }
        activeSplits.add(1, ordering: .relaxed)
        defer { activeSplits.subtract(1, ordering: .relaxed) }
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

    /// `body` with BLAS on `threads` threads, then back to one: for measuring what the machine's BLAS
    /// can do on all cores (the dgemm floor of `make bench`), not for computing.
    public static func withBLASThreads<T>(_ threads: Int, _ body: () -> T) -> T {
        configure()
        openblas_set_num_threads(Int32(threads))
        defer { openblas_set_num_threads(1) }
        return body()
    }
}
