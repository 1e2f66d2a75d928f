import Foundation
import Tensor

/// Machine floors measured in the same run: dgemm throughput and memory write bandwidth.
enum Floors {
    /// GFLOP/s of a 1024 × 1024 × 1024 dgemm (2n³ flops) with OpenBLAS on all cores, median of 7: the
    /// machine's dgemm rate. (BiasLab itself runs BLAS single-threaded and splits batches over the cores,
    /// ``BatchParallelism``; two single-threaded 512-row halves of this product reach only ≈ 70 GFLOP/s
    /// where OpenBLAS's two threads reach ≈ 86, so this floor is the stricter one.)
    static func dgemmGFLOPS() -> Double {
        let n = 1024
        var rng = RandomGenerator(seed: 1)
        let a = Tensor(shape: [n, n], scalars: rng.gaussians(n * n))
        let b = Tensor(shape: [n, n], scalars: rng.gaussians(n * n))
        var c = Tensor.zeros([n, n])
        let t = BatchParallelism.withBLASThreads(BatchParallelism.coreCount) {
            Timing.median { Tensor.gemm(a, b, into: &c) }
        }
        return 2 * pow(Double(n), 3) / t / 1e9
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
