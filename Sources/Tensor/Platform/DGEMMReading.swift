import Foundation

/// A dgemm throughput reading: C = A·B with n × n matrices (2n³ flops), repeated for about `seconds`,
/// with BLAS on `threads` threads. `biaslab doctor` and `make bench` (its dgemm floor) both use it.
public struct DGEMMReading: Codable, Equatable, Sendable {
    public let size: Int
    public let threads: Int
    public let repetitions: Int
    /// The best repetition's rate, GFLOP/s.
    public let gflops: Double

    /// Times dgemm for about `seconds` (at least 3 repetitions) and keeps the best repetition.
    public static func measure(size n: Int = 1024, threads: Int = BatchParallelism.coreCount, seconds: Double = 1) -> DGEMMReading {
        precondition(n >= 1 && threads >= 1 && seconds >= 0, "DGEMMReading: size \(n), threads \(threads), seconds \(seconds)")
        var rng = RandomGenerator(seed: 1, stream: "dgemm-reading")
        let a = Tensor(shape: [n, n], scalars: rng.gaussians(n * n))
        let b = Tensor(shape: [n, n], scalars: rng.gaussians(n * n))
        var c = Tensor.zeros([n, n])
        var best = Double.infinity
        var repetitions = 0
        BatchParallelism.withBLASThreads(threads) {
            Tensor.gemm(a, b, into: &c)  // warm-up: thread start, page faults
            let start = DispatchTime.now().uptimeNanoseconds
            repeat {
                let t0 = DispatchTime.now().uptimeNanoseconds
                Tensor.gemm(a, b, into: &c)
                best = min(best, Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9)
                repetitions += 1
            } while repetitions < 3 || Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 < seconds
        }
        return DGEMMReading(size: n, threads: threads, repetitions: repetitions, gflops: 2 * pow(Double(n), 3) / best / 1e9)
    }
}
