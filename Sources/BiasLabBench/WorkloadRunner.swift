import DataIO
import Foundation
import Tensor

/// `biaslab-bench run WORKLOAD (W1…W9, T1…T4) --inputs DIR [--repetitions R] [--warmup W] [--out FILE.npz]`: times one
/// workload of ``BenchWorkloads`` (W warm-up runs, then R timed runs), writes the last run's checked
/// arrays to FILE.npz and prints one JSON object: times (seconds), cpu_ratio (process CPU time ÷
/// wall time over the timed runs, i.e. cores kept busy), flops and bytes of the floor.
enum WorkloadRunner {
    static func run(arguments: [String]) throws {
        guard let name = arguments.first else { throw BenchError("run: expected a workload name W1…W9 or T1…T4") }
        let options = try BenchOptions.parse(Array(arguments.dropFirst()), command: "run")
        guard let inputs = options["inputs"] else { throw BenchError("run: --inputs DIR is required") }
        func count(_ key: String, _ fallback: Int) throws -> Int {
            guard let text = options[key] else { return fallback }
            guard let value = Int(text), value >= 0 else { throw BenchError("run: --\(key) must be a count ≥ 0, got '\(text)'") }
            return value
        }
        let repetitions = max(1, try count("repetitions", 3)), warmup = try count("warmup", 1)

        let directory = URL(fileURLWithPath: inputs)
        let workloads = name.hasPrefix("T") ? LMBenchWorkloads.all(try LMBenchInputs.load(from: directory))
            : BenchWorkloads.all(try BenchInputs.load(from: directory))
        guard let workload = workloads.first(where: { $0.name == name }) else {
            throw BenchError("run: unknown workload '\(name)'; expected one of \(workloads.map(\.name).joined(separator: ", "))")
        }
        var summarize: (() -> [String: Tensor])?
        let cpu0 = Timing.processCPUSeconds(), wall0 = Timing.now()
        for _ in 0..<warmup { _ = try workload.body() }
        let warmupCPU = Timing.processCPUSeconds() - cpu0, warmupWall = Timing.now() - wall0
        let times = try Timing.samples(repetitions: repetitions, warmup: 0) { summarize = try workload.body() }
        let cpu = Timing.processCPUSeconds() - cpu0 - warmupCPU, wall = Timing.now() - wall0 - warmupWall
        if let out = options["out"], let summarize {
            try NPZ.write(summarize(), to: URL(fileURLWithPath: out))
        }
        let report: [String: Any] = [
            "workload": workload.name, "summary": workload.summary, "times": times,
            "cpu_ratio": cpu / max(wall, 1e-9), "flops": workload.flops, "bytes": workload.bytes,
        ]
        let json = try JSONSerialization.data(withJSONObject: report, options: [.sortedKeys])
        print(String(decoding: json, as: UTF8.self))
    }
}
