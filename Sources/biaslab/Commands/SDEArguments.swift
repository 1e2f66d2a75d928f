import ArgumentParser
import Experiments
import NN
import Tensor
import Theory

extension SDEProcess: ExpressibleByArgument {}

/// The options `sde simulate` and `sde svag` share: the optimizer (`--process`, or `--optimizer` with the
/// shared optimizer flags) and so the SDE process and its hyperparameters, the gradient source
/// (exactly one of an analytic `--oracle` or a `--model` with `--params` and `--data`) and the Monte-Carlo grid.
///
/// With `--model`, the NGOS is the dataset's (`DatasetGradientOracle`): B = --batch-size samples drawn with
/// replacement (σ = 1/√B), Σ(θ) the per-sample gradient covariance; θ₀ = --params, u₀ = diag Σ(θ₀), m₀ = 0.
/// High-dimensional θ is summarized by the loss, θ = (1/d)Σθᵢ, theta_sq = ‖θ‖²/d and the first three
/// coordinates theta_0, theta_1, theta_2 (m, m_sq, u likewise as coordinate averages).
struct SDERunOptions: ParsableArguments {
    @Option(name: .long, help: "sgd, rmsprop or adam: paper 004's optimizer of the family (sgd:plain, rmsprop:paper004, adam:paper004 with bias_correction=off); the same as --optimizer with that preset.")
    var process: SDEProcess?

    @Option(name: .long, help: "quadratic:h=…,s=…[,g=…][,d=…][,noise=gaussian|exponential|rademacher] or linear:g=…,s=…[,d=…] (or use --model).")
    var oracle: String?

    @OptionGroup var model: ModelOptions

    /// --optimizer (an SGD, RMSprop or Adam preset with ε outside the root, no weight decay) and --lr,
    /// --beta1, --beta2, --eps.
    @OptionGroup var optimizerOptions: CoreOptimizerOptions

    @Option(name: .customLong("batch-size"), help: "B > 0: the noise scale is σ = 1/√B (default 1; an integer with --model).")
    var batchSize: Double = 1

    @Option(name: .long, help: "Horizon T > 0 in continuous time (t = kη for SGD, kη² for RMSprop/Adam).")
    var time: Double

    @Option(name: .long, help: "Monte-Carlo paths P ≥ 2.")
    var paths: Int

    @Option(name: .long, help: "Seed (default 0).")
    var seed: UInt64 = 0

    @Option(name: .long, help: "Recorded times after t = 0 (default 10).")
    var records: Int = 10

    @Option(name: [.customShort("o"), .customLong("output")],
            help: "Write the curves (each test function's mean over the paths against t, ±2 standard errors) as an HTML report here.")
    var report: String?

    @Option(name: .long, help: "θ₀ in every coordinate with --oracle (default 1); m₀ = 0, u₀ = diag Σ.")
    var theta0: Double?

    func validate() throws {
        if (process == nil) == (optimizerOptions.optimizer == nil) {
            throw ValidationError("give exactly one of --process sgd|rmsprop|adam or --optimizer NAME")
        }
        try OptionCheck.positive(batchSize, "--batch-size")
        try OptionCheck.positive(time, "--time")
        try OptionCheck.atLeast(paths, 2, "--paths")
        try OptionCheck.atLeast(records, 1, "--records")
        if (oracle == nil) == (model.model == nil) {
            throw ValidationError("give exactly one of --oracle SPEC or --model SPEC --params P.npy --data D.npz")
        }
        if let theta0, !theta0.isFinite { throw ValidationError("--theta0 must be finite, got \(theta0)") }
        if model.isGiven {
            try OptionCheck.absent(theta0, "--theta0", because: "with --model θ₀ is --params")
            guard batchSize >= 1, batchSize.rounded() == batchSize, batchSize <= Double(Int32.max) else {
                throw ValidationError("--batch-size must be a positive integer with --model (samples drawn with replacement), got \(batchSize)")
            }
        }
    }

    /// The discrete run of --optimizer or --process (η, β's, ε, v timing; `DiscreteOptimizerRun(_:)`) and
    /// its SDE process. The SDE starts at t = 0, so Adam must run without bias correction (γ ≡ 1).
    func configuration() throws -> (run: DiscreteOptimizerRun, process: SDEProcess) {
        let (run, _, preset) = try optimizerOptions.theoryModel(defaultName: process?.paperPreset ?? "sgd", DiscreteOptimizerRun.init)
        guard run.biasCorrection == .off else {
            throw UsageError("--optimizer \(preset): the SDE starts at t = 0, where bias-corrected Adam's γ₁(0) = 0; give bias_correction=off")
        }
        return (run, SDEProcess(run.hyperparameters.optimizer))
    }

    /// The gradient source: the oracle, θ₀, u₀ = diag Σ(θ₀) and the recorded test functions.
    struct Source {
        let oracle: any NoisyGradientOracle
        let theta0: [Double]
        let covarianceDiagonal: [Double]
        let functions: [SDETestFunction]
    }

    /// The analytic oracle with σ = 1/√B, or the dataset NGOS of --model/--params/--data with B samples.
    func makeSource(_ process: SDEProcess) throws -> Source {
        let standard = SDETestFunction.standard(for: process)
        if let (objective, theta) = try model.load() {
            let oracle = try DatasetGradientOracle(objective: objective, batchSize: Int(batchSize))
            var generator = RandomGenerator(seed: 0)
            let diagonal = oracle.sdeCoefficients(at: theta, using: &generator).covarianceDiagonal
            return Source(oracle: oracle, theta0: theta, covarianceDiagonal: diagonal,
                          functions: standard + (0..<min(3, theta.count)).map { .theta($0) })
        }
        let analytic: DiagonalQuadraticOracle
        do {
            analytic = try DiagonalQuadraticOracle(parsing: oracle ?? "", noiseScale: 1 / batchSize.squareRoot())
        } catch {
            throw UsageError("--oracle: \(error)")
        }
        return Source(oracle: analytic, theta0: [Double](repeating: theta0 ?? 1, count: analytic.dimension),
                      covarianceDiagonal: analytic.noiseVariance, functions: standard)
    }

    /// θ₀, m₀ = 0 (Adam), u₀ = diag Σ(θ₀) (RMSprop, Adam).
    func initialState(_ source: Source, _ process: SDEProcess) -> SDEState {
        SDEState(time: 0, theta: source.theta0,
                 firstMoment: process == .adam ? [Double](repeating: 0, count: source.theta0.count) : [],
                 secondMoment: process == .sgd ? [] : source.covarianceDiagonal)
    }

    func grid() throws -> SimulationGrid { try SimulationGrid(horizon: time, records: records) }

    /// Presents a finished simulation, the same way for `sde simulate` and `sde svag`: with -o the curves as an
    /// HTML report (``MomentCurvesReport``, `settings` then paths and seed at its foot); with --json the
    /// ``SDERunOutput`` object; otherwise `headline`, then one line per recorded time (mean ± standard error).
    func present<Parameters: Encodable>(_ moments: SimulationMoments, process: SDEProcess, parameters: Parameters, title: String,
                                        settings: [(String, String)], headline: String, output: OutputOptions) throws {
        if let report {
            let page = MomentCurvesReport.html(moments, title: title, settings: settings + [("paths", "\(paths)"), ("seed", "\(seed)")])
            try StandardStreams.writeFile(page, to: report, option: "-o")
        }
        if try output.printJSON(SDERunOutput(process: process.rawValue, parameters: parameters, paths: paths, seed: seed,
                                             series: moments.series)) { return }
        print(headline)
        print((["t"] + moments.series.map(\.name)).joined(separator: "  ") + "    (mean ± standard error)")
        for (k, t) in moments.times.enumerated() {
            let cells = moments.series.map { "\(OptionCheck.show($0.means[k])) ± \(OptionCheck.show($0.standardErrors[k]))" }
            print(([OptionCheck.show(t)] + cells).joined(separator: "  "))
        }
    }
}

/// The `--json` object of `sde simulate` and `sde svag`: the command's own `parameters` (their keys at the top
/// level) beside the process, the number of paths, the seed and the moment series.
struct SDERunOutput<Parameters: Encodable>: Encodable {
    let process: String
    let parameters: Parameters
    let paths: Int
    let seed: UInt64
    let series: [MomentSeries]

    enum CodingKeys: String, CodingKey { case process, paths, seed, series }

    func encode(to encoder: Encoder) throws {
        try parameters.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(process, forKey: .process)
        try container.encode(paths, forKey: .paths)
        try container.encode(seed, forKey: .seed)
        try container.encode(series, forKey: .series)
    }
}
