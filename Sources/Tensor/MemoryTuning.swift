import CBLAS

/// Process-wide allocator settings for BiasLab's workload: many short-lived buffers of megabytes to
/// gigabytes (activations, gradients, per-sample gradient matrices).
///
/// glibc serves allocations above `M_MMAP_THRESHOLD` (128 KiB by default, adapting up to 32 MiB) with
/// fresh `mmap` pages and returns them on `free`, so every large tensor pays its page faults again —
/// measured here at ≈ 8× the time of writing the data for a 2.15 GB per-sample gradient matrix. Serving
/// every allocation from the heap (`M_MMAP_MAX` = 0) with a high trim threshold keeps freed memory in the heap for reuse. Memory is not leaked: it is
/// reused by the next allocation and released at exit.
public enum MemoryTuning {
    private static let configured: Bool = {
        #if os(Linux)
        _ = mallopt(M_MMAP_MAX, 0)  // serve every allocation from the heap (mallopt caps M_MMAP_THRESHOLD at 32 MiB)
        _ = mallopt(M_TRIM_THRESHOLD, -1)  // −1 is SIZE_MAX: never trim
        _ = mallopt(M_TOP_PAD, 64 << 20)
        #endif
        return true
    }()

    /// Applies the settings once per process (idempotent, cheap to call again).
    @discardableResult
    public static func configure() -> Bool { configured }
}
