import ArgumentParser
import Foundation
import Tensor
import Theory

/// Where the noise ratio λ comes from: `--lambda`; or `--n`, `--batch-size`, `--b-simple`; or a model at θ
/// (`--model/--params/--data/--loss` with `--batch-size`), which measures B_simple from per-sample gradients.
struct NoiseRatioOptions: ParsableArguments {
    @OptionGroup var model: ModelOptions

    @Option(name: .long, help: "The noise ratio λ = (N/b − 1)/(N − 1)·B_simple directly (≥ 0).")
    var lambda: Double?

    @Option(name: .long, help: "Dataset size N (≥ 2).")
    var n: Int?

    @Option(name: .customLong("batch-size"), help: "Batch size b in [1, N].")
    var batchSize: Int?

    @Option(name: .customLong("b-simple"), help: "Simple noise scale B_simple = tr Σ / ‖g‖² (> 0).")
    var bSimple: Double?

    func validate() throws {
        try OptionCheck.nonNegative(lambda, "--lambda")
        try OptionCheck.atLeast(n, 2, "--n")
        try OptionCheck.atLeast(batchSize, 1, "--batch-size")
        try OptionCheck.positive(bSimple, "--b-simple")
        if model.isGiven {
            try OptionCheck.absent(lambda, "--lambda", because: "λ is measured from --model")
            try OptionCheck.absent(n, "--n", because: "N is the size of --data")
            try OptionCheck.absent(bSimple, "--b-simple", because: "B_simple is measured from --model")
            guard batchSize != nil else { throw ValidationError("--model needs --batch-size") }
            return
        }
        if lambda != nil, batchSize != nil {
            throw ValidationError("give either --lambda or --batch-size (with --n and --b-simple), not both")
        }
        if lambda == nil {
            guard let n, let batchSize, bSimple != nil else {
                throw ValidationError("give --lambda, or --n, --batch-size and --b-simple together")
            }
            if batchSize > n { throw ValidationError("--batch-size must be in [1, --n = \(n)], got \(batchSize)") }
        }
        if (n == nil) != (bSimple == nil) {
            throw ValidationError("--n and --b-simple go together (they give the transition batch sizes)")
        }
    }

    /// λ, from `--lambda` or from (N, b, B_simple).
    func noiseRatio() throws -> Double {
        if let lambda { return lambda }
        return try AdamNoiseScale.noiseRatio(datasetSize: Double(n!), batchSize: Double(batchSize!), simpleNoiseScale: bSimple!)
    }
}

/// `biaslab theory adam-noise`: C₁…C₅, C_total, transition batch sizes and the β rule of paper 000.
struct TheoryAdamNoiseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "adam-noise",
        abstract: "Adam's mini-batch-noise coefficients C1..C5, C_total and the (beta1, beta2) rule (Cattaneo & Shigida).",
        discussion: """
            C_total(β₁, β₂, λ) = β₁/(1−β₁) − β₂/(1−β₂) + (C₁ + C₂)λ with λ = (N/b − 1)/(N − 1)·B_simple
            (paper 000, Eqs. (7)–(8)). C_total > 0: implicit penalization of ‖∇L‖₁; < 0: anti-penalization.
            With --n and --b-simple it also prints b_half (λ = 1/2) and b_one (λ = 1).
            The Adam is --optimizer (default adam:paper000: ε inside the root, bias-corrected, as in Def. 3.1;
            other conventions are refused, naming the setting) with --beta1 and --beta2 (default 0.9, 0.999).

            Examples:
              biaslab theory adam-noise --beta1 0.9 --beta2 0.999 --lambda 0.3
              biaslab theory adam-noise --beta1 0.9 --beta2 0.95 --n 50000 --batch-size 512 --b-simple 300 --json
              biaslab theory adam-noise --model mlp:4-8-1:tanh --params theta.npy --data data.npz --loss mse \\
                --batch-size 8 --beta1 0.9 --beta2 0.999 --json
            With --model it measures B_simple and λ at θ from per-sample gradients and prints the norms of
            the vector terms FB and MBN1..MBN5 of Prop. 3.3 (per-sample gradients and HVPs).
              biaslab theory adam-noise --optimizer adam:paper000 --lr 1e-3 --beta1 0.9 --beta2 0.999 --eps 1e-8 --lambda 0.3 --json
              biaslab theory adam-noise --model mlp:4-8-1:tanh --init-seed 2 --data sparse-regression:n=32,d=4,k=2,seed=1 --batch-size 8 --beta1 0.9 --beta2 0.999 --json
            """)

    /// The Adam: --optimizer (default adam:paper000, paper 000's Def. 3.1) with --beta1 and --beta2.
    @OptionGroup var optimizer: CoreOptimizerOptions

    @OptionGroup var noise: NoiseRatioOptions

    @OptionGroup var output: OutputOptions

    func run() throws {
        let (coefficients, _, _) = try optimizer.theoryModel(defaultName: "adam:paper000", AdamNoiseCoefficients.init)
        let (beta1, beta2) = (coefficients.beta1, coefficients.beta2)
        if let (objective, theta) = try noise.model.load() {
            let b = noise.batchSize!
            guard b <= objective.sampleCount else {
                throw UsageError("--batch-size must be in [1, \(objective.sampleCount)] (the size of --data), got \(b)")
            }
            let terms = try AdamNoiseTerms(objective: objective, at: theta, batchSize: b, beta1: beta1, beta2: beta2)
            let transition = try AdamNoiseScale.transitionBatchSizes(datasetSize: Double(objective.sampleCount),
                                                                     simpleNoiseScale: terms.simpleNoiseScale)
            try report(coefficients, lambda: terms.noiseRatio, transition: transition, measured: terms)
            return
        }
        let lambda = try noise.noiseRatio()
        var transition: TransitionBatchSizes?
        if let n = noise.n, let bSimple = noise.bSimple {
            transition = try AdamNoiseScale.transitionBatchSizes(datasetSize: Double(n), simpleNoiseScale: bSimple)
        }
        try report(coefficients, lambda: lambda, transition: transition, measured: nil)
    }

    private func report(_ coefficients: AdamNoiseCoefficients, lambda: Double, transition: TransitionBatchSizes?,
                        measured: AdamNoiseTerms?) throws {
        let recommendation = try AdamBetaRecommendation(noiseRatio: lambda)
        let report = Report(c1: coefficients.c1, c2: coefficients.c2, c3: coefficients.c3, c4: coefficients.c4,
                            c5: coefficients.c5, fullBatchCoefficient: coefficients.fullBatch, lambda: lambda,
                            cTotal: coefficients.total(noiseRatio: lambda), bHalf: transition?.half, bOne: transition?.one,
                            recommendation: .init(beta1: recommendation.beta1, beta2: recommendation.beta2,
                                                  regime: recommendation.regime.rawValue, reason: recommendation.reason),
                            bSimple: measured?.simpleNoiseScale, fbNorm: measured.map { VectorOps.norm($0.fullBatch) },
                            mbnNorms: measured?.miniBatchNoise.map { VectorOps.norm($0) })
        if try output.printJSON(report) { return }
        let show = OptionCheck.show
        print("Adam (beta1, beta2) = (\(show(coefficients.beta1)), \(show(coefficients.beta2))), lambda = \(show(lambda))")
        print("  C1 = \(show(report.c1))  C2 = \(show(report.c2))  C3 = \(show(report.c3))  C4 = \(show(report.c4))  C5 = \(show(report.c5))")
        print("  full-batch coefficient = \(show(report.fullBatchCoefficient))")
        print("  C_total = \(show(report.cTotal)) (\(report.cTotal > 0 ? "penalizes" : "anti-penalizes") ‖∇L‖₁)")
        if let measured {
            print("  measured at θ: B_simple = \(show(measured.simpleNoiseScale)), ‖FB‖ = \(show(report.fbNorm!)), "
                  + "‖MBN1..5‖ = \(report.mbnNorms!.map(show).joined(separator: ", "))")
        }
        if let transition { print("  b_half = \(show(transition.half)), b_one = \(show(transition.one))") }
        print("  recommendation: beta1 = \(recommendation.beta1), beta2 = \(recommendation.beta2): \(recommendation.reason)")
    }

    /// The `--json` object.
    struct Report: Encodable {
        struct Recommendation: Encodable {
            let beta1: Double
            let beta2: Double
            let regime: String
            let reason: String
        }

        let c1, c2, c3, c4, c5: Double
        let fullBatchCoefficient: Double
        let lambda: Double
        let cTotal: Double
        let bHalf: Double?
        let bOne: Double?
        let recommendation: Recommendation
        /// B_simple, ‖FB‖ and ‖MBN₁‖…‖MBN₅‖ measured at θ (with --model).
        let bSimple: Double?
        let fbNorm: Double?
        let mbnNorms: [Double]?
    }
}
