import CPlatform
import Foundation

/// What BiasLab did about the BLAS kernel set when the process started (`Sources/CPlatform/blas_kernels.c`).
public enum KernelCorrection: String, Codable, Sendable {
    /// The BLAS's own choice is already the best set this CPU supports.
    case kept
    /// The BLAS had fallen back to a slower set than the CPU supports; BiasLab switched it and the
    /// products of the new set matched plain loops.
    case corrected
    /// `OPENBLAS_CORETYPE` was set by the user: respected, never changed.
    case userSet = "user-set"
    /// `BIASLAB_BLAS_CORRECTION=off`.
    case disabled
    /// The BLAS cannot switch kernel sets (not an OpenBLAS built with DYNAMIC_ARCH, or no such set in it).
    case unavailable
    /// The better set disagreed with plain loops, so BiasLab switched back to the BLAS's choice.
    case checkFailed = "check-failed"
}

/// The BLAS library and the kernel set it uses.
///
/// OpenBLAS built with DYNAMIC_ARCH (Debian's `libopenblas0`) picks its kernels from cpuid when it loads;
/// 0.3.21 does not know some recent CPUs (e.g. Emerald Rapids, family 6 model 207) and falls back to its
/// generic `Prescott` kernels, ≈ 3.5× slower in dgemm. At load time, before any thread or BLAS call of
/// BiasLab's, BiasLab compares the chosen set's instruction level with the CPU's (``CPUInfo/kernelLevel``)
/// and, when the set is below it, makes OpenBLAS choose again with `OPENBLAS_CORETYPE` set to the CPU's
/// set (SkylakeX for AVX-512; Zen on AMD and Haswell elsewhere for AVX2 + FMA; SandyBridge for AVX),
/// restores the environment, and checks dgemm, dgemv and ddot against plain loops (switching back when they
/// disagree). A user's `OPENBLAS_CORETYPE` is always respected; `BIASLAB_BLAS_CORRECTION=off` turns the
/// correction off. `BIASLAB_BLAS_SIMULATE_FALLBACK=NAME` (for tests) first makes OpenBLAS start on the
/// set NAME, as if it had fallen back to it.
public struct BLASInfo: Codable, Equatable, Sendable {
    /// `OpenBLAS`, or `unknown` for a BLAS that does not describe itself.
    public let library: String
    /// The library's version, e.g. `0.3.21`, when it says.
    public let version: String?
    /// `openblas_get_config()`, e.g. `OpenBLAS 0.3.21 NO_LAPACKE DYNAMIC_ARCH NO_AFFINITY Zen MAX_THREADS=64`.
    public let configuration: String
    /// The kernel set the BLAS chose when it loaded.
    public let kernelsAtStart: String
    /// The kernel set in use now.
    public let kernelsInUse: String
    public let correction: KernelCorrection
    /// The largest relative error of the start-up check of the new kernels (nil when none ran).
    public let checkError: Double?

    /// The BLAS of this process, now.
    public static var current: BLASInfo {
        let state = biaslab_blas_startup_state()!.pointee
        let configuration = cString(state.config)
        let words = configuration.split(separator: " ")
        let isOpenBLAS = words.first == "OpenBLAS"
        let outcome: KernelCorrection = switch state.outcome {
        case BIASLAB_KERNELS_CORRECTED: .corrected
        case BIASLAB_KERNELS_USER_SET: .userSet
        case BIASLAB_KERNELS_DISABLED: .disabled
        case BIASLAB_KERNELS_UNAVAILABLE: .unavailable
        case BIASLAB_KERNELS_CHECK_FAILED: .checkFailed
        default: .kept
        }
        let ran = outcome == .corrected || outcome == .checkFailed
        return BLASInfo(library: isOpenBLAS ? "OpenBLAS" : "unknown",
                        version: isOpenBLAS && words.count > 1 ? String(words[1]) : nil,
                        configuration: configuration, kernelsAtStart: cString(state.initial),
                        kernelsInUse: String(cString: biaslab_blas_corename()), correction: outcome,
                        checkError: ran ? state.check_error : nil)
    }

    /// The kernel set BiasLab switches to when the BLAS chose `kernels` on `cpu`, or nil to keep it: the
    /// CPU's set when the chosen set's known instruction level is below the CPU's (an unknown name is kept).
    public static func correctedKernels(whenBLASChose kernels: String, on cpu: CPUInfo) -> String? {
        var raw = cpu.raw
        return biaslab_kernel_choice(kernels, &raw).map { String(cString: $0) }
    }

    /// The instruction level of an OpenBLAS x86-64 kernel set by name (4 AVX-512, 3 AVX2, 2 AVX, 1 SSE,
    /// 0 unknown).
    public static func level(ofKernels kernels: String) -> Int { Int(biaslab_kernel_level(kernels)) }

    /// dgemm, dgemv and ddot of the kernels in use on small odd-sized inputs against plain loops: the
    /// largest relative error (≈ 1e-16 when the kernels are right).
    public static func checkKernels() -> Double { biaslab_blas_check() }
}
