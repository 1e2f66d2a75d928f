import CBLAS
import Dispatch
import Foundation
import Synchronization

/// Data parallelism over a batch: the samples are cut into one contiguous part per core, each part's
/// forward and backward passes run on their own core, and the callers add the parts' sums. BLAS runs
/// single-threaded (``ExecutionPolicy``): against one pass with multithreaded BLAS this removes the BLAS
/// threads' hand-offs at every product, runs the element-wise work (activations, their derivatives, bias
/// fills) on every core instead of one, and leaves no idle BLAS thread spinning against the parts for the
/// cores. Measured on the 2-core benchmark machine (`biaslab-bench engine`, MLP 784-256-256-10, batch
/// 1000): gradient 18.5 → 17.1 ms, Hessian–vector product 33.5 → 31.0 ms, tangent sweep 22.2 → 20.7 ms.
///
/// ``run(parts:_:)`` also serves other independent work cut into parts, such as an optimizer's
/// per-coordinate step over a long θ (`AdaptiveRule.fusedStep`) and Lanczos's reorthogonalization.
///
/// The number of cores is ``ExecutionPolicy``'s thread count (`BIASLAB_THREADS`, else every core the
/// process may use), overridden for a task by ``withCoreCount(_:_:)``. A split inside a running split does
/// not split again. Results depend on the number of parts only through the order of the final additions
/// of the parts' sums (round-off); the same computation at the same thread count is bit-identical.
public enum BatchParallelism {
    /// A thread count for the current task and what it calls (tests, nested tools), over the policy's.
    @TaskLocal private static var override: Int?

    /// Cores to cut work over: ``withCoreCount(_:_:)``'s count inside it, else ``ExecutionPolicy``'s.
    public static var coreCount: Int { override ?? ExecutionPolicy.threads }

    /// `body` with work cut over `cores` cores (≥ 1) in this task, whatever the process's policy.
    public static func withCoreCount<T>(_ cores: Int, _ body: () throws -> T) rethrows -> T {
        precondition(cores >= 1, "BatchParallelism.withCoreCount: cores must be at least 1, got \(cores)")
        return try $override.withValue(cores, operation: body)
    }

    /// True while the current thread runs a part of a split (task-local, which Swift keeps per thread
    /// outside tasks): work a part starts is not cut again. Unrelated callers split independently.
    @TaskLocal private static var insideSplit = false

    /// How many parts `count` items are cut into: ``coreCount`` (1 inside a part of a running split),
    /// capped at one part per `minimumPartSize` items.
    public static func partCount(forBatchOf count: Int, minimumPartSize: Int = 32) -> Int {
        guard !insideSplit else { return 1 }
        return max(1, min(coreCount, count / max(1, minimumPartSize)))
    }

    /// The contiguous ranges of `parts` nearly equal parts of 0..<count.
    public static func ranges(count: Int, parts: Int) -> [Range<Int>] {
        (0..<parts).map { k in (k * count / parts)..<((k + 1) * count / parts) }
    }

    /// body(k) for k in 0..<parts, concurrently; results in order of k. One part runs inline.
    public static func run<T>(parts: Int, _ body: (Int) -> T) -> [T] {
        _ = ExecutionPolicy.threads  // applies the default policy (BLAS single-threaded) on first use; one atomic load after
        if parts <= 1 { return [body(0)] }
        var results = [T?](repeating: nil, count: parts)
        results.withUnsafeMutableBufferPointer { slots in
            // Each part writes only its own slot, and `body` is called once per part.
            withoutActuallyEscaping(body) { body in
                nonisolated(unsafe) let work = body
                nonisolated(unsafe) let out = slots
                DispatchQueue.concurrentPerform(iterations: parts) { k in
                    out[k] = $insideSplit.withValue(true) { work(k) }
                }
            }
        }
        return results.map { $0! }
    }

    /// One caller at a time changes the BLAS thread count.
    private static let blasThreadsLock = Mutex<Void>(())

    /// `body` with BLAS on `threads` threads, then back to one: for BLAS-heavy work that is not split over
    /// the batch (large dense eigenproblems, ``Tensor/symmetricEigen(computeVectors:)``) and for measuring
    /// what the machine's BLAS can do on all cores (``DGEMMReading``). Inside a running split, or for one
    /// thread, `body` runs as it is.
    public static func withBLASThreads<T>(_ threads: Int, _ body: () throws -> T) rethrows -> T {
        _ = ExecutionPolicy.threads
        guard threads > 1, !insideSplit else { return try body() }
        return try blasThreadsLock.withLock { _ in
            openblas_set_num_threads(Int32(threads))
            defer { openblas_set_num_threads(1) }
            return try body()
        }
    }
}
