import Foundation
import Tensor

/// Machine floors measured in the same run: dgemm throughput and memory write bandwidth.
enum Floors {
    /// GFLOP/s of a 1024 × 1024 × 1024 dgemm (2n³ flops) with OpenBLAS on every thread of the policy, the
    /// best repetition over 2 s (``DGEMMReading``): the machine's dgemm rate, with the kernel set BiasLab
    /// uses (corrected at load time when OpenBLAS fell back to generic kernels). BiasLab itself runs BLAS
    /// single-threaded and splits batches over the cores (``BatchParallelism``); two single-threaded
    /// 512-row halves of this product reach only ≈ 70 GFLOP/s where OpenBLAS's two threads reach ≈ 86, so
    /// this floor is the stricter one.
    static func dgemmGFLOPS() -> Double {
        DGEMMReading.measure(size: 1024, threads: BatchParallelism.coreCount, seconds: 2).gflops
    }

    /// GB/s of writing a 512 MiB buffer (after ``MemoryTuning``, the allocator reuses it, so this is the
    /// bandwidth of writing memory the process already holds).
    static func writeBandwidthGBps() -> Double {
        let count = 64 << 20
        let t = Timing.median(repetitions: 5) {
            let buffer = [Double](repeating: 1, count: count)
            precondition(buffer[count - 1] == 1)
        }
        return Double(count * 8) / t / 1e9
    }
}
