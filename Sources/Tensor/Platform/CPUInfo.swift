import CPlatform
import Foundation

/// An instruction-set feature the BLAS kernel choice depends on (x86-64; other architectures report none).
/// AVX, FMA, AVX2 and the AVX-512 subsets count only when the operating system saves their registers.
public enum CPUFeature: String, CaseIterable, Codable, Sendable {
    case sse2, sse3, ssse3, sse4_1 = "sse4.1", sse4_2 = "sse4.2", avx, fma, avx2
    case avx512f, avx512dq, avx512cd, avx512bw, avx512vl

    /// The `BIASLAB_CPU_*` bit: the cases are in the C enum's order, bit k for the k-th case (the kernel-level
    /// tests, which go through these bits, check the correspondence).
    var bit: UInt32 { 1 << UInt32(Self.allCases.firstIndex(of: self)!) }
}

/// The processor this process runs on, as cpuid (x86-64) and `/proc/cpuinfo` describe it.
public struct CPUInfo: Codable, Equatable, Sendable {
    /// `x86_64`, `arm64`, …
    public let architecture: String
    /// cpuid's vendor (`GenuineIntel`, `AuthenticAMD`), or "" where there is no cpuid.
    public let vendor: String
    /// The brand string (cpuid, else `/proc/cpuinfo`'s `model name`), or "unknown".
    public let modelName: String
    /// cpuid's display family and model (x86-64), e.g. family 6 model 207 for Emerald Rapids.
    public let family: Int?
    public let model: Int?
    /// Supported features, in ``CPUFeature`` order.
    public let features: [CPUFeature]

    public init(architecture: String, vendor: String, modelName: String, family: Int?, model: Int?, features: [CPUFeature]) {
        self.architecture = architecture
        self.vendor = vendor
        self.modelName = modelName
        self.family = family
        self.model = model
        self.features = CPUFeature.allCases.filter(features.contains)
    }

    /// The machine this process runs on.
    public static let current: CPUInfo = {
        var raw = biaslab_cpu()
        biaslab_cpu_identify(&raw)
        let vendor = cString(raw.vendor)
        let brand = cString(raw.brand).trimmingCharacters(in: .whitespaces)
        #if arch(x86_64)
        let architecture = "x86_64"
        #elseif arch(arm64)
        let architecture = "arm64"
        #else
        let architecture = "other"
        #endif
        return CPUInfo(architecture: architecture, vendor: vendor,
                       modelName: brand.isEmpty ? procCPUInfoModelName() ?? "unknown" : brand,
                       family: vendor.isEmpty ? nil : Int(raw.family), model: vendor.isEmpty ? nil : Int(raw.model),
                       features: CPUFeature.allCases.filter { raw.features & $0.bit != 0 })
    }()

    /// The C view of this description (vendor and features), for the kernel-choice rule.
    var raw: biaslab_cpu {
        var out = biaslab_cpu()
        withUnsafeMutableBytes(of: &out.vendor) { buffer in
            for (k, byte) in vendor.utf8.prefix(buffer.count - 1).enumerated() { buffer[k] = byte }
        }
        out.features = features.reduce(0) { $0 | $1.bit }
        return out
    }

    /// The vector-instruction level of the BLAS kernels this CPU can run: 4 AVX-512, 3 AVX2 + FMA, 2 AVX, 1
    /// SSE only (`biaslab_cpu_kernel_level`).
    public var kernelLevel: Int {
        var cpu = raw
        return Int(biaslab_cpu_kernel_level(&cpu))
    }

    private static func procCPUInfoModelName() -> String? {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2 else { continue }
            let key = parts[0].trimmingCharacters(in: .whitespaces)
            if key == "model name" || key == "Model" || key == "CPU part" {
                return parts[1].trimmingCharacters(in: .whitespaces)
            }
        }
        return nil
    }
}

/// A fixed-size C character array (imported as a tuple) as a Swift string.
func cString<T>(_ tuple: T) -> String {
    withUnsafeBytes(of: tuple) { bytes in
        String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
    }
}
