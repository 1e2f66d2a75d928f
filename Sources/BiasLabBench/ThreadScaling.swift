import Foundation
import NN
import Optim
import Tensor

/// `biaslab-bench threads [REPETITIONS] [COUNTS]`: the speed-up curve of the engine over thread counts
/// (``BatchParallelism/withCoreCount(_:_:)``) on the engine table's problem: gradient, HVP, one
/// linearized product, per-sample gradient norms and an Adam step, each the median of REPETITIONS
/// (default 7, after one warm-up round) at each count of COUNTS (default 1,2,3,4,8), the counts
/// interleaved round by round so drifting load hits them alike. Counts above the machine's cores oversubscribe it.
enum ThreadScaling {
    static func run(arguments: [String]) {
        let repetitions = arguments.first.flatMap { Int($0) } ?? 7
        let counts = arguments.count > 1 ? arguments[1].split(separator: ",").compactMap { Int($0) }.filter { $0 >= 1 } : [1, 2, 3, 4, 8]
        let problem = EngineProblem()
        let objective = problem.objective, theta = problem.theta, v = problem.direction
        // The linearized map is cut into parts when it is recorded, so each count records its own.
        let hessians = Dictionary(uniqueKeysWithValues: counts.map { count in
            (count, BatchParallelism.withCoreCount(count) { objective.hessianProducts(at: theta, batch: nil) })
        })
        var optimizer = try! OptimizerSpec(parsing: "adam:torch,lr=1e-3")
            .makeInstance(structure: ProblemStructure(dimension: objective.dimension, blocks: []))
        var parameters = theta
        optimizer.step(parameters: &parameters, gradient: v)
        let workloads: [(String, () -> Void)] = [
            ("gradient", { _ = objective.valueAndGradient(at: theta, batch: nil) }),
            ("hvp", { _ = objective.hessianVectorProduct(at: theta, along: v) }),
            ("hvp, linearized", { _ = hessians[BatchParallelism.coreCount]!([v]) }),
            ("per-sample norms", { _ = objective.perSampleGradientSquaredNorms(at: theta) }),
            ("adam step", { optimizer.step(parameters: &parameters, gradient: v) }),
        ]
        var samples = [[[Double]]](repeating: [[Double]](repeating: [], count: counts.count), count: workloads.count)
        for round in 0...repetitions {  // round 0 warms up (page faults, thread start) and is not kept
            for (c, count) in counts.enumerated() {
                BatchParallelism.withCoreCount(count) {
                    for (w, workload) in workloads.enumerated() {
                        let start = DispatchTime.now().uptimeNanoseconds
                        workload.1()
                        if round > 0 { samples[w][c].append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6) }
                    }
                }
            }
        }
        print("threads: \(counts.map(String.init).joined(separator: ", ")); machine cores \(CoreBudget.current().available); median ms of \(repetitions) (speed-up over 1 thread)")
        for (w, workload) in workloads.enumerated() {
            let medians = samples[w].map { $0.sorted()[$0.count / 2] }
            let cells = zip(counts, medians).map { String(format: "%d: %8.2f (%.2f×)", $0, $1, medians[0] / $1) }
            print(workload.0.padding(toLength: 18, withPad: " ", startingAt: 0) + cells.joined(separator: "   "))
        }
    }
}
