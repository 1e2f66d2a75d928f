import DataIO
import Foundation
import NN
import Optim
import Theory

/// Paper 004 Fig. 1, Figs. 12–19, 24–25, with Figs. 4–5 (digest 004 §4.1–4.2, §7): an adaptive optimizer
/// trained at a base batch size B₀, then at κB₀ with the same number of epochs under
/// ```
/// square root (Def. 5.1/5.2):  η' = √κ·η   1−β' = κ(1−β)   ε' = ε/√κ
/// linear, App. I.2 (d):        η' = κη     1−β' = κ(1−β)   ε' = ε
/// no change:                   η' = η      β' = β          ε' = ε
/// partial square root, Fig. 24 (a)–(d): η only; η, ε; η, ε, β₁; η, ε, β₂
/// ```
/// The square-root rule keeps the SDE (σ₀ = η/√B, c = (1−β)/η², ε₀ = εη) and so the trajectory as a
/// function of epochs (Thm 5.3), as long as the gradient noise dominates the gradient — B below the simple
/// noise scale B_simple = tr Σ/‖g‖² (Figs. 4–5), measured here along the base runs.
///
/// Miniature: a tanh MLP 784-32-10 on the first 1024 Fashion-MNIST training images (cross-entropy),
/// batches drawn with replacement as in the paper, 30 epochs, B₀ = 8 and κ ∈ {4, 16, 64} (B up to 512).
/// Arms: Adam (bias-corrected, ε outside √) with the paper's CIFAR betas β₁ = β₂ = 0.999, η = 10⁻³ and
/// ε = 10⁻⁸; the same with ε = 10⁻³⁰ ≈ 0 (Fig. 2's small-ε runs); Adam with lagged v (Fig. 6,
/// `adam:paper004` without bias correction, from v₀ = E[g_B ⊙ g_B] at θ₀: its first step divides by √v₀ + ε,
/// so v₀ = 0 would make it a step of size η/ε — digest 004 §2.1's hazard); RMSprop (β = 0.999, bias-corrected, ε outside √). Each run records the full training
/// loss at every epoch boundary (and B_simple on the 1024 samples for the base runs), and the loss and
/// accuracy on the first 1000 test images at the end. The gap of a scaled run to its base run (same seed) is
/// the mean over epochs 1…E of |log L(e) − log L₀(e)|, ∞ for a run that diverged. Claims and criteria were
/// written before the study was first run.
struct SquareRootRuleStudy: GridStudy {
    static let about = StudyAbout(name: "004-sqrt", title: "The square-root scaling rule keeps Adam and RMSprop on their small-batch path across batch sizes")

    /// A change of the base configuration at κB₀ (paper 004 §5, App. I).
    enum Rule: Hashable, CustomStringConvertible {
        /// The same η, β's and ε at the larger batch.
        case none
        case scaling(ScalingRule)

        var description: String {
            switch self {
            case .none: "none"
            case .scaling(.squareRoot(let variant)): variant == .full ? "sqrt" : "sqrt-\(variant.rawValue)"
            case .scaling(.linear(let variant)): "linear-\(variant.rawValue)"
            case .scaling(.lssr): "lssr"
            }
        }

        static func == (a: Rule, b: Rule) -> Bool { a.description == b.description }
        func hash(into hasher: inout Hasher) { hasher.combine(description) }

        static let squareRoot = Rule.scaling(.squareRoot(.full))
        static let linear = Rule.scaling(.linear(.learningRateBetas))
        static let partials: [Rule] = SquareRootVariant.allCases.filter { $0 != .full }.map { .scaling(.squareRoot($0)) }
    }

    /// The second moment an adaptive run starts from.
    enum SecondMomentStart: String, CustomStringConvertible {
        /// v₀ = 0, the usual start (with bias correction).
        case zero
        /// v₀ = E_B[g_B ⊙ g_B] = g⊙g + diag Σ/B at θ₀ (batches of B drawn with replacement), exact from the
        /// per-sample gradients. Paper 004 assumes v₀ ≠ 0 for its lagged-v Adam (Def. 2.2, App. D), whose
        /// first step divides by √v₀ + ε (digest 004 §2.1's implementation hazard); in the noise-dominated
        /// regime this v₀ ≈ diag Σ/B scales as the square-root rule's v₀' = v₀/κ.
        case expectedSquaredBatchGradient = "E[g_B^2]"

        var description: String { rawValue }
    }

    /// An optimizer configuration at the base batch size and the rules compared on it.
    struct Arm {
        let name: String
        let label: String
        let settings: any OptimizerSettings
        var start: SecondMomentStart = .zero
        let rules: [Rule]
    }

    struct Setting: CustomStringConvertible {
        /// The model, training and test data (cross-entropy).
        let problem: StudyProblem
        let baseBatch: Int
        let kappas: [Int]
        let epochs: Int
        let arms: [Arm]

        var description: String {
            "\(problem.model); \(problem.train); \(problem.test ?? "none"); B0 \(baseBatch); kappa \(kappas); epochs \(epochs); arms "
                + arms.map { "\($0.name)=\($0.settings.summary) v0 \($0.start) rules \($0.rules)" }.joined(separator: ", ")
        }
    }

    static func arms(quick: Bool) -> [Arm] {
        declared(about, "arms") {
            let adam = try Adam.Hyperparameters(learningRate: 1e-3, beta1: 0.999, beta2: 0.999, epsilon: 1e-8)
            let main = Arm(name: "adam", label: "Adam, ε = 1e-8", settings: adam, rules: [.squareRoot, .linear, .none] + Rule.partials)
            let lagged = Arm(name: "adam-lagged", label: "Adam, lagged v (App. D: no bias correction, v₀ = E[g_B²])",
                             settings: try Adam.Hyperparameters(learningRate: 1e-3, beta1: 0.999, beta2: 0.999, epsilon: 1e-8,
                                                                biasCorrection: .off, secondMomentTiming: .lagged),
                             start: .expectedSquaredBatchGradient, rules: [.squareRoot, .linear, .none])
            if quick { return [main, lagged] }
            return [main,
                    Arm(name: "adam-eps0", label: "Adam, ε = 1e-30", settings: try adam.with(epsilon: 1e-30),
                        rules: [.squareRoot, .linear, .none]),
                    lagged,
                    Arm(name: "rmsprop", label: "RMSprop, ε = 1e-8",
                        settings: try RMSprop.Hyperparameters(learningRate: 1e-3, beta2: 0.999, epsilon: 1e-8, biasCorrection: .on),
                        rules: [.squareRoot, .linear, .none])]
        }
    }

    static func setting(quick: Bool) -> Setting {
        quick ? Setting(problem: StudyProblem(model: "mlp:784-8-10:tanh", train: "fashion-mnist:train,n=64", test: "fashion-mnist:test,n=64", loss: "ce"),
                        baseBatch: 4, kappas: [4], epochs: 2, arms: arms(quick: true))
              : Setting(problem: StudyProblem(model: "mlp:784-32-10:tanh", train: "fashion-mnist:train,n=1024", test: "fashion-mnist:test,n=1000", loss: "ce"),
                        baseBatch: 8, kappas: [4, 16, 64], epochs: 30, arms: arms(quick: false))
    }

    /// Fig. 1 and App. I: "the test accuracies vary by at most 3% across batch sizes" under the rule.
    static let accuracyTolerance = 0.03

    var claims: [Claim] {
        [
            Claim(id: "004-sqrt-tracks", source: "Fig. 1, Figs. 12–19; Thm 5.3",
                  statement: "where the gradient noise dominates, Adam scaled by the square-root rule follows the base run's training loss over epochs more closely than the linear rule or no change",
                  criterion: "Adam (ε = 1e-8): at every κ with κB₀ ≤ B_noise (the median over epochs of the base runs' B_simple, seed mean), gap(sqrt) < gap(linear (d)) and gap(sqrt) < gap(none), gap = mean over epochs of |log L − log L₀|: on the seed-mean gaps (else not reproduced) and for every seed (else inconclusive); inconclusive when no κ has κB₀ ≤ B_noise"),
            Claim(id: "004-sqrt-tracks-variants", source: "Figs. 12–19 (RMSprop), Fig. 2 (ε ≈ 0), Fig. 6 (lagged v)",
                  statement: "the same holds for RMSprop, for Adam with ε ≈ 0 and for Adam with lagged v",
                  criterion: "the criterion of 004-sqrt-tracks, in each of the arms adam-eps0, adam-lagged and rmsprop"),
            Claim(id: "004-sqrt-test-accuracy", source: "Fig. 1 and App. I (\"at most 3%\")",
                  statement: "under the square-root rule the final test accuracy differs from the base run's by at most 3%",
                  criterion: "in every arm and at every κ with κB₀ ≤ B_noise, |test accuracy(sqrt, κ) − test accuracy(base)| ≤ 0.03: on seed means (else not reproduced) and for every seed (else inconclusive); inconclusive when no κ qualifies"),
            Claim(id: "004-sqrt-partial", source: "Fig. 24 (App. I.1)",
                  statement: "the full square-root rule (η, ε, β₁, β₂) beats the partial rules that leave some of them unscaled",
                  criterion: "Adam (ε = 1e-8): at every κ with κB₀ ≤ B_noise, gap(sqrt) < gap of each partial variant (a) η, (b) η ε, (c) η ε β₁, (d) η ε β₂: on seed means (else not reproduced) and for every seed (else inconclusive); inconclusive when no κ qualifies"),
            Claim(id: "004-sqrt-breaks", source: "Figs. 4–5; digest 004 §4.1 (noise dominance)",
                  statement: "the rule degrades once the batch exceeds the noise scale",
                  criterion: "Adam (ε = 1e-8): gap(sqrt) at every κ with κB₀ > B_noise exceeds gap(sqrt) at every κ with κB₀ ≤ B_noise: on seed means (else not reproduced) and for every seed (else inconclusive); inconclusive unless both kinds of κ occur"),
        ]
    }

    static func key(arm: String, rule: Rule?, kappa: Int, seed: Int) -> String {
        rule.map { "\(arm)/\($0)/k=\(kappa),seed=\(seed)" } ?? "\(arm)/base,seed=\(seed)"
    }

    /// Per seed and arm: the base run, then every rule at every κ.
    /// A run of an arm: its base run (rule nil, κ = 1) or a rule at κ.
    struct Point {
        let arm: Arm
        let rule: Rule?
        let kappa: Int
    }

    /// Per seed and arm: the base run, then every rule at every κ.
    static func grid(_ s: Setting) -> StudyGrid<Point> {
        let points = s.arms.flatMap { arm in
            [Point(arm: arm, rule: nil, kappa: 1)] + s.kappas.flatMap { kappa in arm.rules.map { Point(arm: arm, rule: $0, kappa: kappa) } }
        }
        return StudyGrid(points: points, configuration: String(describing: s)) { key(arm: $0.arm.name, rule: $0.rule, kappa: $0.kappa, seed: $1) }
    }

    func measure(_ point: Point, _ run: StudyRun, _ s: Setting) throws -> StudySeries {
        guard let rule = point.rule else {
            return try train(s, settings: point.arm.settings, start: point.arm.start, batchSize: s.baseBatch, seed: run.seed, noiseScale: true)
        }
        return try train(s, settings: try Self.scaled(point.arm.settings, rule: rule, baseBatch: s.baseBatch, kappa: point.kappa),
                         start: point.arm.start, batchSize: point.kappa * s.baseBatch, seed: run.seed, noiseScale: false)
    }

    /// The base settings moved to κB₀ by `rule` (Theory's `ScalingRule` on the typed hyperparameters).
    static func scaled(_ settings: any OptimizerSettings, rule: Rule, baseBatch: Int, kappa: Int) throws -> any OptimizerSettings {
        guard case .scaling(let scaling) = rule else { return settings }
        let base = try ScalableHyperparameters(settings, batchSize: Double(baseBatch))
        let result = try scaling.apply(to: base, newBatchSize: Double(kappa * baseBatch))
        guard result.valid else { throw StudyError.failedRun("\(rule) at κ = \(kappa)", result.reason ?? "invalid scaled configuration") }
        return try result.hyperparameters.applied(to: settings)
    }

    /// One run (``EpochRun``, batches drawn with replacement): the training loss at every epoch boundary,
    /// B_simple there too when `noiseScale`, the test loss and accuracy at the end.
    func train(_ s: Setting, settings: any OptimizerSettings, start: SecondMomentStart, batchSize: Int, seed: UInt64,
               noiseScale: Bool) throws -> StudySeries {
        try EpochRun(problem: s.problem, epochs: s.epochs, sampling: .withReplacement)
            .run(settings, batchSize: batchSize, seed: seed,
                 prepare: { objective, theta, optimizer in
                     guard start == .expectedSquaredBatchGradient else { return }
                     let v0 = Self.expectedSquaredBatchGradient(objective, at: theta, batchSize: batchSize)
                     try optimizer.restoreState(.moments(MomentState(firstMoment: [Double](repeating: 0, count: theta.count), secondMoment: v0)))
                 },
                 measure: { objective, theta in noiseScale ? ["b_simple": objective.gradientNoise(at: theta).simpleNoiseScale] : [:] })
    }

    /// E_B[g_B ⊙ g_B] = g⊙g + diag Σ/B for batches of B drawn with replacement, diag Σ = (1/N) Σᵢ gᵢ⊙gᵢ − g⊙g,
    /// from the per-sample gradients (in chunks of 128 samples, so memory stays at 128 × d).
    static func expectedSquaredBatchGradient(_ objective: SupervisedObjective, at theta: [Double], batchSize: Int) -> [Double] {
        let n = objective.sampleCount
        var meanSquares = [Double](repeating: 0, count: theta.count)
        for start in stride(from: 0, to: n, by: 128) {
            let rows = objective.perSampleGradients(at: theta, batch: Array(start..<min(start + 128, n)))
            rows.scalars.withUnsafeBufferPointer { p in
                for i in 0..<rows.shape[0] {
                    for j in 0..<theta.count { meanSquares[j] += p[i * theta.count + j] * p[i * theta.count + j] }
                }
            }
        }
        let g = objective.gradient(at: theta), b = Double(batchSize)
        return (0..<theta.count).map { j in
            let squared = g[j] * g[j], second = meanSquares[j] / Double(n)
            return squared + (second - squared) / b
        }
    }

    /// What the criteria read from one run.
    struct Curve: Equatable {
        /// L(e) for e = 0…E, shorter when the run diverged.
        let loss: [Double]
        let testAccuracy: Double?
        /// B_simple at each epoch boundary (base runs only).
        let noiseScale: [Double]
    }

    /// mean over e = 1…E of |log L(e) − log L₀(e)|; ∞ when either run stopped early.
    static func gap(_ curve: Curve, base: Curve, epochs: Int) -> Double {
        guard curve.loss.count == epochs + 1, base.loss.count == epochs + 1 else { return .infinity }
        return (1...epochs).map { abs(log(curve.loss[$0]) - log(base.loss[$0])) }.reduce(0, +) / Double(epochs)
    }

    /// One seed's numbers: per arm, the base curve and the scaled curves by rule and κ.
    struct SeedCurves {
        var base: [String: Curve] = [:]
        var scaled: [String: [Rule: [Int: Curve]]] = [:]
    }

    func analyze(_ measured: StudyMeasurements, _ options: StudyOptions) throws -> StudyAnalysis {
        let s = Self.setting(quick: options.quick)
        let seeds = options.seedRange
        let curves: [SeedCurves] = try seeds.map { seed in
            var out = SeedCurves()
            func curve(_ key: String) throws -> Curve {
                let series = try measured.series(StudyRun(key, seed: UInt64(seed)))
                return Curve(loss: series.values("train_loss"), testAccuracy: series.last("test_accuracy"), noiseScale: series.values("b_simple"))
            }
            for arm in s.arms {
                out.base[arm.name] = try curve(Self.key(arm: arm.name, rule: nil, kappa: 1, seed: seed))
                for rule in arm.rules {
                    for kappa in s.kappas {
                        out.scaled[arm.name, default: [:]][rule, default: [:]][kappa] = try curve(Self.key(arm: arm.name, rule: rule, kappa: kappa, seed: seed))
                    }
                }
            }
            return out
        }
        let evaluation = Evaluation(setting: s, curves: curves)
        return StudyAnalysis(outcomes: evaluation.outcomes(claims), figures: evaluation.figures(),
                             settings: [("model", s.problem.model), ("data", "\(s.problem.train) (train, cross-entropy), \(s.problem.test ?? "none") (test)"),
                                        ("sampling", "with-replacement, \(s.epochs) epochs of n/B steps"),
                                        ("base batch size", "B₀ = \(s.baseBatch)"), ("κ", s.kappas.map(String.init).joined(separator: ", ")),
                                        ("arms", s.arms.map { "\($0.name): \($0.label)" }.joined(separator: "; ")),
                                        ("gap", "mean over epochs 1…E of |log L − log L₀|, L the full training loss, L₀ the base run's (same seed)"),
                                        ("seeds", "\(seeds.count) (initialization and batches)")])
    }
}
