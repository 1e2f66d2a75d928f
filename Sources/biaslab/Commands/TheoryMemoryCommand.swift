import ArgumentParser
import DataIO
import Foundation
import Tensor
import Theory

/// `biaslab theory memory`: the memory correction M of paper 001 as named terms, and its value at θ.
struct TheoryMemoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "memory",
        abstract: "The implicit correction M(θ) of an optimizer's memory (Cattaneo & Shigida, paper 001).",
        discussion: """
            The memoryless iteration θ ← θ − h[F(θ) + M(θ)] tracks the optimizer to O(h²) (Theorem 3.2,
            Corollary 3.3). M is printed as terms coefficient · p(g) ⊙ ∇Q with Q ∈ {grad_norm_sq = ‖∇L‖²,
            grad_l1 = ‖∇L‖_{1,ε}, grad_dot_theta = ∇Lᵀθ − L} and p ∈ {1, (g²+ε)^{-1/2}, (g²+ε)^{-3/2}};
            limit n → ∞ unless --step n. With --model/--params/--data/--loss it also evaluates M(θ) and each
            term at θ (full batch); --save-correction writes the vector M(θ) to an .npy file. Where paper 001
            gives the modified loss in closed form (heavy-ball, nesterov, adam/adamw as ε → 0), `modified_loss`
            lists L̃ as coefficients of loss, grad_norm_sq, grad_l1 and grad_dot_theta with its step scale
            (heavy ball at β = 0.9: L̃ = L + 45h‖∇L‖², step h/(1−β)).

            --optimizer names a preset of 'biaslab optimizers' (the same names as 'train'); paper 001's rules
            cover heavy-ball (momentum:paper), nesterov, adam:paper000, adamw:paper001, nadam:paper001,
            nadamw:paper001, rmsprop with eps_placement=insideSqrt,bias_correction=on, lion, lionk, signum,
            signgd and softsign; other conventions (e.g. adam:torch's ε outside the root) are refused, naming
            the setting. h is --lr (default: the preset's).

            Examples:
              biaslab theory memory --optimizer heavy-ball --lr 0.01 --beta 0.9 --json
              biaslab theory memory --optimizer heavy-ball --lr 0.01 --momentum 0.9 --step 10
              biaslab theory memory --optimizer adamw:paper001 --lr 1e-3 --beta1 0.9 --beta2 0.95 --eps 1e-6 --weight-decay 0.1 \\
                --model mlp:4-8-1:tanh --params theta.npy --data data.npz --loss mse --save-correction m.npy
              biaslab theory memory --optimizer heavy-ball --lr 0.01 --beta 0.9 --model mlp:4-8-1:tanh --init-seed 1 --data sparse-regression:n=16,d=4,k=2,seed=1 --json
            """)

    @OptionGroup var optimizer: OptimizerOptions

    @Option(name: .long, help: "Step index n for the exact finite-n correction (default: the limit n → ∞).")
    var step: Int?

    @OptionGroup var model: ModelOptions

    @Option(name: .customLong("save-correction"), help: "Write M(θ) to this .npy file (needs --model).")
    var saveCorrection: String?

    @OptionGroup var output: OutputOptions

    func validate() throws {
        try OptionCheck.atLeast(step, 0, "--step")
        if saveCorrection != nil, !model.isGiven { throw ValidationError("--save-correction needs --model, --params, --data and --loss") }
    }

    struct Term: Encodable {
        let name: String
        let functional: String
        let preconditioner: String
        let coefficient: Double
        let norm: Double?
    }

    struct Report: Encodable {
        let optimizer: String
        let learningRate: Double
        let step: Int?
        let terms: [Term]
        let correctionNorm: Double?
        let driftNorm: Double?
        let modifiedLoss: MemoryModifiedLoss.Terms?
    }

    func run() throws {
        let (rule, h, preset) = try optimizer.theoryModel(MemoryOptimizer.init)
        let terms = MemoryClosedForm.terms(for: rule, learningRate: h, step: step) ?? []
        var termNorms: [Double?] = terms.map { _ in nil }
        var correctionNorm: Double?, driftNorm: Double?
        if let (objective, theta) = try model.load() {
            if !terms.isEmpty {
                termNorms = MemoryClosedForm.evaluate(terms: terms, objective: objective, at: theta).map { VectorOps.norm($0) }
            }
            let m = MemoryClosedForm.correction(for: rule, objective: objective, at: theta, learningRate: h, step: step)
            correctionNorm = VectorOps.norm(m)
            driftNorm = VectorOps.norm(MemoryClosedForm.drift(for: rule, gradient: objective.gradient(at: theta), parameters: theta, step: step))
            if let saveCorrection {
                do { try NPY.write(Tensor(m), to: URL(fileURLWithPath: saveCorrection)) } catch {
                    throw UsageError("--save-correction '\(saveCorrection)': \(error)")
                }
            }
        }
        let report = Report(optimizer: preset, learningRate: h, step: step,
                            terms: zip(terms, termNorms).map { term, norm in
                                Term(name: term.name, functional: term.functional.rawValue, preconditioner: term.preconditioner.rawValue,
                                     coefficient: term.coefficient, norm: norm)
                            },
                            correctionNorm: correctionNorm, driftNorm: driftNorm,
                            modifiedLoss: MemoryModifiedLoss.terms(for: rule, learningRate: h))
        if try output.printJSON(report) { return }
        let show = OptionCheck.show
        print("\(report.optimizer), h = \(show(h)), \(step.map { "step n = \($0)" } ?? "limit n → ∞")")
        if terms.isEmpty { print("  M is not a sum of fixed terms here (Lion-𝒦 without bias correction at finite n, or sign Lion: M = 0)") }
        for term in report.terms {
            print("  \(term.name): coefficient \(show(term.coefficient))" + (term.norm.map { ", ‖term(θ)‖ = \(show($0))" } ?? ""))
        }
        if let correctionNorm, let driftNorm { print("  ‖M(θ)‖ = \(show(correctionNorm)), ‖F(θ)‖ = \(show(driftNorm))") }
        if let modified = report.modifiedLoss {
            let sum = modified.terms.map { "\(show($0.coefficient))·\($0.name)" }.joined(separator: " + ")
            print("  modified loss L̃ = \(sum), step \(show(modified.stepScale)) (\(modified.validity))")
        }
    }
}
