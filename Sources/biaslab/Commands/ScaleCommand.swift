import DataIO
import Curvature
import ArgumentParser
import Foundation
import Theory

/// `biaslab scale`: moves a configuration to another batch size by a scaling rule (papers 003 and 004).
struct ScaleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scale",
        abstract: "Scale learning rate, betas and epsilon to a new batch size (linear, square-root or LSSR rule).",
        discussion: """
            κ = to-batch-size / batch-size. Every rule keeps the number of epochs (steps × 1/κ).
              linear  η·κ (SGD's linear scaling rule; keeps η/B).
              sqrt    η·√κ, 1−β ← κ(1−β), ε/√κ, v₀/κ for RMSprop/Adam (Malladi et al. 2022, Def. 5.1/5.2);
                      keeps the SDE invariants σ₀ = η/√B, c = (1−β)/η², ε₀ = εη. On SGD: η·√κ.
              lssr    η·ρ_B₁/ρ_B₀ for SGD (Lee & Jang 2023, eq. 17), needs --rho (ρ = ρ₁) and --n.
            --variant picks the paper's ablations: sqrt lr | lr-eps | lr-eps-beta1 | lr-eps-beta2 | full;
            linear lr | lr-beta1 | lr-beta2 | lr-betas. RMSprop's β is --beta2.
            --optimizer names a preset of 'biaslab optimizers' (the same names as 'train'): an SGD, RMSprop or
            Adam preset with ε outside the root and no weight decay (e.g. sgd, adam:torch, rmsprop:paper004);
            its settings and --lr, --beta1, --beta2, --eps give the base hyperparameters.
            A scaled β outside its range is reported with valid = false and a reason.

            Examples:
              biaslab scale --rule sqrt --optimizer adam --batch-size 256 --to-batch-size 4096 --lr 1e-3 --beta1 0.999 --beta2 0.999 --eps 1e-8
              biaslab scale --rule linear --optimizer sgd --batch-size 128 --to-batch-size 512 --lr 0.1 --json
              biaslab scale --rule lssr --optimizer sgd --batch-size 64 --to-batch-size 1024 --lr 0.02 --rho 0.0078125 --n 8192
              biaslab scale --rule sqrt --variant lr-eps --optimizer adam --batch-size 256 --to-batch-size 4096 --lr 1e-3 --beta1 0.9 --beta2 0.999 --eps 1e-8 --json
              biaslab scale --rule lssr --optimizer sgd --batch-size 64 --to-batch-size 1024 --lr 0.02 --rho 0.0078125 --n 8192 --sampling with-replacement --json
            """)

    enum RuleName: String, CaseIterable, ExpressibleByArgument {
        case linear, sqrt, lssr
    }

    @Option(name: .long, help: "Scaling rule.")
    var rule: RuleName

    @OptionGroup var optimizerOptions: CoreOptimizerOptions

    @Option(name: .customLong("batch-size"), help: "Base batch size B₀ (≥ 1).")
    var batchSize: Int

    @Option(name: .customLong("to-batch-size"), help: "New batch size B₁ (≥ 1).")
    var toBatchSize: Int

    @Option(name: .long, help: "LSSR: ρ = ρ₁ = ‖∇L‖² / mean‖∇ℓᵢ‖², in (0, 1].")
    var rho: Double?

    @Option(name: .long, help: "LSSR: dataset size N.")
    var n: Int?

    /// LSSR's γ_{n,b} depends on it (eq. (1)); the other rules ignore it.
    @OptionGroup var batchSampling: SamplingOptions

    @Option(name: .long, help: "Ablation variant of the sqrt or linear rule (see the discussion).")
    var variant: String?

    @OptionGroup var output: OutputOptions

    func validate() throws {
        try OptionCheck.atLeast(batchSize, 1, "--batch-size")
        try OptionCheck.atLeast(toBatchSize, 1, "--to-batch-size")
        try OptionCheck.unitInterval(rho, "--rho")
        if rule == .lssr {
            guard rho != nil else { throw ValidationError("--rule lssr needs --rho (ρ₁ in (0, 1])") }
            guard let n else { throw ValidationError("--rule lssr needs --n (the dataset size)") }
            try OptionCheck.atLeast(n, 1, "--n")
            let sampling = try batchSampling.randomBatches(for: "--rule lssr's γ_{n,b}")
            if sampling != .withReplacement, max(batchSize, toBatchSize) > n {
                throw ValidationError("--batch-size and --to-batch-size must be ≤ --n (\(n)) without replacement, got \(max(batchSize, toBatchSize))")
            }
            try OptionCheck.absent(variant, "--variant", because: "--rule lssr has no variants")
        } else {
            try OptionCheck.absent(rho, "--rho", because: "only --rule lssr uses it")
            try OptionCheck.absent(n, "--n", because: "only --rule lssr uses it")
        }
        _ = try scalingRule()
    }

    func scalingRule() throws -> ScalingRule {
        switch rule {
        case .linear:
            guard let variant else { return .linear(.learningRateOnly) }
            guard let parsed = LinearVariant(rawValue: variant) else {
                throw ValidationError("--variant for --rule linear must be one of \(LinearVariant.allCases.map(\.rawValue).joined(separator: ", ")), got '\(variant)'")
            }
            return .linear(parsed)
        case .sqrt:
            guard let variant else { return .squareRoot(.full) }
            guard let parsed = SquareRootVariant(rawValue: variant) else {
                throw ValidationError("--variant for --rule sqrt must be one of \(SquareRootVariant.allCases.map(\.rawValue).joined(separator: ", ")), got '\(variant)'")
            }
            return .squareRoot(parsed)
        case .lssr:
            return .lssr(rho: rho ?? 1, datasetSize: Double(n ?? 1), sampling: batchSampling.sampling)
        }
    }

    func run() throws {
        let (base, _, preset) = try optimizerOptions.theoryModel { try ScalableHyperparameters($0, batchSize: Double(batchSize)) }
        if rule == .lssr, base.optimizer != .sgd {
            throw UsageError("--rule lssr needs an SGD optimizer (paper 003 derives it for SGD), got \(preset)")
        }
        let result = try scalingRule().apply(to: base, newBatchSize: Double(toBatchSize))
        let report = Report(result)
        if try output.printJSON(report) { return }
        let h = result.hyperparameters
        print("\(rule.rawValue) rule, \(base.optimizer.rawValue): batch \(batchSize) → \(toBatchSize) (κ = \(OptionCheck.show(result.kappa)))")
        print("  lr     \(OptionCheck.show(base.learningRate)) → \(OptionCheck.show(h.learningRate))")
        for (name, old, new) in [("beta1 ", base.beta1, h.beta1), ("beta2 ", base.beta2, h.beta2), ("eps   ", base.epsilon, h.epsilon)] {
            if let old, let new { print("  \(name) \(OptionCheck.show(old)) → \(OptionCheck.show(new))") }
        }
        print("  steps  × \(OptionCheck.show(result.stepsFactor)) (same epochs)")
        if let before = result.concentrationBefore, let after = result.concentrationAfter {
            print("  rho_b  \(OptionCheck.show(before)) → \(OptionCheck.show(after))")
        }
        let i = result.invariantsAfter
        var invariants = "  SDE invariants: sigma0 = \(OptionCheck.show(i.sigma0))"
        if let c1 = i.c1 { invariants += ", c1 = \(OptionCheck.show(c1))" }
        if let c2 = i.c2 { invariants += ", c2 = \(OptionCheck.show(c2))" }
        if let eps0 = i.eps0 { invariants += ", eps0 = \(OptionCheck.show(eps0))" }
        print(invariants + (result.invariantsPreserved ? " (preserved)" : " (changed)"))
        print(result.valid ? "  valid" : "  INVALID: \(result.reason ?? "")")
    }

    /// The `--json` object.
    struct Report: Encodable {
        struct Invariants: Encodable {
            let sigma0: Double
            let c1: Double?
            let c2: Double?
            let eps0: Double?
            let lrOverBatch: Double

            init(_ i: SDEInvariants) {
                (sigma0, c1, c2, eps0, lrOverBatch) = (i.sigma0, i.c1, i.c2, i.eps0, i.learningRateOverBatch)
            }
        }

        let lr: Double
        let beta1: Double?
        let beta2: Double?
        let eps: Double?
        let batchSize: Double
        let kappa: Double
        let stepsFactor: Double
        let v0Factor: Double
        let valid: Bool
        let reason: String?
        let invariants: Invariants
        let baseInvariants: Invariants
        let invariantsPreserved: Bool
        let rhoBFrom: Double?
        let rhoBTo: Double?

        init(_ r: ScalingResult) {
            let h = r.hyperparameters
            (lr, beta1, beta2, eps, batchSize) = (h.learningRate, h.beta1, h.beta2, h.epsilon, h.batchSize)
            (kappa, stepsFactor, v0Factor, valid, reason) = (r.kappa, r.stepsFactor, h.secondMomentInitScale, r.valid, r.reason)
            invariants = Invariants(r.invariantsAfter)
            baseInvariants = Invariants(r.invariantsBefore)
            invariantsPreserved = r.invariantsPreserved
            (rhoBFrom, rhoBTo) = (r.concentrationBefore, r.concentrationAfter)
        }
    }
}
