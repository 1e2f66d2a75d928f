import ArgumentParser
import Theory

/// `biaslab sde simulate`: Monte-Carlo Euler–Maruyama of the process's SDE.
struct SDESimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Euler–Maruyama paths of the SGD, RMSprop or Adam SDE; moments of θ, loss, m and u over time.",
        discussion: """
            The SDE of the discrete run (η, β's, ε, σ = 1/√B) in the invariants σ₀ = ση, c = (1−β)/η², ε₀ = εη
            (Malladi et al. 2022, Defs. 4.1/4.3; Adam with γ ≡ 1, i.e. without bias correction). Continuous time is
            t = kη (SGD) or kη² (RMSprop/Adam). Starts at θ₀ = --theta0, m₀ = 0, u₀ = diag Σ. Outputs, per recorded
            time, the path means and standard errors of θ (coordinate average), θ², the loss, and m, m², u.

            Instead of --oracle, --model SPEC --params P.npy --data D.npz [--loss mse|ce] uses the dataset's noise:
            B = --batch-size samples drawn with replacement (σ = 1/√B), Σ(θ) the per-sample gradient covariance,
            θ₀ = --params, u₀ = diag Σ(θ₀). θ is summarized by the loss, theta = mean θᵢ, theta_sq = ‖θ‖²/d and
            the coordinates theta_0…theta_2.

            The optimizer is --process sgd|rmsprop|adam (paper 004's: sgd:plain, rmsprop:paper004, adam:paper004
            with bias_correction=off) or any --optimizer preset of 'biaslab optimizers' that is SGD, or RMSprop/Adam
            with ε outside the root, no weight decay and no bias correction; --lr, --beta1, --beta2, --eps
            override its settings.

            Examples:
              biaslab sde simulate --process rmsprop --oracle quadratic:h=1,s=1 --lr 0.1 --beta2 0.99 --eps 0 --batch-size 0.04 --time 5 --paths 2000
              biaslab sde simulate --process rmsprop --oracle quadratic:h=1,s=1 --lr 0.1 --beta2 0.9 --eps 0 --time 0.5 --paths 100 -o sde.html
              biaslab sde simulate --process adam --model mlp:4-8-1:tanh --params theta.npy --data data.npz --lr 0.01 --batch-size 4 --time 1e-3 --paths 50
              biaslab sde simulate --process sgd --oracle quadratic:h=1,s=1 --lr 0.1 --batch-size 0.04 --time 1 --paths 200 --records 5 --theta0 2 --dt 0.01 --seed 3 --json
              biaslab sde simulate --optimizer adam:paper004,bias_correction=off --lr 0.01 --beta1 0.9 --beta2 0.99 --model mlp:4-8-1:tanh --init-seed 1 --data sparse-regression:n=32,d=4,k=2,seed=1 --loss mse --batch-size 4 --time 1e-3 --paths 10 --json
            """)

    @OptionGroup var options: SDERunOptions

    @Option(name: .long, help: "Euler–Maruyama step Δt > 0 (default η_e/4: η/4 for SGD, η²/4 otherwise).")
    var dt: Double?

    @OptionGroup var output: OutputOptions

    func validate() throws {
        try OptionCheck.positive(dt, "--dt")
    }

    func run() throws {
        let (run, process) = try options.configuration()
        let source = try options.makeSource(process)
        let h = run.hyperparameters
        let sde = try AdaptiveSDE(process: process, learningRate: h.learningRate, noiseScale: source.oracle.noiseScale,
                                  beta1: h.beta1, beta2: h.beta2, epsilon: h.epsilon, biasCorrection: run.biasCorrection)
        let step = dt ?? run.effectiveStep / 4
        let moments = try EulerMaruyama.simulate(sde, oracle: source.oracle, initial: options.initialState(source, process), grid: options.grid(),
                                                 timeStep: step, paths: options.paths, seed: options.seed,
                                                 functions: source.functions)
        let i = sde.invariants
        try options.present(moments, process: process, parameters: Parameters(invariants: i, timeStep: step),
                            title: "The \(process.rawValue) SDE (paper 004 §3), Euler–Maruyama", settings: [("dt", OptionCheck.show(step))],
                            headline: "\(process.rawValue) SDE: sigma0 = \(OptionCheck.show(i.sigma0))"
                                + OptionCheck.listed(["c1": i.c1, "c2": i.c2, "eps0": i.eps0])
                                + ", eta*sigma^2 = \(OptionCheck.show(i.learningRateOverBatch)); dt = \(OptionCheck.show(step)), \(options.paths) paths",
                            output: output)
    }

    /// The SDE's own keys of the `--json` object (``SDERunOutput``).
    struct Parameters: Encodable {
        let invariants: SDEInvariants
        let timeStep: Double
    }
}
