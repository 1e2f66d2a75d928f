import Foundation
import Tensor
import Testing

/// The platform layer against its definitions: the kernel-set rule (a table of CPUs and the sets OpenBLAS
/// chose), the kernels in use against plain loops, the core budget from affinity and cgroup files written
/// here, and the execution policy read from an environment.
struct PlatformTests {
    static func cpu(_ vendor: String, _ features: [CPUFeature]) -> CPUInfo {
        CPUInfo(architecture: "x86_64", vendor: vendor, modelName: "test", family: 6, model: 207, features: features)
    }
    static let sse: [CPUFeature] = [.sse2, .sse3, .ssse3, .sse4_1, .sse4_2]
    static let avx = sse + [.avx]
    static let avx2 = avx + [.fma, .avx2]
    static let avx512 = avx2 + [.avx512f, .avx512dq, .avx512cd, .avx512bw, .avx512vl]

    @Test func kernelLevelsOfCPUs() {
        #expect(Self.cpu("GenuineIntel", Self.sse).kernelLevel == 1)
        #expect(Self.cpu("GenuineIntel", Self.avx).kernelLevel == 2)
        #expect(Self.cpu("GenuineIntel", Self.avx + [.avx2]).kernelLevel == 2)  // AVX2 without FMA
        #expect(Self.cpu("GenuineIntel", Self.avx2).kernelLevel == 3)
        #expect(Self.cpu("GenuineIntel", Self.avx2 + [.avx512f]).kernelLevel == 3)  // F alone is not enough
        #expect(Self.cpu("GenuineIntel", Self.avx512).kernelLevel == 4)
    }

    @Test func kernelLevelsOfOpenBLASSets() {
        let table: [(String, Int)] = [("Prescott", 1), ("prescott", 1), ("Core2", 1), ("Nehalem", 1), ("Sandybridge", 2),
                                      ("Piledriver", 2), ("Haswell", 3), ("Zen", 3), ("SkylakeX", 4), ("Cooperlake", 4),
                                      ("NEOVERSEN1", 0), ("", 0)]
        for (name, level) in table { #expect(BLASInfo.level(ofKernels: name) == level, "\(name)") }
    }

    /// The case first: OpenBLAS 0.3.21 on an Emerald Rapids Xeon falls back to Prescott.
    @Test func kernelCorrectionRule() {
        let cases: [(chose: String, cpu: CPUInfo, expected: String?)] = [
            ("Prescott", Self.cpu("GenuineIntel", Self.avx512), "SkylakeX"),
            ("Prescott", Self.cpu("GenuineIntel", Self.avx2), "Haswell"),
            ("Prescott", Self.cpu("AuthenticAMD", Self.avx2), "Zen"),
            ("Prescott", Self.cpu("HygonGenuine", Self.avx2), "Zen"),
            ("Prescott", Self.cpu("GenuineIntel", Self.avx), "SandyBridge"),
            ("Prescott", Self.cpu("GenuineIntel", Self.sse), nil),
            ("Sandybridge", Self.cpu("GenuineIntel", Self.avx2), "Haswell"),
            ("Haswell", Self.cpu("GenuineIntel", Self.avx512), "SkylakeX"),
            ("Zen", Self.cpu("AuthenticAMD", Self.avx512), "SkylakeX"),
            ("Haswell", Self.cpu("GenuineIntel", Self.avx2), nil),
            ("Zen", Self.cpu("AuthenticAMD", Self.avx2), nil),
            ("SkylakeX", Self.cpu("GenuineIntel", Self.avx512), nil),
            ("Cooperlake", Self.cpu("GenuineIntel", Self.avx512), nil),
            ("SkylakeX", Self.cpu("GenuineIntel", Self.avx2), nil),  // never downgraded
            ("NEOVERSEN1", Self.cpu("", []), nil),                  // unknown names are kept
        ]
        for c in cases {
            #expect(BLASInfo.correctedKernels(whenBLASChose: c.chose, on: c.cpu) == c.expected, "\(c.chose) on \(c.cpu.features)")
        }
    }

    /// The kernels in use compute dgemm, dgemv and ddot to round-off, and are the best this CPU supports
    /// unless the user chose them or the correction was turned off.
    @Test func kernelsInUseAreRightAndBest() {
        #expect(BLASInfo.checkKernels() < 1e-14)
        let blas = BLASInfo.current
        #expect(blas.library == "OpenBLAS")
        #expect(!blas.kernelsInUse.isEmpty)
        if blas.correction == .kept || blas.correction == .corrected {
            #expect(BLASInfo.correctedKernels(whenBLASChose: blas.kernelsInUse, on: .current) == nil)
        }
        if blas.correction == .corrected { #expect(blas.checkError.map { $0 < 1e-13 } == true) }
    }

    @Test func coreBudgetTakesTheSmallestLimit() {
        #expect(CoreBudget(processors: 64, affinity: nil, cgroupQuota: nil).available == 64)
        #expect(CoreBudget(processors: 64, affinity: 16, cgroupQuota: nil).available == 16)
        #expect(CoreBudget(processors: 64, affinity: 16, cgroupQuota: 2.5).available == 3)
        #expect(CoreBudget(processors: 2, affinity: 2, cgroupQuota: 8).available == 2)
        #expect(CoreBudget(processors: 4, affinity: nil, cgroupQuota: 0.2).available == 1)
        let here = CoreBudget.current()
        #expect(here.available >= 1 && here.available <= ProcessInfo.processInfo.activeProcessorCount)
    }

    /// cgroup v2 and v1 files laid out in a temporary root: the smallest quota along the path wins.
    @Test func cgroupQuotaFromFiles() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("cgroup-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        func write(_ path: String, _ text: String) throws {
            let url = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        try write("cpu.max", "max 100000\n")
        try write("user.slice/cpu.max", "300000 100000\n")
        try write("user.slice/job/cpu.max", "max 100000\n")
        #expect(CoreBudget.readCgroupQuota(root: root.path, membership: "0::/user.slice/job\n") == 3)
        try write("cpu,cpuacct/slurm/cpu.cfs_quota_us", "150000\n")
        try write("cpu,cpuacct/slurm/cpu.cfs_period_us", "100000\n")
        try write("cpu,cpuacct/cpu.cfs_quota_us", "-1\n")
        try write("cpu,cpuacct/cpu.cfs_period_us", "100000\n")
        #expect(CoreBudget.readCgroupQuota(root: root.path, membership: "4:cpu,cpuacct:/slurm\n3:memory:/slurm\n") == 1.5)
        #expect(CoreBudget.readCgroupQuota(root: root.path, membership: "0::/nowhere\n") == nil)
        #expect(CoreBudget.parseCPUMax("max 100000") == nil)
        #expect(CoreBudget.parseCPUMax("50000 100000") == 0.5)
        #expect(CoreBudget.parseCFS(quota: "-1", period: "100000") == nil)
        #expect(CoreBudget.ancestors(of: "/a/b") == ["/a/b", "/a", ""])
    }

    @Test func policyFromEnvironment() {
        let budget = CoreBudget(processors: 64, affinity: 12, cgroupQuota: nil)
        let byBudget = ExecutionPolicy.fromEnvironment([:], budget: budget)
        #expect(byBudget.threads == 12 && byBudget.threadSource == .coreBudget && byBudget.allocator == .reuseLargeAllocations)
        let byVariable = ExecutionPolicy.fromEnvironment(["BIASLAB_THREADS": "3", "BIASLAB_ALLOCATOR": "system"], budget: budget)
        #expect(byVariable.threads == 3 && byVariable.threadSource == .environment && byVariable.allocator == .system)
        for bad in ["0", "-2", "two", ""] {
            #expect(ExecutionPolicy.fromEnvironment(["BIASLAB_THREADS": bad], budget: budget).threads == 12, "\(bad)")
        }
    }

    /// A task's core count decides the parts; a split inside a running split is not cut again.
    @Test(arguments: [1, 2, 3, 8, 64])
    func coreCountDecidesTheParts(cores: Int) {
        BatchParallelism.withCoreCount(cores) {
            #expect(BatchParallelism.coreCount == cores)
            #expect(BatchParallelism.partCount(forBatchOf: 1000) == min(cores, 1000 / 32))
            #expect(BatchParallelism.partCount(forBatchOf: 10) == 1)
            let inner = BatchParallelism.run(parts: BatchParallelism.partCount(forBatchOf: 1000)) { _ in
                BatchParallelism.partCount(forBatchOf: 1000)
            }
            #expect(inner == [Int](repeating: 1, count: min(cores, 31)))
        }
    }

    /// dsyevd above the multithreaded size (BLAS on every core) on A = Q D Qᵀ, Q a Householder reflector:
    /// the eigenvalues are D's.
    @Test(arguments: [1, 3])
    func largeEigenproblemOnSeveralBLASThreads(cores: Int) throws {
        let n = Tensor.multithreadedEigenSize + 17
        var rng = RandomGenerator(seed: 21, stream: "eigen")
        let u = rng.gaussians(n)
        let uu = u.reduce(0) { $0 + $1 * $1 }
        let d = (0..<n).map { Double($0) - 100.5 }
        var a = [Double](repeating: 0, count: n * n)
        // (Q D Qᵀ)_{ij} with Q = I − 2uuᵀ/uᵀu.
        var q = [Double](repeating: 0, count: n * n)
        for i in 0..<n { for j in 0..<n { q[i * n + j] = (i == j ? 1 : 0) - 2 * u[i] * u[j] / uu } }
        for i in 0..<n { for j in 0..<n { var s = 0.0; for k in 0..<n { s += q[i * n + k] * d[k] * q[j * n + k] }; a[i * n + j] = s } }
        let eig = try BatchParallelism.withCoreCount(cores) { try Tensor(shape: [n, n], scalars: a).symmetricEigen(computeVectors: true) }
        #expect(zip(eig.eigenvalues, d).map { abs($0 - $1) }.max()! < 1e-10)
    }
}

extension PlatformTests {
    /// `sweep --jobs N` children share the threads: ⌊threads/N⌋, at least one each.
    @Test func childThreadsShareThePolicy() {
        let threads = ExecutionPolicy.current.threads
        #expect(ExecutionPolicy.childThreads(jobs: 1) == threads)
        #expect(ExecutionPolicy.childThreads(jobs: 2) == max(1, threads / 2))
        #expect(ExecutionPolicy.childThreads(jobs: 10_000) == 1)
    }
}
