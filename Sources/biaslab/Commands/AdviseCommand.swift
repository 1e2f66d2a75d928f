import ArgumentParser
import Experiments
import Foundation

extension AdviceBudget.Estimators: ExpressibleByArgument {}

/// `biaslab advise`: the papers' answers (betas, batch-size change, stability, memory) from measurements of
/// the user's model at θ (issue 21). Parse → one library call (``Advice``) → format.
struct AdviseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "advise",
        abstract: "Measure a model at θ and give the papers' answers: Adam's betas, batch-size change, stability edge, memory.",
        discussion: """
            Measures at θ (--params, or --warmup-steps K steps of the optimizer from the initialization, batches
            of --batch-size drawn without replacement): ‖∇L‖², tr Σ, B_simple, λ = (N/b − 1)/(N − 1)·B_simple,
            ρ, ρ_b, λ_max (Lanczos), tr H, IAS = tr(HS_b)/tr(S_b) and, for Adam, λ₁(P⁻¹H). --estimators auto
            takes the exact per-sample estimators while N·d ≤ 4e6 and N ≤ 4096, else samples --batch-count
            mini-batches (IAS and Adam's diag S_b, with standard errors); tr H is exact when d ≤ --probes.
            Then answers, each with its evidence, formula, paper and equation, and the studies that tested it
            (their verdicts in docs/REPRODUCTIONS.md) or "not validated":
              betas              paper 000: C_total at λ, its slopes in β₁ and β₂, b_1/2 and b_1, the rule
              batch-size-change  paper 004's square-root rule (Adam, RMSprop) or paper 003's LSSR (SGD) to
                                 --target-batch-size, its validity and whether the noise dominates there
              stability          the optimizer's sharpness vs its threshold, regime, largest stable lr
              memory             paper 001's modified loss for this optimizer and its terms at θ
            A section the optimizer's conventions do not cover says so and why.

            Examples:
              biaslab advise --model mlp:4-8-2:tanh --data gaussian-mixture:n=64,d=4,classes=2,seed=1 --loss ce --optimizer adam:torch --lr 1e-3 --beta1 0.9 --beta2 0.999 --eps 1e-8 --batch-size 8 --target-batch-size 32
              biaslab advise --model mlp:4-8-1:tanh --data sparse-regression:n=32,d=4,k=2,seed=1 --init-seed 2 --optimizer sgd --lr 0.05 --batch-size 4 --target-batch-size 16 --json
              biaslab advise --model mlp:4-8-1:tanh --params theta.npy --data data.npz --optimizer heavy-ball --lr 0.01 --momentum 0.9 --batch-size 8 -o advice.html
              biaslab advise --model mlp:4-8-1:tanh --data sparse-regression:n=32,d=4,k=2,seed=1 --optimizer adam:paper000 --lr 1e-3 --batch-size 8 --warmup-steps 20 --seed 1 --json
              biaslab advise --model mlp:4-8-1:tanh --data sparse-regression:n=32,d=4,k=2,seed=1 --optimizer nesterov --lr 0.01 --beta 0.9 --weight-decay 0 --batch-size 8 --estimators sampled --batch-count 32 --probes 20
            """)

    @OptionGroup var objectiveOptions: ObjectiveOptions
    @OptionGroup var optimizerOptions: OptimizerOptions

    @Option(name: .customLong("batch-size"), help: "The batch size b the optimizer trains with, in [1, N].")
    var batchSize: Int

    @Option(name: .customLong("target-batch-size"), help: "A batch size to move to, in [1, N] (the batch-size-change section).")
    var targetBatchSize: Int?

    @Option(name: .customLong("warmup-steps"), help: "Train K ≥ 1 steps of the optimizer from θ before measuring.")
    var warmupSteps: Int?

    @Option(help: "auto (exact while N·d ≤ 4e6 and N ≤ 4096), exact or sampled.")
    var estimators: AdviceBudget.Estimators = .auto

    @Option(help: "Hutchinson probes for tr H (exact when d ≤ probes).")
    var probes = 100

    @Option(name: .customLong("batch-count"), help: "Mini-batches of the sampled estimators.")
    var batchCount = 64

    @Option(help: "Seed of the probes, batch draws and warm-up batches.")
    var seed: UInt64 = 0

    @Option(name: [.customShort("o"), .customLong("output")], help: "Write the advice as an HTML page here.")
    var htmlPath: String?

    @OptionGroup var output: OutputOptions

    func validate() throws {
        try OptionCheck.atLeast(batchSize, 1, "--batch-size")
        try OptionCheck.atLeast(targetBatchSize, 1, "--target-batch-size")
        try OptionCheck.atLeast(warmupSteps, 1, "--warmup-steps")
        try OptionCheck.atLeast(probes, 2, "--probes")
        try OptionCheck.atLeast(batchCount, 2, "--batch-count")
    }

    func run() throws {
        let spec = try optimizerOptions.spec()
        let (objective, theta) = try objectiveOptions.load()
        var budget = AdviceBudget()
        budget.estimators = estimators
        budget.traceProbes = probes
        budget.batchCount = batchCount
        budget.seed = seed
        let advice: Advice
        do {
            let request = try AdviceRequest(objective: objective, parameters: theta, optimizer: spec.hyperparameters,
                                            optimizerName: spec.preset, batchSize: batchSize, targetBatchSize: targetBatchSize,
                                            start: warmupSteps.map { .warmUp(steps: $0) } ?? .given, budget: budget)
            advice = try Advice(request)
        } catch let error as AdviceInputError {
            throw UsageError(error.description)
        } catch let error as AdviceComputationError {
            throw ComputationError("advise: \(error.description)")
        } catch {
            // The request was valid: anything else failed while measuring.
            throw ComputationError("advise: \(error)")
        }
        if let htmlPath { try StandardStreams.writeFile(advice.htmlPage().render(), to: htmlPath, option: "-o") }
        if try output.printJSON(advice) { return }
        print(advice.textLines().joined(separator: "\n"))
    }
}
