import CPlatform

/// Everything that decides how fast BiasLab runs on this machine and how it was set up: the CPU, the BLAS
/// and its kernel set (and whether BiasLab corrected it), the cores and threads, the vector kernels, and a
/// dgemm reading. `biaslab doctor` prints it; `make bench` records it beside its results.
public struct MachineReport: Codable, Equatable, Sendable {
    public let cpu: CPUInfo
    /// The instruction level of the BLAS kernels the CPU can run (``CPUInfo/kernelLevel``).
    public let cpuKernelLevel: Int
    public let blas: BLASInfo
    /// The instruction level of the kernel set in use (same scale; 0 where unknown).
    public let blasKernelLevel: Int
    public let cores: CoreBudget
    /// ``CoreBudget/available``.
    public let coresAvailable: Int
    public let policy: ExecutionPolicy
    /// BLAS threads outside ``BatchParallelism/withBLASThreads(_:_:)``.
    public let blasThreads: Int
    /// The plain kernels are in use for tanh and streaming stores (non-x86-64, no libmvec, or
    /// `BIASLAB_PORTABLE_KERNELS=1`).
    public let portableKernels: Bool
    /// dgemm on every thread of the policy (nil when not measured).
    public let dgemm: DGEMMReading?

    /// The report of this process now; measures dgemm for about `dgemmSeconds` (0: not measured).
    public static func current(dgemmSeconds: Double = 1) -> MachineReport {
        let policy = ExecutionPolicy.current
        let blas = BLASInfo.current
        let cores = CoreBudget.current()
        return MachineReport(cpu: .current, cpuKernelLevel: CPUInfo.current.kernelLevel, blas: blas,
                             blasKernelLevel: BLASInfo.level(ofKernels: blas.kernelsInUse), cores: cores,
                             coresAvailable: cores.available, policy: policy, blasThreads: 1,
                             portableKernels: biaslab_portable_kernels() != 0,
                             dgemm: dgemmSeconds > 0 ? DGEMMReading.measure(threads: policy.threads, seconds: dgemmSeconds) : nil)
    }
}
