import Foundation
import Tensor

// biaslab-bench: the benchmark binary behind `make bench` (bench/README.md).
//   biaslab-bench export DIR [--widths 784,H,H,10] [--samples N] [--probes K]
//                                            write the shared inputs (BenchInputs, LMBenchInputs)
//   biaslab-bench floors                     print the measured machine floors as JSON
//   biaslab-bench machine                    print the machine report (as `biaslab doctor --json`)
//   biaslab-bench run W1…W9|T1…T4 --inputs DIR  time one workload (WorkloadRunner)
//   biaslab-bench engine [FILTER] [REPS]     the engine-only table on synthetic data (EngineTable)
//   biaslab-bench threads [REPS] [COUNTS]    the engine's speed-up over thread counts (ThreadScaling)

ExecutionPolicy.apply()
let arguments = Array(CommandLine.arguments.dropFirst())
do {
    switch arguments.first {
    case "export":
        guard arguments.count >= 2, !arguments[1].hasPrefix("--") else {
            throw BenchError("export: expected a directory, e.g. biaslab-bench export .build/bench-work --widths 784,36,36,10 --samples 500")
        }
        let options = try BenchOptions.parse(Array(arguments.dropFirst(2)), command: "export")
        try BenchInputs.export(to: URL(fileURLWithPath: arguments[1]), shape: BenchInputs.Shape(options: options))
        try LMBenchInputs.export(to: URL(fileURLWithPath: arguments[1]))
    case "floors":
        let floors = ["dgemm_gflops": Floors.dgemmGFLOPS(), "write_bandwidth_gbps": Floors.writeBandwidthGBps()]
        print(String(decoding: try JSONSerialization.data(withJSONObject: floors, options: [.sortedKeys]), as: UTF8.self))
    case "machine":
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys]
        print(String(decoding: try encoder.encode(MachineReport.current(dgemmSeconds: 2)), as: UTF8.self))
    case "run":
        try WorkloadRunner.run(arguments: Array(arguments.dropFirst()))
    case "threads":
        ThreadScaling.run(arguments: Array(arguments.dropFirst()))
    case "engine":
        EngineTable.run(arguments: Array(arguments.dropFirst()))
    default:
        throw BenchError("expected a command: export DIR [--widths …] [--samples N] [--probes K] | floors | machine | run W1…W9|T1…T4 --inputs DIR | engine [FILTER] [REPS] | threads [REPS] [COUNTS]")
    }
} catch {
    FileHandle.standardError.write(Data("biaslab-bench: \(error)\n".utf8))
    exit(2)
}
