import Foundation
import NN
import Optim
import Theory

/// Paper 001 Fig. 1 (digest 001 §5, §6; App. L): full-batch AdamW (ε inside √, bias-corrected, decoupled
/// decay) and Lion-𝒦 with 𝒦 = ‖·‖_{1,ε} and bias correction, against their memoryless iterations from the
/// same θ⁽⁰⁾ (paper eqs. (4), (9); `MemoryTrajectories.walk`, exact finite-n forms):
///
/// ```
/// first order   θ̃ ← θ̃ − h F^{(n)}(θ̃)                (softsign-GD with decoupled decay)
/// second order  θ̃ ← θ̃ − h [F^{(n)}(θ̃) + M^{(n)}(θ̃)]  (M: Lemma K.2 / App. L closed forms)
/// ```
///
/// and the ℓ∞ distance ‖θ^{(n)} − θ̃^{(n)}‖_∞ to the true algorithm at every step. The paper: "the ℓ∞ norm of
/// the weight difference is smaller with the correction term", for both optimizers at h ∈ {1e−4, 3e−4}, with
/// λh = 1e−3 and ε = 1e−6.
///
/// Miniature: a GELU MLP 784-16-10 (d = 12,730) on the first 256 Fashion-MNIST training images
/// (cross-entropy, full batch; the paper used MNIST-10K and an unstated width), 1000 steps per run at
/// h ∈ {1e−4, 3e−4}, λ = 1e−3/h, ε = 1e−6; AdamW β = (0.9, 0.999), Lion ρ = (0.9, 0.99) (the paper does not
/// state its β's; these are the defaults). Claims and criteria were written before the study was first run.
struct MemoryTrajectoryStudy: GridStudy {
    static let about = StudyAbout(name: "001-trajectory", title: "AdamW and Lion vs their memoryless iterations: the correction M keeps the iterate closer")

    struct Setting: CustomStringConvertible {
        let problem: StudyProblem
        let learningRates: [Double]
        /// λh, held fixed across h as in the paper.
        let decayPerStep: Double
        let epsilon: Double
        let steps: Int
        var description: String {
            "model=\(problem.model) data=\(problem.train) loss=\(problem.loss) h=\(learningRates) lambda*h=\(decayPerStep) eps=\(epsilon) steps=\(steps)"
        }
    }

    static func setting(quick: Bool) -> Setting {
        quick ? Setting(problem: StudyProblem(model: "mlp:784-4-10:gelu", train: "fashion-mnist:train,n=32", loss: "ce"), learningRates: [1e-4, 3e-4], decayPerStep: 1e-3,
                        epsilon: 1e-6, steps: 20)
              : Setting(problem: StudyProblem(model: "mlp:784-16-10:gelu", train: "fashion-mnist:train,n=256", loss: "ce"), learningRates: [1e-4, 3e-4], decayPerStep: 1e-3,
                        epsilon: 1e-6, steps: 1000)
    }

    /// The two algorithms of Fig. 1.
    enum Algorithm: String, CaseIterable {
        case adamw
        case lion

        func rule(learningRate h: Double, _ s: Setting) -> MemoryOptimizer {
            switch self {
            case .adamw: .adam(beta1: 0.9, beta2: 0.999, epsilon: s.epsilon, weightDecay: s.decayPerStep / h)
            case .lion: .lion(rho1: 0.9, rho2: 0.99, kernel: .smoothedL1(epsilon: s.epsilon), weightDecay: s.decayPerStep / h,
                              biasCorrection: .on)
            }
        }

        var label: String { self == .adamw ? "AdamW (0.9, 0.999)" : "Lion-ε, bias-corrected (0.9, 0.99)" }
    }

    var claims: [Claim] {
        [
            Claim(id: "001-fig1a-adamw", source: "Fig. 1a; Thm 3.2, Cor. 3.3, Lemma K.2",
                  statement: "full-batch AdamW stays closer to its second-order memoryless iteration (with M) than to the first-order one, in ℓ∞, at h = 1e-4 and 3e-4",
                  criterion: "at each h, max over steps of ‖θ − θ̃_M‖∞ / max over steps of ‖θ − θ̃‖∞ < 1: for the seed mean (else not reproduced) and every seed (else inconclusive)"),
            Claim(id: "001-fig1b-lion", source: "Fig. 1b; App. L (Lion-𝒦, bias-corrected)",
                  statement: "full-batch Lion-ε (bias-corrected) stays closer to its second-order memoryless iteration than to the first-order one, in ℓ∞, at h = 1e-4 and 3e-4",
                  criterion: "at each h, max over steps of ‖θ − θ̃_M‖∞ / max over steps of ‖θ − θ̃‖∞ < 1: for the seed mean (else not reproduced) and every seed (else inconclusive)"),
        ]
    }

    /// One run per (seed, algorithm, h).
    static func grid(_ s: Setting) -> StudyGrid<(algorithm: Algorithm, h: Double)> {
        StudyGrid(points: Algorithm.allCases.flatMap { a in s.learningRates.map { (a, $0) } }, configuration: s.description) {
            "\($0.algorithm.rawValue),h=\($0.h),seed=\($1)"
        }
    }

    func measure(_ point: Point, _ run: StudyRun, _ s: Setting) throws -> StudySeries {
        let (a, h) = point
        let problem = try s.problem.build()
        var series = StudySeries()
        try MemoryTrajectories.walk(optimizer: a.rule(learningRate: h, s), objective: problem.objective, learningRate: h,
                                    from: problem.initialParameters(seed: run.seed), steps: s.steps) { step in
            series.record(step: step.n + 1, ["distance_first_order": step.firstOrderDistance, "distance_second_order": step.secondOrderDistance])
        }
        return series
    }

    /// max_n ‖θ − θ̃_M‖∞ / max_n ‖θ − θ̃‖∞ of a run (NaN for a run with no finite distance).
    static func ratio(_ series: StudySeries) -> Double {
        let first = series.values("distance_first_order").max() ?? .nan
        let second = series.values("distance_second_order").max() ?? .nan
        return second / first
    }

    func analyze(_ measured: StudyMeasurements, _ options: StudyOptions) throws -> StudyAnalysis {
        let s = Self.setting(quick: options.quick)
        let seeds = options.seedRange
        let grid = Self.grid(s)
        func series(_ a: Algorithm, _ h: Double, _ seed: Int) throws -> StudySeries { try grid.series((a, h), seed: seed, in: measured) }
        // ratios[algorithm][seed][h]
        let ratios = try Algorithm.allCases.map { a in try seeds.map { seed in try s.learningRates.map { Self.ratio(try series(a, $0, seed)) } } }
        let crossings = try Algorithm.allCases.map { a in try s.learningRates.map { Self.firstCrossing(try series(a, $0, 0)) } }
        let outcomes = zip(claims, zip(ratios, crossings)).map { claim, pair in
            let outcome = Self.outcome(claim, ratios: pair.0, learningRates: s.learningRates)
            let note = zip(s.learningRates, pair.1).map { h, step in step.map { "h = \(h): from step \($0)" } ?? "h = \(h): never" }
            return ClaimOutcome(claim: claim, measured: outcome.measured + " (seed 0, θ̃_M farther than θ̃: " + note.joined(separator: ", ") + ")",
                                numbers: outcome.numbers, verdict: outcome.verdict)
        }
        var figures: [StudyFigure] = []
        for a in Algorithm.allCases {
            var lines: [LineChart.Series] = []
            for (k, h) in s.learningRates.enumerated() {
                let run = try series(a, h, 0)
                let first = run.series("distance_first_order"), second = run.series("distance_second_order")
                lines.append(LineChart.Series(name: "first order (no M), h = \(h)", points: zip(first.steps, first.values).map { (Double($0), $1) },
                                              color: Palette.series(k), dashed: true))
                lines.append(LineChart.Series(name: "second order (with M), h = \(h)", points: zip(second.steps, second.values).map { (Double($0), $1) },
                                              color: Palette.series(k)))
            }
            figures.append(StudyFigure(chart: LineChart(id: "trajectory-\(a.rawValue)", title: "\(a.label): ℓ∞ distance to the memoryless iterations (seed 0)",
                                                        xLabel: "step", yLabel: "‖θ − θ̃‖∞", series: lines, logY: true),
                                       caption: "Paper 001 Fig. 1\(a == .adamw ? "a" : "b") in miniature: predicted, the solid curve (with the correction M) below the dashed one (without) at each h."))
        }
        return StudyAnalysis(outcomes: outcomes, figures: figures,
                             settings: [("model", s.problem.model), ("data", s.problem.train), ("loss", "cross-entropy, full batch"),
                                        ("AdamW", "β = (0.9, 0.999), ε = \(s.epsilon) inside √, bias-corrected, decoupled λ = \(s.decayPerStep)/h"),
                                        ("Lion", "Lion-𝒦, 𝒦 = ‖·‖_{1,ε} (softsign), ρ = (0.9, 0.99), ε = \(s.epsilon), bias-corrected, decoupled λ = \(s.decayPerStep)/h"),
                                        ("step sizes h", s.learningRates.map { "\($0)" }.joined(separator: ", ")), ("steps", "\(s.steps) per run"),
                                        ("memoryless iterations", "exact finite-n drift and correction (Lemma K.2, App. L)"),
                                        ("seeds", "\(seeds.count) (initialization)")])
    }

    /// The first step at which the corrected iteration is farther from the true one than the uncorrected
    /// (a description of the curves, not a criterion); nil when it never is.
    static func firstCrossing(_ series: StudySeries) -> Int? {
        let first = series.series("distance_first_order"), second = series.values("distance_second_order")
        return zip(first.steps, zip(first.values, second)).first { $1.1 > $1.0 }?.0
    }

    /// The criterion (fixed above) on ratios[seed][h]: every h's ratio below 1.
    static func outcome(_ claim: Claim, ratios: [[Double]], learningRates: [Double]) -> ClaimOutcome {
        let mean = learningRates.indices.map { k in ratios.map { $0[k] }.reduce(0, +) / Double(ratios.count) }
        let verdict = StudyStatistics.verdict(mean: mean, seeds: ratios) { $0.allSatisfy { $0 < 1 } }
        let measured = zip(learningRates, mean).enumerated().map { k, pair in
            let values = ratios.map { $0[k] }
            return String(format: "h = %g: max ‖θ − θ̃_M‖∞ / max ‖θ − θ̃‖∞ = %.3g", pair.0, pair.1)
                + (values.count > 1 ? String(format: " [%.3g, %.3g]", values.min()!, values.max()!) : "")
        }.joined(separator: "; ")
        let numbers = Dictionary(uniqueKeysWithValues: zip(learningRates, mean).map { ("ratio_h\($0)", $1) })
        return ClaimOutcome(claim: claim, measured: measured, numbers: numbers, verdict: verdict)
    }
}
