import BiasLab
import CFuzzDriver
import Experiments
import Foundation

/// The reader under test, chosen by BIASLAB_FUZZ_TARGET (npy, npz, idx, safetensors, yaml, spec).
enum FuzzTarget: String, CaseIterable {
    case npy, npz, idx, safetensors, yaml, spec

    static let current: FuzzTarget = {
        let name = ProcessInfo.processInfo.environment["BIASLAB_FUZZ_TARGET"] ?? ""
        guard let target = FuzzTarget(rawValue: name) else {
            FileHandle.standardError.write(Data("BIASLAB_FUZZ_TARGET must be one of \(allCases.map(\.rawValue)), got '\(name)'\n".utf8))
            exit(2)
        }
        return target
    }()

    /// Feeds `bytes` to the reader; every error it throws is an expected outcome. A crash, a trap, a hang
    /// or an unbounded allocation is a finding.
    func run(_ bytes: [UInt8]) {
        switch self {
        case .npy: _ = try? NPY.decode(bytes, source: "fuzz.npy")
        case .npz: _ = try? NPZ.decode(bytes, source: "fuzz.npz")
        case .idx: _ = try? IDX.decode(bytes, source: "fuzz.idx")
        case .safetensors: _ = try? Safetensors.decode(bytes, source: "fuzz.safetensors")
        case .yaml:
            let text = String(decoding: bytes, as: UTF8.self)
            if let document = try? ConfigValue.parse(yaml: text, source: "fuzz.yaml") { _ = try? RunConfig(document: document) }
            _ = try? SweepSpec.parse(yaml: text, source: "fuzz.yaml", defaultName: "fuzz", directory: URL(fileURLWithPath: "/nonexistent"))
        case .spec:
            // One spec per line: the first byte picks the grammar.
            guard let first = bytes.first else { return }
            let text = String(decoding: bytes.dropFirst(), as: UTF8.self)
            switch first % 6 {
            case 0: _ = try? ModelSpec.parse(text)
            case 1: _ = try? DataSource(parsing: text)
            case 2: _ = try? OptimizerSpec(parsing: text)
            case 3: _ = try? Loss.parse(text)
            case 4: _ = try? LabelNoise.parse(text)
            default: _ = try? SweepShard(parsing: text)
            }
        }
    }
}


/// libFuzzer's callback by its standard name (the runtime references it even when `main` drives it).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    FuzzTarget.current.run(size == 0 || data == nil ? [] : Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
