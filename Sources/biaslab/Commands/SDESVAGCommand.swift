import ArgumentParser
import Theory

/// `biaslab sde svag`: the discrete optimizer with SVAG noise amplification ℓ.
struct SDESVAGCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "svag",
        abstract: "SVAG (ĝ = r₁g₁ + r₂g₂, η/ℓ, 1−β ← (1−β)/ℓ², εℓ, ℓ² × steps) on an analytic oracle or a model on data; moments over time.",
        discussion: """
            Runs Optim's SGD, RMSprop or Adam (--process: ε outside the root, lagged v as in Malladi et al. 2022, no
            bias correction; or an --optimizer preset, with its own v timing) with two independent stochastic gradients per step combined by SVAG (Def. 6.1/6.2), from
            θ₀ = --theta0, m₀ = 0, v₀ = (ℓσ)²·diag Σ. --ell 1 is the plain discrete run. As ℓ grows the moments
            converge to those of `biaslab sde simulate` with the same options (weak error Cη²/ℓ², Thm 6.3).

            Instead of --oracle, --model SPEC --params P.npy --data D.npz [--loss mse|ce] runs on the dataset's noise
            (B = --batch-size samples drawn with replacement); see `biaslab sde simulate --help` for the summaries.

            Examples:
              biaslab sde svag --ell 4 --process adam --oracle quadratic:h=1,s=1,noise=exponential --lr 0.2 --beta1 0.84 --beta2 0.96 --eps 0 --batch-size 0.16 --time 1 --paths 500 --json
              biaslab sde svag --ell 2 --optimizer rmsprop:paper004 --lr 0.1 --beta2 0.99 --model mlp:4-8-1:tanh --params theta.npy --data data.npz --loss mse --batch-size 4 --time 1e-3 --paths 10 --records 3 --seed 2 --json
              biaslab sde svag --ell 2 --process sgd --oracle quadratic:h=1,s=1 --theta0 2 --lr 0.1 --time 0.5 --paths 10 --json
              biaslab sde svag --ell 4 --process rmsprop --oracle quadratic:h=1,s=1 --lr 0.1 --beta2 0.9 --eps 0 --time 0.5 --paths 50 -o svag.html
              biaslab sde svag --ell 2 --process sgd --model mlp:4-8-1:tanh --init-seed 3 --data sparse-regression:n=32,d=4,k=2,seed=1 --lr 0.1 --batch-size 4 --time 0.05 --paths 10
            """)

    @Option(name: .long, help: "SVAG's ℓ ≥ 1.")
    var ell: Double

    @OptionGroup var options: SDERunOptions

    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard ell >= 1, ell.isFinite else { throw ValidationError("--ell must be ≥ 1, got \(ell)") }
    }

    func run() throws {
        let (run, process) = try options.configuration()
        let source = try options.makeSource(process)
        let svag = try SVAG(ell: ell)
        let scaled = svag.transform(run.hyperparameters)
        let moments = try DiscreteSimulation.simulateSVAG(run, svag: svag, oracle: source.oracle,
                                                          initial: options.initialState(source, process), grid: options.grid(), paths: options.paths,
                                                          seed: options.seed, functions: source.functions)
        let steps = Int((TimeMaps.steps(continuousTime: options.time, learningRate: scaled.hyperparameters.learningRate,
                                        optimizer: process.family)).rounded())
        let s = scaled.hyperparameters
        try options.present(moments, process: process,
                            parameters: Parameters(ell: ell, r1: svag.r1, r2: svag.r2, scaled: s, steps: steps),
                            title: "SVAG, ℓ = \(OptionCheck.show(ell)), \(process.rawValue) (paper 004 Def. 6.2)",
                            settings: [("ℓ", OptionCheck.show(ell)), ("r₁, r₂", "\(OptionCheck.show(svag.r1)), \(OptionCheck.show(svag.r2))"),
                                       ("scaled η", OptionCheck.show(s.learningRate)), ("steps", "\(steps)")],
                            headline: "SVAG ell = \(OptionCheck.show(ell)) (r1 = \(OptionCheck.show(svag.r1)), r2 = \(OptionCheck.show(svag.r2))): "
                                + "lr = \(OptionCheck.show(s.learningRate))"
                                + OptionCheck.listed(["beta1": s.beta1, "beta2": s.beta2, "eps": s.epsilon]) + "; \(steps) steps, \(options.paths) paths",
                            output: output)
    }

    /// SVAG's own keys of the `--json` object (``SDERunOutput``).
    struct Parameters: Encodable {
        let ell: Double
        let r1: Double
        let r2: Double
        let scaled: ScalableHyperparameters
        let steps: Int
    }
}
