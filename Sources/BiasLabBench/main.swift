import Foundation
import NN
import Tensor

// The engine benchmark of issue 2 (make bench): MLP 784-256-256-10 tanh, MSE, batch 1000, float64.
// Each workload is timed (median of 7) next to its floor: gemm flops ÷ measured dgemm GFLOP/s, or
// bytes written ÷ measured write bandwidth.

MemoryTuning.configure()
let widths = [784, 256, 256, 10]
let batch = 1000
var rng = RandomGenerator(seed: 2024, stream: "bench")
let model = DenseNetwork(widths: widths, activation: .tanh)
let x = Tensor(shape: [batch, 784], scalars: rng.uniforms(batch * 784))
var y = Tensor.zeros([batch, 10])
for i in 0..<batch { y.scalars[i * 10 + rng.integer(below: 10)] = 1 }
var initRNG = rng.stream("init")
let theta = model.initialParameters(using: &initRNG)
let objective = SupervisedObjective(model: model, loss: .mse, inputs: x, targets: y)
let d = objective.dimension
let v = rng.gaussians(d)

let gflops = Floors.dgemmGFLOPS()
let bandwidth = Floors.writeBandwidthGBps()
// gemm work of one gradient: forward 2·B·Σ n_{l−1}n_l, weight gradients the same, input gradients of
// every layer but the first 2·B·Σ_{l>1} n_{l−1}n_l.
let layerProducts = zip(widths, widths.dropFirst()).map { Double($0 * $1) }
let gradientFlops = 2 * Double(batch) * (2 * layerProducts.reduce(0, +) + layerProducts.dropFirst().reduce(0, +))
let gradientFloor = gradientFlops / (gflops * 1e9)

struct Row { let name: String; let seconds: Double; let floor: Double; let note: String }
var rows: [Row] = []
// `biaslab-bench [FILTER] [REPETITIONS]`: only workloads whose name contains FILTER (for profiling).
let filter = CommandLine.arguments.count > 1 ? CommandLine.arguments[1] : ""
let repetitions = CommandLine.arguments.count > 2 ? Int(CommandLine.arguments[2]) ?? 7 : 7
@MainActor func measure(_ name: String, floor: Double, note: String, repetitions r: Int = repetitions, _ body: () -> Void) {
    guard filter.isEmpty || name.hasPrefix(filter) else { return }
    rows.append(Row(name: name, seconds: Timing.median(repetitions: r, body), floor: floor, note: note))
}
measure("gradient", floor: gradientFloor, note: "gemm floor") { _ = objective.valueAndGradient(at: theta, batch: nil) }
measure("hvp", floor: 2 * gradientFloor, note: "≈2 gradients of gemm") { _ = objective.hessianVectorProduct(at: theta, along: v) }
let perSampleBytes = Double(batch * d * 8)
measure("per-sample gradients (materialized)", floor: perSampleBytes / (bandwidth * 1e9),
        note: "write floor \(Int(perSampleBytes / 1e6)) MB", repetitions: min(repetitions, 3)) {
    _ = objective.perSampleGradients(at: theta, batch: nil)
}
measure("per-sample gradient norms", floor: gradientFloor, note: "gemm floor of one gradient") {
    _ = objective.perSampleGradientSquaredNorms(at: theta)
}

print(String(format: "dgemm %.1f GFLOP/s, write bandwidth %.1f GB/s, d = %d, batch = %d", gflops, bandwidth, d, batch))
print("workload                               median ms   floor ms   floor/median")
for r in rows {
    let name = r.name.padding(toLength: 38, withPad: " ", startingAt: 0)
    print(name + String(format: " %9.2f %10.2f %10.0f%%  ", r.seconds * 1e3, r.floor * 1e3, 100 * r.floor / r.seconds) + "(\(r.note))")
}
