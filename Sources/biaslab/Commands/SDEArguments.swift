import ArgumentParser
import Theory

extension SDEProcess: ExpressibleByArgument {}

/// The options `sde simulate` and `sde svag` share: the process, its hyperparameters, the analytic oracle
/// and the Monte-Carlo grid.
struct SDERunOptions: ParsableArguments {
    @Option(name: .long, help: "sgd, rmsprop or adam.")
    var process: SDEProcess

    @Option(name: .long, help: "quadratic:h=…,s=…[,g=…][,d=…][,noise=gaussian|exponential|rademacher] or linear:g=…,s=…[,d=…].")
    var oracle: String

    @Option(name: .long, help: "Learning rate η (> 0).")
    var lr: Double

    @Option(name: .long, help: "Adam's β₁ in [0, 1) (default 0.9).")
    var beta1: Double?

    @Option(name: .long, help: "RMSprop's β / Adam's β₂ in [0, 1) (default 0.999).")
    var beta2: Double?

    @Option(name: .long, help: "ε ≥ 0 outside the root (RMSprop, Adam; default 1e-8).")
    var eps: Double?

    @Option(name: .customLong("batch-size"), help: "B > 0: the oracle's noise scale is σ = 1/√B (default 1).")
    var batchSize: Double = 1

    @Option(name: .long, help: "Horizon T > 0 in continuous time (t = kη for SGD, kη² for RMSprop/Adam).")
    var time: Double

    @Option(name: .long, help: "Monte-Carlo paths P ≥ 2.")
    var paths: Int

    @Option(name: .long, help: "Seed (default 0).")
    var seed: UInt64 = 0

    @Option(name: .long, help: "Recorded times after t = 0 (default 10).")
    var records: Int = 10

    @Option(name: .long, help: "θ₀ in every coordinate (default 1); m₀ = 0, u₀ = diag Σ.")
    var theta0: Double = 1

    func validate() throws {
        try OptionCheck.positive(lr, "--lr")
        try OptionCheck.beta(beta1, "--beta1")
        try OptionCheck.beta(beta2, "--beta2")
        try OptionCheck.nonNegative(eps, "--eps")
        try OptionCheck.positive(batchSize, "--batch-size")
        try OptionCheck.positive(time, "--time")
        try OptionCheck.atLeast(paths, 2, "--paths")
        try OptionCheck.atLeast(records, 1, "--records")
        guard theta0.isFinite else { throw ValidationError("--theta0 must be finite, got \(theta0)") }
        switch process {
        case .sgd:
            try OptionCheck.absent(beta1, "--beta1", because: "--process sgd has no moments")
            try OptionCheck.absent(beta2, "--beta2", because: "--process sgd has no moments")
            try OptionCheck.absent(eps, "--eps", because: "--process sgd has no denominator")
        case .rmsprop:
            try OptionCheck.absent(beta1, "--beta1", because: "RMSprop's only β is --beta2")
        case .adam:
            break
        }
    }

    /// The oracle with σ = 1/√B.
    func makeOracle() throws -> DiagonalQuadraticOracle {
        do {
            return try DiagonalQuadraticOracle(parsing: oracle, noiseScale: 1 / batchSize.squareRoot())
        } catch {
            throw UsageError("--oracle: \(error)")
        }
    }

    /// η, β's and ε of the family (batch size 1: the oracle carries σ).
    func hyperparameters() throws -> ScalableHyperparameters {
        try ScalableHyperparameters(optimizer: process.family, learningRate: lr, batchSize: 1,
                                    beta1: process == .adam ? beta1 ?? 0.9 : nil,
                                    beta2: process == .sgd ? nil : beta2 ?? 0.999,
                                    epsilon: process == .sgd ? nil : eps ?? 1e-8)
    }

    /// θ₀ = `theta0`, m₀ = 0 (Adam), u₀ = diag Σ (RMSprop, Adam).
    func initialState(_ oracle: DiagonalQuadraticOracle) -> SDEState {
        let d = oracle.dimension
        return SDEState(time: 0, theta: [Double](repeating: theta0, count: d),
                        firstMoment: process == .adam ? [Double](repeating: 0, count: d) : [],
                        secondMoment: process == .sgd ? [] : oracle.noiseVariance)
    }

    func grid() throws -> SimulationGrid { try SimulationGrid(horizon: time, records: records) }

    /// Prints a simulation as text: one line per recorded time.
    static func printTable(_ moments: SimulationMoments) {
        print((["t"] + moments.series.map(\.name)).joined(separator: "  ") + "    (mean ± standard error)")
        for (k, t) in moments.times.enumerated() {
            let cells = moments.series.map { "\(OptionCheck.show($0.means[k])) ± \(OptionCheck.show($0.standardErrors[k]))" }
            print(([OptionCheck.show(t)] + cells).joined(separator: "  "))
        }
    }
}
