import Foundation
import NN
import Optim
import Tensor

/// `biaslab-bench engine [FILTER] [REPETITIONS]`: the engine-only table of issue 2 on synthetic data
/// (MLP 784-256-256-10 tanh, MSE, batch 1000, float64), each workload timed (median of REPETITIONS,
/// default 7) next to its floor. No JAX peer; `make bench` runs the workloads of ``BenchWorkloads``.
enum EngineTable {
    struct Row { let name: String; let seconds: Double; let floor: Double; let note: String }

    static func run(arguments: [String]) {
        let filter = arguments.first ?? ""
        let repetitions = arguments.count > 1 ? Int(arguments[1]) ?? 7 : 7
        let problem = EngineProblem()
        let (widths, batch, objective, theta, v) = (problem.widths, problem.batch, problem.objective, problem.theta, problem.direction)
        let d = objective.dimension

        let gflops = Floors.dgemmGFLOPS()
        let bandwidth = Floors.writeBandwidthGBps()
        let gradientFloor = FlopModel.mlpGradient(widths: widths, batch: batch) / (gflops * 1e9)

        var rows: [Row] = []
        func measure(_ name: String, floor: Double, note: String, repetitions r: Int = repetitions, _ body: () -> Void) {
            guard filter.isEmpty || name.hasPrefix(filter) else { return }
            rows.append(Row(name: name, seconds: Timing.median(repetitions: r, body), floor: floor, note: note))
        }
        measure("gradient", floor: gradientFloor, note: "gemm floor") { _ = objective.valueAndGradient(at: theta, batch: nil) }
        measure("hvp", floor: FlopModel.mlpHessianVectorProduct(widths: widths, batch: batch) / (gflops * 1e9),
                note: "forward-over-reverse gemm") { _ = objective.hessianVectorProduct(at: theta, along: v) }
        let hessian = objective.hessianProducts(at: theta, batch: nil)
        measure("hvp, linearized (one more product)", floor: FlopModel.mlpTangent(widths: widths, batch: batch) / (gflops * 1e9),
                note: "tangent sweep gemm") { _ = hessian([v]) }
        let perSampleBytes = Double(batch * d * 8)
        measure("per-sample gradients (materialized)", floor: perSampleBytes / (bandwidth * 1e9),
                note: "write floor \(Int(perSampleBytes / 1e6)) MB", repetitions: min(repetitions, 3)) {
            _ = objective.perSampleGradients(at: theta, batch: nil)
        }
        measure("per-sample gradient norms", floor: gradientFloor, note: "gemm floor of one gradient") {
            _ = objective.perSampleGradientSquaredNorms(at: theta)
        }

        // A training step's gradient: a mini-batch of 128 (W6's batch size), rows gathered from the 1000.
        let miniBatch = Array(stride(from: 0, to: batch, by: batch / 128).prefix(128))
        measure("gradient, batch 128", floor: FlopModel.mlpGradient(widths: widths, batch: miniBatch.count) / (gflops * 1e9),
                note: "gemm floor") { _ = objective.valueAndGradient(at: theta, batch: miniBatch) }
        // One Adam step (PyTorch convention) on θ of the MLP's size, from a state already past step 1. Its
        // 15 MB of state fits in the L3 cache, so it can beat the DRAM-bandwidth "floor".
        var optimizer = try! OptimizerSpec(parsing: "adam:torch,lr=1e-3").makeInstance(structure: ProblemStructure(dimension: d, blocks: []))
        var parameters = theta
        optimizer.step(parameters: &parameters, gradient: v)
        measure("adam step (torch)", floor: FlopModel.adamStepBytes(dimension: d) / (bandwidth * 1e9),
                note: "7 streams of 8 bytes, DRAM bandwidth") {
            optimizer.step(parameters: &parameters, gradient: v)
        }

        print(String(format: "dgemm %.1f GFLOP/s, write bandwidth %.1f GB/s, d = %d, batch = %d", gflops, bandwidth, d, batch))
        print("workload                               median ms   floor ms   floor/median")
        for r in rows {
            let name = r.name.padding(toLength: 38, withPad: " ", startingAt: 0)
            print(name + String(format: " %9.2f %10.2f %10.0f%%  ", r.seconds * 1e3, r.floor * 1e3, 100 * r.floor / r.seconds) + "(\(r.note))")
        }
    }
}

/// The engine table's problem: MLP 784-256-256-10 tanh, MSE, batch 1000 of synthetic data, a θ from
/// PyTorch's initialisation and a Gaussian direction (seeded, so every table sees the same numbers).
struct EngineProblem {
    let widths = BenchInputs.mlpWidths
    let batch = 1000
    let objective: SupervisedObjective
    let theta: [Double]
    let direction: [Double]

    init() {
        var rng = RandomGenerator(seed: 2024, stream: "bench")
        let model = DenseNetwork(widths: widths, activation: .tanh)
        let x = Tensor(shape: [batch, 784], scalars: rng.uniforms(batch * 784))
        var y = Tensor.zeros([batch, 10])
        for i in 0..<batch { y.scalars[i * 10 + rng.integer(below: 10)] = 1 }
        var initRNG = rng.stream("init")
        theta = model.initialParameters(using: &initRNG)
        objective = SupervisedObjective(model: model, loss: .mse, inputs: x, targets: y)
        direction = rng.gaussians(objective.dimension)
    }
}
