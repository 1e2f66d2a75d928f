import CBLAS
import Foundation
import Synchronization

/// How BiasLab uses the machine — one documented type, set once at the entry point (the CLI's `main`, the
/// benchmark, a program using the library; tests get the default), never as a side effect of building an
/// objective or an optimizer.
///
/// - **Threads**: the number of cores that batch splits, optimizer steps and BLAS-heavy work that is not
///   split (dense eigenproblems) use (``BatchParallelism``). `BIASLAB_THREADS=N` sets it; otherwise every
///   core the process may use (``CoreBudget/available``: processors, affinity mask, cgroup quota). Nothing
///   assumes a particular count.
/// - **BLAS threads**: one, except inside ``BatchParallelism/withBLASThreads(_:_:)`` (large dense
///   eigenproblems and the benchmark's dgemm floor). Batches are cut over the cores instead, which measured
///   faster than multithreaded BLAS on the bench MLP (bench/NOTES.md).
/// - **Allocator**: ``AllocatorTuning/reuseLargeAllocations`` (glibc: every allocation from the heap, no
///   trimming) unless `BIASLAB_ALLOCATOR=system`.
/// - **BLAS kernels** are corrected at load time, before any entry point runs (``BLASInfo``).
public struct ExecutionPolicy: Codable, Equatable, Sendable {
    /// Where the thread count came from.
    public enum ThreadSource: String, Codable, Sendable {
        /// `BIASLAB_THREADS`.
        case environment
        /// The cores the process may use (``CoreBudget``).
        case coreBudget = "core-budget"
        /// Set by the program (``ExecutionPolicy/init(threads:allocator:)``).
        case program
    }

    public var threads: Int
    public var threadSource: ThreadSource
    public var allocator: AllocatorTuning

    public init(threads: Int, allocator: AllocatorTuning = .reuseLargeAllocations) {
        precondition(threads >= 1, "ExecutionPolicy: threads must be at least 1, got \(threads)")
        self.threads = threads
        self.threadSource = .program
        self.allocator = allocator
    }

    /// The default: `BIASLAB_THREADS` when set (a positive integer), else every available core;
    /// `BIASLAB_ALLOCATOR=system` keeps glibc's allocator settings.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment,
                                       budget: CoreBudget = .current()) -> ExecutionPolicy {
        var policy: ExecutionPolicy
        if let text = environment["BIASLAB_THREADS"], let n = Int(text), n >= 1 {
            policy = ExecutionPolicy(threads: n)
            policy.threadSource = .environment
        } else {
            policy = ExecutionPolicy(threads: budget.available)
            policy.threadSource = .coreBudget
        }
        if environment["BIASLAB_ALLOCATOR"] == "system" { policy.allocator = .system }
        return policy
    }

    // MARK: The process's policy

    private static let lock = Mutex<ExecutionPolicy?>(nil)
    private static let threadCount = Atomic<Int>(0)

    /// Applies `policy` to the process: thread count, BLAS single-threaded, allocator. Call once at the
    /// entry point, before the work starts; calling again replaces the thread count (the allocator
    /// tuning, once made, stays).
    public static func apply(_ policy: ExecutionPolicy = .fromEnvironment()) {
        lock.withLock { current in
            openblas_set_num_threads(1)
            policy.allocator.apply()
            threadCount.store(policy.threads, ordering: .relaxed)
            current = policy
        }
    }

    /// The policy in force; the default (``fromEnvironment(_:budget:)``) is applied on first use when no
    /// entry point applied one.
    public static var current: ExecutionPolicy {
        if let policy = lock.withLock({ $0 }) { return policy }
        apply()
        return lock.withLock { $0! }
    }

    /// The threads each of `jobs` concurrent child processes gets: max(1, ⌊threads / jobs⌋) of the
    /// policy in force, so the children together use the cores one process would.
    public static func childThreads(jobs: Int) -> Int { max(1, current.threads / max(1, jobs)) }

    /// ``current``'s thread count (one atomic load once a policy is in force).
    static var threads: Int {
        let n = threadCount.load(ordering: .relaxed)
        return n > 0 ? n : current.threads
    }
}

/// Process-wide allocator settings for BiasLab's workload: many short-lived buffers of megabytes to
/// gigabytes (activations, gradients, per-sample gradient matrices).
public enum AllocatorTuning: String, Codable, Sendable {
    /// glibc serves allocations above `M_MMAP_THRESHOLD` (128 KiB by default, adapting up to 32 MiB) with
    /// fresh `mmap` pages and returns them on `free`, so every large tensor pays its page faults again —
    /// measured at ≈ 8× the time of writing the data for a 2.15 GB per-sample gradient matrix. This serves
    /// every allocation from the heap (`M_MMAP_MAX` = 0) with no trimming, so freed memory is reused by the
    /// next allocation and released at exit. Nothing is leaked. One arena (`M_ARENA_MAX` = 1): the
    /// batch's parts run on worker threads, and glibc's per-thread arenas live in 64 MiB `mmap`ed heaps
    /// that are unmapped when they empty, so a transformer's 32 MiB activations (logits, attention
    /// scores) were faulted in afresh on every pass — 18 % of a steady-state gradient (perf,
    /// bench/NOTES.md, "Transformer workloads"); the main arena keeps and reuses them.
    case reuseLargeAllocations = "reuse-large-allocations"
    /// The C library's defaults.
    case system

    func apply() {
        #if os(Linux)
        guard self == .reuseLargeAllocations else { return }
        _ = mallopt(M_MMAP_MAX, 0)
        _ = mallopt(M_TRIM_THRESHOLD, -1)  // −1 is SIZE_MAX: never trim
        _ = mallopt(M_TOP_PAD, 64 << 20)
        _ = mallopt(M_ARENA_MAX, 1)
        #endif
    }
}
