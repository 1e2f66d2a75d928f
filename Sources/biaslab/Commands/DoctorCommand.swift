import ArgumentParser
import Foundation
import Tensor

/// `biaslab doctor`: the machine as BiasLab sees it (CPU, BLAS kernels and their correction, cores and
/// threads, vector kernels) and a dgemm reading.
struct DoctorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Show the CPU, the BLAS and its kernel set, the cores and threads BiasLab uses, and a dgemm reading.",
        discussion: """
            BiasLab checks at start-up which kernel set the BLAS chose and what the CPU supports (cpuid). \
            When OpenBLAS fell back to a slower set than the CPU can run (Debian's 0.3.21 uses its generic \
            Prescott kernels on some recent CPUs), BiasLab switches it to the CPU's set and checks the new \
            kernels against plain loops; 'correction' says what happened (kept, corrected, user-set, \
            disabled, unavailable, check-failed). A user's OPENBLAS_CORETYPE is always respected. Threads: \
            BIASLAB_THREADS, else every core the process may use (affinity mask and cgroup quota). The dgemm \
            reading is the best of repeated 1024×1024 products over about --seconds, with BLAS on every \
            thread (GFLOP/s = 2n³/time).

            Examples:
              biaslab doctor
              biaslab doctor --json
              biaslab doctor --seconds 0 --json      # no dgemm reading
              BIASLAB_THREADS=3 biaslab doctor
            """)

    @Option(help: "Seconds of dgemm to measure (0: skip the reading).")
    var seconds: Double = 1
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard seconds.isFinite, seconds >= 0, seconds <= 600 else {
            throw UsageError("--seconds must be between 0 and 600, got \(seconds)")
        }
    }

    func run() throws {
        let report = MachineReport.current(dgemmSeconds: seconds)
        if output.json { try JSONOutput.print(report); return }
        let blas = report.blas
        var rows: [(String, String)] = [
            ("cpu", "\(report.cpu.modelName) (\(report.cpu.architecture)\(report.cpu.vendor.isEmpty ? "" : ", \(report.cpu.vendor)")"
                + (report.cpu.family.map { ", family \($0) model \(report.cpu.model ?? 0)" } ?? "") + ")"),
            ("features", report.cpu.features.map(\.rawValue).joined(separator: " ")),
            ("blas", blas.configuration.isEmpty ? blas.library : blas.configuration),
            ("kernels", blas.correction == .corrected ? "\(blas.kernelsInUse) (corrected from \(blas.kernelsAtStart))"
                                                       : "\(blas.kernelsInUse) (\(blas.correction.rawValue))"),
            ("kernel level", "BLAS \(report.blasKernelLevel), CPU \(report.cpuKernelLevel) (4 AVX-512, 3 AVX2+FMA, 2 AVX, 1 SSE)"),
            ("cores", "\(report.coresAvailable) available (processors \(report.cores.processors)"
                + (report.cores.affinity.map { ", affinity \($0)" } ?? "")
                + (report.cores.cgroupQuota.map { ", cgroup quota \(String(format: "%.2f", $0))" } ?? "") + ")"),
            ("threads", "\(report.policy.threads) (\(report.policy.threadSource.rawValue)); BLAS \(report.blasThreads) outside dense eigenproblems"),
            ("allocator", report.policy.allocator.rawValue),
            ("vector kernels", report.portableKernels ? "portable (libm tanh, ordinary stores)" : "x86-64 (libmvec tanh, streaming stores)"),
        ]
        if let d = report.dgemm {
            rows.append(("dgemm", "\(String(format: "%.1f", d.gflops)) GFLOP/s (n = \(d.size), \(d.threads) threads, best of \(d.repetitions))"))
        }
        let width = rows.map(\.0.count).max() ?? 0
        for (key, value) in rows { print(key.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + value) }
    }
}
