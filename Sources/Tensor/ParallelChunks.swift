import Dispatch
import Foundation

/// Splits element-wise work over both cores. BLAS calls already use every core; the element-wise passes
/// between them (activations, their derivatives, bias fills) otherwise run on one core while the others
/// wait, so for large tensors the index range is cut into one contiguous chunk per core. Each chunk
/// computes exactly what the serial loop would for its indices, so results are bit-identical.
public enum ParallelChunks {
    /// Below this many elements one core does the work (a dispatch costs microseconds).
    public static let minimumCount = 1 << 15
    /// Chunks per call: the number of active processors, at most 2 (the benchmark machine's cores).
    public static let chunkCount = ProcessInfo.processInfo.environment["BIASLAB_SERIAL"] != nil ? 1 : min(2, ProcessInfo.processInfo.activeProcessorCount)

    /// Calls `body` on disjoint ranges that together cover 0..<count, concurrently when count is large.
    @inlinable
    public static func run(count: Int, _ body: (Range<Int>) -> Void) {
        let parts = count >= minimumCount ? chunkCount : 1
        if parts <= 1 { body(0..<count); return }
        // The chunks touch disjoint index ranges, so sharing `body` across the worker threads is safe.
        withoutActuallyEscaping(body) { body in
            nonisolated(unsafe) let work = body
            DispatchQueue.concurrentPerform(iterations: parts) { p in
                work((p * count / parts)..<((p + 1) * count / parts))
            }
        }
    }
}
