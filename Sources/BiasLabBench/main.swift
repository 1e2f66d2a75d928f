import Foundation
import Tensor

// biaslab-bench: the benchmark binary behind `make bench` (bench/README.md).
//   biaslab-bench export DIR                 write the shared inputs (BenchInputs)
//   biaslab-bench floors                     print the measured machine floors as JSON
//   biaslab-bench machine                    print the machine report (as `biaslab doctor --json`)
//   biaslab-bench run W1…W8 --inputs DIR …   time one workload (WorkloadRunner)
//   biaslab-bench engine [FILTER] [REPS]     the engine-only table on synthetic data (EngineTable)
//   biaslab-bench threads [REPS] [COUNTS]    the engine's speed-up over thread counts (ThreadScaling)

ExecutionPolicy.apply()
let arguments = Array(CommandLine.arguments.dropFirst())
do {
    switch arguments.first {
    case "export":
        guard arguments.count == 2 else { throw BenchError("export: expected one directory, e.g. biaslab-bench export .build/bench-work") }
        try BenchInputs.export(to: URL(fileURLWithPath: arguments[1]))
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
        throw BenchError("expected a command: export DIR | floors | machine | run W1…W8 --inputs DIR | engine [FILTER] [REPS] | threads [REPS] [COUNTS]")
    }
} catch {
    FileHandle.standardError.write(Data("biaslab-bench: \(error)\n".utf8))
    exit(2)
}
