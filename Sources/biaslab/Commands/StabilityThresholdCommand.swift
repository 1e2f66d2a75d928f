import ArgumentParser
import Foundation
import Theory

/// `biaslab stability-threshold`: the edge-of-stability threshold for a learning rate, and where a given
/// sharpness sits relative to it.
struct StabilityThresholdCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stability-threshold",
        abstract: "Edge-of-stability threshold for SGD, generalized momentum or Adam; classify a sharpness against it.",
        discussion: """
              sgd       2ρ_b/η for the interaction-aware sharpness tr(HS_b)/tr(S_b) (Lee & Jang 2023, eq. 16);
                        --rho-b defaults to 1 (full batch: 2/η).
              momentum  (2/η)(1+β₁)/(1+2β₂) for a Hessian eigenvalue (Lee & Jang 2023, Thm 2): heavy ball
                        (momentum, heavy-ball; --momentum β) is β₁ = β, β₂ = 0 (Polyak); nesterov:torch is
                        β₂ = β₁; generalized-momentum and nesterov:paper003 take --beta1 and --beta2.
              adam      (2+2β₁)/((1−β₁)η) for the preconditioned sharpness λ₁(P⁻¹H) (Cohen et al. 2022);
                        needs ε outside the root (adam:torch, adam:optax, …).
            --optimizer names a preset of 'biaslab optimizers' (the same names as 'train'); presets with weight
            decay or conventions the thresholds do not cover are refused, naming the setting.
            With --sharpness S: threshold_ratio = S/threshold (as in 'biaslab stability') and regime stable
            (threshold_ratio < 1 − band), edge (|threshold_ratio − 1| ≤ band) or unstable (threshold_ratio > 1 + band); --edge-band defaults to 0.05 (GD hovers within a few percent of the
            threshold; use 0.1–0.15 for noisy SGD measurements).

            Examples:
              biaslab stability-threshold --optimizer sgd --lr 0.02 --sharpness 101
              biaslab stability-threshold --optimizer generalized-momentum --lr 0.01 --beta1 0.9 --beta2 0.9 --json
              biaslab stability-threshold --optimizer adam --lr 1e-3 --beta1 0.9 --sharpness 36000
              biaslab stability-threshold --optimizer sgd --lr 0.02 --rho-b 0.5 --sharpness 60 --edge-band 0.1 --json
              biaslab stability-threshold --optimizer heavy-ball --lr 0.01 --momentum 0.8 --json
              biaslab stability-threshold --optimizer heavy-ball --lr 0.01 --beta 0.8
              biaslab stability-threshold --optimizer adam:torch --lr 0.001 --eps 1e-6 --json
            """)

    @OptionGroup var optimizerOptions: OptimizerOptions

    @Option(name: .customLong("rho-b"), help: "SGD: concentration ρ_b = ‖∇L‖²/E‖g_ξ‖² in (0, 1] (default 1).")
    var rhoB: Double?

    @Option(name: .long, help: "A measured sharpness to classify (≥ 0).")
    var sharpness: Double?

    @Option(name: .customLong("edge-band"), help: "Relative half-width of the edge band, in [0, 1) (default 0.05).")
    var edgeBand: Double = 0.05

    @OptionGroup var output: OutputOptions

    func validate() throws {
        try OptionCheck.unitInterval(rhoB, "--rho-b")
        try OptionCheck.nonNegative(sharpness, "--sharpness")
        try OptionCheck.beta(edgeBand, "--edge-band")
    }

    func run() throws {
        let (model, lr, preset) = try optimizerOptions.theoryModel(StabilityOptimizer.init)
        if rhoB != nil, model != .sgd { throw UsageError("--rho-b: only SGD's threshold uses it, not \(preset)'s") }
        let threshold: Double
        let measure: String
        switch model {
        case .sgd:
            threshold = try StabilityThreshold.sgd(learningRate: lr, concentration: rhoB ?? 1)
            measure = "interaction-aware sharpness tr(HS_b)/tr(S_b)"
        case .momentum(let beta1, let beta2):
            threshold = try StabilityThreshold.momentum(learningRate: lr, beta1: beta1, beta2: beta2)
            measure = "Hessian eigenvalue"
        case .adam(let beta1, _):
            threshold = try StabilityThreshold.adam(learningRate: lr, beta1: beta1)
            measure = "preconditioned sharpness lambda_1(P^-1 H)"
        }
        let classification = try sharpness.map { try StabilityClassification(sharpness: $0, threshold: threshold, edgeBand: edgeBand) }
        let report = Report(threshold: threshold, measure: measure, thresholdRatio: classification?.ratio,
                            regime: classification?.regime.rawValue, edgeBand: classification == nil ? nil : edgeBand)
        if try output.printJSON(report) { return }
        print("threshold = \(OptionCheck.show(threshold)) for the \(measure)")
        if let classification {
            print("sharpness \(OptionCheck.show(classification.sharpness)): threshold_ratio = \(OptionCheck.show(classification.ratio)), "
                  + "\(classification.regime.rawValue) (edge band ±\(OptionCheck.show(edgeBand * 100))%)")
        }
    }

    /// The `--json` object.
    struct Report: Encodable {
        let threshold: Double
        let measure: String
        let thresholdRatio: Double?
        let regime: String?
        let edgeBand: Double?
    }
}
