import BiasLabTestSupport
import DataIO
import Experiments
import Foundation
import NN
import Tensor

/// A temporary working directory holding every file the help examples read, made the way a user
/// would make them:
///
/// - `examples/` (the repository's configs and sweep files), copied;
/// - `runs/data.npz`, a tiny data set, and an empty `docs/` (`config-reference > docs/CONFIG.md`);
/// - `runs.sqlite` with runs 1 and 2 from `biaslab run examples/tiny-synthetic.yaml`, and run 3 of the
///   same config interrupted at step 100 (what Ctrl-C leaves, made with the runner's stop hook) for
///   `run --resume 3`;
/// - `shard-0.sqlite` and `shard-1.sqlite` from the `sweep … --shard` example as Slurm tasks 0 and 1 of 2;
/// - before each example, `theta.npy`, `data.npz` (x and y), `v.npy` and `model.safetensors` (its θ₀ as a
///   state_dict) for the model the line names.
///
/// Other stores (`out/demo.sqlite`, `sweep.sqlite`) come from earlier examples in `--help` order
/// (`demo` before `report`, `results merge` before `sweep summary`).
struct ExampleWorkspace {
    let directory: URL

    /// The environment of every example: the Slurm array variables of the `--shard` example (task 1 of 2).
    static let environment: [String: String?] = ["SLURM_ARRAY_TASK_ID": "1", "SLURM_ARRAY_TASK_COUNT": "2"]

    /// The commands run before the examples (besides run 3, made in-process).
    static let setup = [
        "biaslab run examples/tiny-synthetic.yaml --store runs.sqlite",
        "biaslab run examples/tiny-synthetic.yaml --store runs.sqlite",
        "SLURM_ARRAY_TASK_ID=0 biaslab sweep examples/sweeps/tiny-betas.yaml --shard 1/2 --store shard-0.sqlite",
        "SLURM_ARRAY_TASK_ID=1 biaslab sweep examples/sweeps/tiny-betas.yaml --shard 2/2 --store shard-1.sqlite",
    ]

    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// A fresh workspace with the fixtures above.
    static func make() throws -> ExampleWorkspace {
        let workspace = ExampleWorkspace(directory: try CLIRunner.temporaryDirectory())
        try FileManager.default.copyItem(at: repository.appendingPathComponent("examples"), to: workspace.url("examples"))
        for folder in ["runs", "docs"] { try FileManager.default.createDirectory(at: workspace.url(folder), withIntermediateDirectories: true) }
        try workspace.writeProblem(widths: [5, 8, 3], data: "runs/data.npz", params: nil)
        for (k, line) in setup.enumerated() {
            let r = try workspace.run(line)
            guard r.status == 0 else { throw HelpExamplesError("setup `\(line)` exited \(r.status): \(r.stderr)") }
            if k == 1 { try workspace.interruptedRun() }
        }
        return workspace
    }

    func url(_ relative: String) -> URL { directory.appendingPathComponent(relative) }

    /// Runs `line` with `/bin/sh` in the workspace, after writing the files its model needs.
    func run(_ line: String) throws -> CLIRunner.Result {
        try prepare(for: line)
        return try CLIRunner.shell(line, currentDirectory: directory, environment: Self.environment)
    }

    /// The file a line redirects its stdout to (`… > run3.csv`), if any.
    func redirectTarget(of line: String) -> URL? {
        guard let range = line.range(of: " > ") else { return nil }
        return line[range.upperBound...].split(separator: " ").first.map { url(String($0)) }
    }

    /// Run 3 of `runs.sqlite`: examples/tiny-synthetic.yaml stopped after 100 of its 200 steps (checkpointed there).
    private func interruptedRun() throws {
        let config = try RunConfig.load(contentsOf: url("examples/tiny-synthetic.yaml"))
        let outcome = try Runner.start(config, store: url("runs.sqlite"), options: RunOptions(softwareVersion: "test", shouldStop: { $0 >= 100 }))
        guard outcome.runID == 3, outcome.status == .interrupted else {
            throw HelpExamplesError("expected run 3 interrupted, got run \(outcome.runID) \(outcome.status)")
        }
    }

    /// θ (`theta.npy`), data (`data.npz`) and an HVP direction (`v.npy`) for the `--model` of `line`,
    /// when the line reads them.
    private func prepare(for line: String) throws {
        let words = line.split(separator: " ").map(String.init)
        guard let index = words.firstIndex(of: "--model"), index + 1 < words.count else { return }
        let spec = try ModelSpec.parse(words[index + 1])
        if words.contains("v.npy") { try NPY.write(Tensor(direction(count: spec.parameterCount)), to: url("v.npy")) }
        if words.contains("model.safetensors"), let model = spec.model {
            // The network's initialization as a PyTorch state_dict, tensors by block name.
            var rng = RandomGenerator(seed: 1, stream: "init")
            let theta = model.initialParameters(using: &rng)
            try Safetensors.write(model.blocks.map { ($0.name, Tensor(shape: $0.shape ?? [$0.count], scalars: Array(theta[$0.range]))) },
                                  to: url("model.safetensors"))
        }
        guard case .mlp(let network) = spec, words.contains("theta.npy") || words.contains("data.npz") else { return }
        try writeProblem(widths: network.widths, data: "data.npz", params: "theta.npy")
    }

    /// A tanh MLP problem of `widths` on 16 samples: θ to `params`, x and y to `data` (integer labels
    /// for several outputs, so `--loss ce` reads them too; real targets for one output).
    private func writeProblem(widths: [Int], data: String, params: String?) throws {
        let (objective, theta) = TinyProblems.tanhMLP(widths: widths, samples: 16)
        if let params { try NPY.write(Tensor(theta), to: url(params)) }
        let y: NPYArray = widths.last! > 1
            ? NPYArray(Tensor(shape: [16], scalars: (objective.labels ?? []).map(Double.init)), dtype: .int64)
            : NPYArray(objective.targets)
        try NPZ.write(arrays: ["x": NPYArray(objective.inputs), "y": y], to: url(data))
    }

    private func direction(count: Int) -> [Double] {
        var rng = RandomGenerator(seed: 1, stream: "example-direction")
        return rng.gaussians(count)
    }
}
