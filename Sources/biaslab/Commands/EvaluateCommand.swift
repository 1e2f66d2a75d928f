import ArgumentParser
import DataIO
import Foundation
import NN
import Tensor

/// `biaslab evaluate`: the loss, accuracy and gradient of an objective at θ, and optionally one
/// Hessian-vector product, written as float64 .npy for checking against NumPy or JAX.
struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Evaluate the loss, accuracy and gradient (and optionally H·v) at θ; write them as .npy.",
        discussion: """
            L_B(θ) = (1/|B|) Σ_{i∈B} ℓ_i(θ) over the samples of --batch (all N when omitted), with \
            ℓ_i = ½‖f(x_i) − y_i‖² for --loss mse and −log softmax(f(x_i))_{y_i} for --loss ce. Prints \
            loss, accuracy (the fraction of argmax f(x_i) = y_i, when the data has class labels), grad_norm \
            = ‖∇L_B(θ)‖₂, num_params (d) and num_samples (|B|). --save-gradient writes ∇L_B(θ) and \
            --save-hvp writes ∇²L_B(θ)·v for the v of --hvp-direction (exact, by double backward), both as \
            float64 .npy of length d in θ's order (PyTorch's for mlp and cnn).

            Examples:
              biaslab evaluate --model mlp:5-16-3:tanh --params theta.npy --data data.npz --loss ce --save-gradient g.npy --json
              biaslab evaluate --model cnn:fashion-small --data fashion-mnist:train,n=64 --batch 0,1,2,3 --hvp-direction v.npy --save-hvp hv.npy
              biaslab evaluate --model mlp:4-8-2:tanh --init-seed 1 --data gaussian-mixture:n=32,d=4,classes=2,seed=1 --loss ce --json
              biaslab evaluate --model transformer:vocab=256:context=16:width=16:heads=2:layers=1 --params model.safetensors --data text:context=16,n=8 --loss next-token-ce --json
            """)

    @OptionGroup var objectiveOptions: ObjectiveOptions
    @Option(help: "Comma-separated sample indices i,j,k… (default: all samples).")
    var batch: String?
    @Option(help: "Write ∇L_B(θ) to this .npy (float64, length d).")
    var saveGradient: String?
    @Option(help: "Direction v (.npy of length d) for the Hessian-vector product.")
    var hvpDirection: String?
    @Option(help: "Write ∇²L_B(θ)·v to this .npy (float64, length d); needs --hvp-direction.")
    var saveHvp: String?
    @OptionGroup var output: OutputOptions

    struct Result: Codable {
        let loss: Double
        let accuracy: Double?
        /// exp(loss), for a language model (next-token-ce).
        let perplexity: Double?
        let gradNorm: Double
        let numParams: Int
        let numSamples: Int
    }

    func validate() throws {
        if (hvpDirection == nil) != (saveHvp == nil) {
            throw UsageError("--hvp-direction and --save-hvp go together: give both or neither")
        }
        _ = try batchIndices(sampleCount: Int.max)
    }

    /// The indices of --batch, each checked to lie in 0..<sampleCount; nil for the full dataset.
    func batchIndices(sampleCount: Int) throws -> [Int]? {
        guard let batch else { return nil }
        let fields = batch.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        return try fields.map { field in
            guard let index = Int(field), index >= 0 else {
                throw UsageError("--batch: '\(field)' is not a sample index; expected non-negative integers joined by commas, e.g. 0,3,7")
            }
            guard index < sampleCount else {
                throw UsageError("--batch: index \(index) is out of range; the data has \(sampleCount) samples (0…\(sampleCount - 1))")
            }
            return index
        }
    }

    func run() throws {
        let (objective, theta) = try objectiveOptions.load()
        let indices = try batchIndices(sampleCount: objective.sampleCount)
        var direction: [Double]? = nil
        if let hvpDirection {
            let v: Tensor
            do { v = try NPY.read(URL(fileURLWithPath: hvpDirection)) } catch { throw UsageError("--hvp-direction: \(error)") }
            guard v.count == objective.dimension else {
                throw UsageError("--hvp-direction: '\(hvpDirection)' holds \(v.count) values, the model has d = \(objective.dimension)")
            }
            direction = v.scalars
        }
        let (loss, gradient) = objective.valueAndGradient(at: theta, batch: indices)
        guard loss.isFinite, gradient.allSatisfy(\.isFinite) else {
            throw ComputationError("the loss or its gradient is not finite at θ (loss \(loss)); the parameters are outside the range the model can evaluate")
        }
        let metrics = (objective as? SupervisedObjective).map { $0.metrics(at: theta, batch: indices) }
        let accuracy = metrics?.accuracy
        try save(gradient, to: saveGradient, option: "--save-gradient")
        if let direction {
            try save(objective.hessianVectorProduct(at: theta, along: direction, batch: indices), to: saveHvp, option: "--save-hvp")
        }
        let result = Result(loss: loss, accuracy: accuracy, perplexity: metrics?.perplexity, gradNorm: VectorOps.norm(gradient),
                            numParams: objective.dimension, numSamples: indices?.count ?? objective.sampleCount)
        if output.json { try JSONOutput.print(result); return }
        var lines = ["loss: \(result.loss)"]
        if let accuracy { lines.append("accuracy: \(accuracy)") }
        if let perplexity = result.perplexity { lines.append("perplexity: \(perplexity)") }
        lines += ["grad_norm: \(result.gradNorm)", "num_params: \(result.numParams)", "num_samples: \(result.numSamples)"]
        print(lines.joined(separator: "\n"))
    }

    private func save(_ values: [Double], to path: String?, option: String) throws {
        guard let path else { return }
        do { try NPY.write(Tensor(values), to: URL(fileURLWithPath: path)) } catch {
            if error.kind == .invalidValue { throw UsageError("\(option): \(error)") }
            throw ComputationError("\(option): \(error)")
        }
    }
}
