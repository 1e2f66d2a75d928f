import ArgumentParser
import Curvature
import DataIO
import Foundation
import NN
import Optim
import Tensor

/// `biaslab demo`: a short built-in study on a Fashion-MNIST subset — full-batch gradient descent
/// on a tanh MLP with the top Hessian eigenvalue λ_max tracked against the edge-of-stability
/// threshold 2/η (Cohen et al. 2021).
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Train a small MLP on Fashion-MNIST with full-batch GD and track λ_max against 2/η.",
        discussion: """
            Loss convention: MSE = (1/n) Σ ½‖f(x) − y‖² with one-hot targets (so λ_max is comparable \
            with 2/η as in Cohen et al. 2021). λ_max is the largest-magnitude Hessian eigenvalue on the \
            whole training subset, by power iteration on exact Hessian–vector products, warm-started from \
            the previous eigenvector.

            Examples:
              biaslab demo
              biaslab demo --samples 500 --steps 300 --lr 0.05 --json
            """)

    @Option(help: "Training images (the first N per class ÷ 10 of Fashion-MNIST's training split).")
    var samples = 1000
    @Option(help: "Hidden widths of the tanh MLP, e.g. 200,200.")
    var hidden = "200,200"
    @Option(help: "Learning rate η of full-batch gradient descent.")
    var lr = 0.1
    @Option(help: "Gradient-descent steps.")
    var steps = 600
    @Option(help: "Measure λ_max every k steps.")
    var probeEvery = 25
    @Option(help: "Seed of the initialization and of the power-iteration start.")
    var seed: UInt64 = 0
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard samples >= 10, samples % 10 == 0 else { throw UsageError("--samples must be a positive multiple of 10, got \(samples)") }
        guard lr > 0 else { throw UsageError("--lr must be positive, got \(lr)") }
        guard steps >= 1 else { throw UsageError("--steps must be at least 1, got \(steps)") }
        guard probeEvery >= 1 else { throw UsageError("--probe-every must be at least 1, got \(probeEvery)") }
        guard hiddenWidths != nil else { throw UsageError("--hidden must be comma-separated positive widths, got '\(hidden)'") }
    }

    var hiddenWidths: [Int]? {
        let w = hidden.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !w.isEmpty, w.allSatisfy({ ($0 ?? 0) > 0 }) else { return nil }
        return w.map { $0! }
    }

    struct Record: Codable { let step: Int; let loss: Double; let accuracy: Double?; let lambdaMax: Double? }
    struct Summary: Codable {
        let samples: Int; let parameters: Int; let learningRate: Double; let threshold: Double
        let finalLoss: Double; let maxLambda: Double; let records: [Record]
    }

    func run() throws {
        let data: Dataset
        do {
            data = try FashionMNIST.load(split: .train, options: .init(selection: .perClass(samples / 10, seed: seed)))
        } catch { throw UsageError("\(error)") }
        let model = DenseNetwork(widths: [784] + hiddenWidths! + [10], activation: .tanh)
        let objective = SupervisedObjective(model: model, loss: .mse, inputs: data.x, targets: data.y, labels: data.labels)
        var generator = RandomGenerator(seed: seed, stream: "init")
        var theta = model.initialParameters(using: &generator)
        let threshold = 2 / lr
        var eigenvector: [Double]? = nil
        var records: [Record] = []
        log(String(format: "demo: %d Fashion-MNIST images, MLP %@ tanh (d = %d), GD with η = %g, 2/η = %.1f",
                   samples, model.widths.map(String.init).joined(separator: "-"), model.parameterCount, lr, threshold))
        for step in 0...steps {
            if step % probeEvery == 0 || step == steps {
                let metrics = objective.metrics(at: theta)
                let power = powerIteration(of: HessianOperator(objective: objective, at: theta), tolerance: 1e-4,
                                           maxIterations: eigenvector == nil ? 100 : 20, initialVector: eigenvector, seed: seed)
                eigenvector = power.eigenvector
                records.append(Record(step: step, loss: metrics.loss, accuracy: metrics.accuracy, lambdaMax: power.eigenvalue))
                log(String(format: "step %5d  loss %.5f  accuracy %.3f  λ_max %8.3f  (2/η = %.1f)",
                           step, metrics.loss, metrics.accuracy ?? .nan, power.eigenvalue, threshold))
                guard metrics.loss.isFinite else { throw ComputationError("training diverged at step \(step) (loss \(metrics.loss))") }
            }
            if step == steps { break }
            let g = objective.gradient(at: theta)
            VectorOps.axpy(-lr, g, &theta)
        }
        let summary = Summary(samples: samples, parameters: model.parameterCount, learningRate: lr, threshold: threshold,
                              finalLoss: records.last!.loss, maxLambda: records.compactMap(\.lambdaMax).max() ?? .nan, records: records)
        if output.json { try JSONOutput.print(summary); return }
        print(String(format: "final loss %.5f; largest λ_max %.2f against 2/η = %.2f (ratio %.2f)",
                     summary.finalLoss, summary.maxLambda, threshold, summary.maxLambda / threshold))
    }

    private func log(_ line: String) { FileHandle.standardError.write(Data((line + "\n").utf8)) }
}
