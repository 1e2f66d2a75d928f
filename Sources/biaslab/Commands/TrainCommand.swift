import ArgumentParser
import DataIO
import Foundation
import NN
import Optim
import Tensor

/// `biaslab train`: run one optimizer on an objective given by files, for cross-checking against
/// NumPy or JAX implementations of the documented update rules.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Run an optimizer for K steps on a model and data given by files; print the losses.",
        discussion: """
            Each step draws a batch (the whole dataset when --batch-size is omitted), evaluates the batch \
            loss L_B(θ_k) and gradient ∇L_B(θ_k), and applies one update of the optimizer (see 'biaslab \
            optimizers' for the exact formula of each preset). `losses[k]` is L_B(θ_k) on the batch of \
            step k, before its update; `final_loss` is the full-dataset loss at θ_K. Hyperparameter \
            options (--lr, --beta1, --beta2, --momentum or its alias --beta, --eps, --weight-decay) override the \
            preset's settings of the same name; a flag the optimizer has no setting for is an error. With \
            --label-noise, step k's loss and gradient are those of its batch with targets ỹ = y + ξ, fresh ξ \
            drawn from stream "label-noise/k" of --seed (losses[k] is then the noisy batch loss).

            Examples:
              biaslab train --model mlp:5-16-3:tanh --params theta.npy --data data.npz --loss mse --optimizer adam:torch --lr 1e-3 --steps 100 --save-params out.npy --json
              biaslab train --model toy-quadratic --optimizer sgd --lr 0.0625 --steps 8 --json
              biaslab train --model mlp:784-32-10:tanh --data fashion-mnist:train,n=1000 --optimizer lion:official --lr 1e-4 --weight-decay 0.1 --steps 200 --batch-size 64 --sampling without-replacement --seed 1
              biaslab train --model mlp:4-16-1:tanh --data sparse-regression:n=64,d=4,k=2,seed=1 --optimizer sgd --lr 0.05 --steps 100 --batch-size 8 --sampling with-replacement --label-noise rademacher:0.1 --json
              biaslab train --model mlp:4-16-2:tanh --init-seed 2 --data gaussian-mixture:n=64,d=4,classes=2,seed=1 --optimizer momentum:torch --lr 0.05 --momentum 0.9 --steps 50 --json
              biaslab train --model toy-quadratic --optimizer adam:torch --lr 0.01 --beta1 0.8 --beta2 0.99 --eps 1e-7 --steps 20 --json
              biaslab train --model toy-quadratic --optimizer heavy-ball --lr 0.01 --beta 0.9 --steps 20
              biaslab train --model transformer:vocab=256:context=16:width=16:heads=2:layers=1 --data text:context=16,n=64 --loss next-token-ce --optimizer adam:torch --lr 3e-3 --steps 20 --batch-size 16 --seed 1 --json
            """)

    @OptionGroup var objectiveOptions: ObjectiveOptions
    @OptionGroup var optimizerOptions: OptimizerOptions
    @Option(help: "Optimizer steps K.") var steps: Int
    @Option(help: "Mini-batch size b (default: the whole dataset, i.e. full-batch).") var batchSize: Int?
    @OptionGroup var batchSampling: SamplingOptions
    @Option(help: "Seed of the batch sampler and of the label noise.") var seed: UInt64 = 0
    @Option(help: "Label noise rademacher:<δ> or gaussian:<δ>: each step trains on ỹ = y + ξ (paper 002 §5.1; needs --loss mse).")
    var labelNoise: String?
    @Option(help: "Write the final θ to this .npy (float64).") var saveParams: String?
    @OptionGroup var output: OutputOptions

    struct Result: Codable {
        let optimizer: String
        let steps: Int
        let finalLoss: Double
        let losses: [Double]
    }

    func validate() throws {
        guard steps >= 0 else { throw UsageError("--steps must be ≥ 0, got \(steps)") }
        if let b = batchSize, b < 1 { throw UsageError("--batch-size must be at least 1, got \(b)") }
    }

    func run() throws {
        let spec = try optimizerOptions.spec()
        let o = objectiveOptions
        let (problem, initial) = try loadProblem(model: o.model, params: o.params, data: o.data, loss: o.loss, labelNoise: labelNoise,
                                                 initSeed: o.initSeed)
        let objective = problem.objective
        var theta = initial
        var instance: OptimizerInstance
        do {
            instance = try spec.makeInstance(structure: ProblemStructure(dimension: objective.dimension, blocks: objective.blocks))
        } catch { throw UsageError("--optimizer: \(error)") }
        var batches: BatchSampler? = nil
        if let b = batchSize {
            if let problem = BatchSampler.batchSizeProblem(count: objective.sampleCount, batchSize: b, scheme: batchSampling.sampling) {
                throw UsageError("--batch-size \(problem)")
            }
            do { batches = try BatchSampler(count: objective.sampleCount, batchSize: b, scheme: batchSampling.sampling, seed: seed) }
            catch { throw UsageError("--batch-size: \(error)") }
        }
        var losses: [Double] = []
        try Training.run(optimizer: &instance, parameters: &theta, batches: &batches, steps: 0..<steps,
                         evaluate: problem.trainingEvaluation(seed: seed),
                         observe: { step, _ in
                             let loss = step.loss ?? .nan
                             guard loss.isFinite else { throw ComputationError("loss is \(loss) at step \(step.step): training diverged") }
                             losses.append(loss)
                             return .proceed
                         }, afterUpdate: { _, _ in .proceed })
        let finalLoss = objective.loss(at: theta)
        if let saveParams {
            do { try NPY.write(Tensor(theta), to: URL(fileURLWithPath: saveParams)) }
            catch { throw ComputationError("--save-params: \(error)") }
        }
        let result = Result(optimizer: spec.preset, steps: steps, finalLoss: finalLoss, losses: losses)
        if try output.printJSON(result) { return }
        print("optimizer: \(spec.preset)\nsteps: \(steps)\nfinal_loss: \(finalLoss)")
    }
}
