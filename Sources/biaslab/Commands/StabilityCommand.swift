import DataIO
import ArgumentParser
import Curvature
import Theory

/// `biaslab stability`: paper 003's stability prediction for a model at θ.
struct StabilityCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stability",
        abstract: "IAS, instability ratio tr(HS_b)/tr(S_n) vs 2/η, threshold, regime and predicted loss change for a model at θ.",
        discussion: """
            Exact from the N per-sample gradients and the full-batch Hessian (Lee & Jang 2023):
              ias        ‖H‖_{S_b} = tr(HS_b)/tr(S_b);   instability_ratio  tr(HS_b)/tr(S_n) (unstable on quadratics iff > 2/η)
              sgd        sharpness ias vs threshold 2ρ_b/η; predicted E[L_{t+1}] − L_t by eq. (7)
              momentum   ias vs ρ_b·(2/η)(1+β₁)/(1+2β₂) (Thm 2, scaled by ρ_b as for SGD); prediction eq. (131).
                         Heavy ball (momentum, heavy-ball: --momentum β) is β₁ = β, β₂ = 0; nesterov:torch β₂ = β₁;
                         generalized-momentum and nesterov:paper003 take --beta1 and --beta2.
              adam       λ₁(P⁻¹H) vs (2+2β₁)/((1−β₁)η), P = √(diag S_b) + ε (the second moment v at its fixed point
                         E g_ξ² at frozen θ, since no optimizer state is given); no loss-change prediction.
                         Needs ε outside the root (adam:torch, adam:optax, …).
            --optimizer names a preset of 'biaslab optimizers' (the same names as 'train'); its settings and
            the flags --lr, --beta1, --beta2, --momentum/--beta, --eps give the hyperparameters; presets with
            weight decay or other conventions the thresholds do not cover are refused, naming the setting.
            --batch-size defaults to N (full batch, GD); --sampling defaults to without-replacement.

            Examples:
              biaslab stability --model mlp:2-8-1:tanh --params theta.npy --data data.npz --loss mse --optimizer sgd --lr 0.5 --batch-size 4 --json
              biaslab stability --model mlp:4-8-1:tanh --data sparse-regression:n=32,d=4,k=2,seed=1 --init-seed 2 --optimizer heavy-ball --lr 0.1 --beta 0.9 --batch-size 4 --sampling with-replacement --edge-band 0.1 --json
              biaslab stability --model mlp:4-8-1:tanh --data sparse-regression:n=32,d=4,k=2,seed=1 --optimizer adam:torch --lr 1e-3 --beta1 0.8 --beta2 0.99 --eps 1e-7 --batch-size 4 --json
              biaslab stability --model toy-quadratic --optimizer heavy-ball --lr 0.01 --momentum 0.9 --json
            """)

    @OptionGroup var objectiveOptions: ObjectiveOptions

    @OptionGroup var optimizerOptions: OptimizerOptions

    @Option(name: .customLong("batch-size"), help: "b in [1, N] (default N).")
    var batchSize: Int?

    @OptionGroup var batchSampling: SamplingOptions

    @Option(name: .customLong("edge-band"), help: "Relative half-width of the edge band, in [0, 1) (default 0.05).")
    var edgeBand: Double = 0.05

    @OptionGroup var output: OutputOptions

    func validate() throws {
        _ = try batchSampling.randomBatches(for: "stability's S_b and ρ_b")
        try OptionCheck.atLeast(batchSize, 1, "--batch-size")
        try OptionCheck.beta(edgeBand, "--edge-band")
    }

    func run() throws {
        let (family, lr, _) = try optimizerOptions.theoryModel(StabilityOptimizer.init)
        let (objective, theta) = try objectiveOptions.load()
        let n = objective.sampleCount
        let b = batchSize ?? n
        guard b <= n else { throw UsageError("--batch-size must be ≤ N = \(n), got \(b)") }
        let report: StabilityReport
        do {
            report = try StabilityReport(objective: objective, at: theta, optimizer: family, learningRate: lr, batchSize: b,
                                         sampling: batchSampling.sampling, edgeBand: edgeBand)
        } catch let error as TheoryInputError {
            throw ComputationError("stability: \(error.description)")
        }
        if try output.printJSON(report) { return }
        let c = report.classification
        print("ias = \(OptionCheck.show(report.interactionAwareSharpness)), rho_b = \(OptionCheck.show(report.concentration)), "
              + "instability_ratio tr(HS_b)/tr(S_n) = \(OptionCheck.show(report.instabilityRatio)) vs 2/lr = \(OptionCheck.show(report.twoOverLearningRate))")
        print("\(report.sharpnessMeasure) = \(OptionCheck.show(c.sharpness)), threshold = \(OptionCheck.show(c.threshold)): "
              + "\(c.regime.rawValue) (sharpness/threshold = \(OptionCheck.show(c.ratio)))")
        if let change = report.predictedLossChange { print("predicted E[L_{t+1}] - L_t = \(OptionCheck.show(change))") }
        if let p = report.preconditionerSource { print("preconditioner: \(p)") }
    }
}
