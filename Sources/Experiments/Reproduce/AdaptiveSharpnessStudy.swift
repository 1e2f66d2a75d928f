import Curvature
import Foundation
import NN
import Optim
import Theory

/// Paper 001 Figs. 5–6 (App. M; digest 001 §5, §6), after Cohen et al. (2022, App. M.1): full-batch Adam's
/// preconditioned sharpness λ₁(P_t⁻¹H_t), P_t = (1 − β₁ᵗ)[diag(√(ν_t/(1 − β₂ᵗ))) + εI] (ε outside √; the
/// optimizer's ``OptimizerInstance/preconditionerDiagonal``), oscillates around (2 + 2β₁)/((1 − β₁)η) at
/// β₁ = 0.9 (Fig. 5) and stays below it at β₁ = 0.99 (Fig. 6); the ordinary sharpness λ₁(H_t) first rises,
/// then falls (Fig. 5, right).
///
/// Miniature: a tanh MLP 784-32-10 (d = 25,450) on the first 256 Fashion-MNIST training images (½-MSE, full
/// batch; the paper used an unstated CNN on CIFAR-10), PyTorch-style Adam (ε = 1e−6 outside √,
/// bias-corrected, β₂ = 0.999) at η = 2·10⁻³, β₁ ∈ {0.9, 0.99}, `steps` steps; every `every` steps λ₁(P⁻¹H)
/// (Lanczos on P^{−1/2}HP^{−1/2}) and λ₁(H). The late phase is the second half of each run. Three
/// initialization seeds. Claims and criteria were written before the study was first run.
struct AdaptiveSharpnessStudy: GridStudy {
    static let about = StudyAbout(name: "001-sharpness", title: "Full-batch Adam: λ₁(P⁻¹H) at (2+2β₁)/((1−β₁)η) for β₁ = 0.9, below it for β₁ = 0.99")

    struct Setting: CustomStringConvertible {
        let problem: StudyProblem
        /// Adam at β₁ = 0.9; each run replaces β₁ by a point of `beta1s`.
        let adam: Adam.Hyperparameters
        let beta1s: [Double]
        let schedule: MeasurementSchedule
        var description: String {
            "model=\(problem.model) data=\(problem.train) loss=\(problem.loss) eta=\(adam.learningRate) beta1=\(beta1s) beta2=\(adam.beta2) eps=\(adam.epsilon) steps=\(schedule.steps) every=\(schedule.every)"
        }
    }

    static func setting(quick: Bool) -> Setting {
        quick ? Setting(problem: StudyProblem(model: "mlp:784-8-10:tanh", train: "fashion-mnist:train,n=32", loss: "mse"), adam: adam, beta1s: [0.9, 0.99],
                        schedule: MeasurementSchedule(steps: 40, every: 10))
              : Setting(problem: StudyProblem(model: "mlp:784-32-10:tanh", train: "fashion-mnist:train,n=256", loss: "mse"), adam: adam, beta1s: [0.9, 0.99],
                        schedule: MeasurementSchedule(steps: 1500, every: 25))
    }

    /// PyTorch's Adam (ε outside √, bias-corrected) at η = 2·10⁻³, β₂ = 0.999, ε = 10⁻⁶.
    static let adam = declared(about, "Adam") { try Adam.Hyperparameters(learningRate: 2e-3, beta2: 0.999, epsilon: 1e-6) }

    var claims: [Claim] {
        [
            Claim(id: "001-fig5-preconditioned-edge", source: "Fig. 5 (left); Cohen et al. 2022 App. M.1",
                  statement: "at β₁ = 0.9, full-batch Adam's preconditioned sharpness λ₁(P⁻¹H) oscillates around (2 + 2β₁)/((1 − β₁)η)",
                  criterion: "late-phase median of λ₁(P⁻¹H)·(1 − β₁)η/(2 + 2β₁) in [0.8, 1.25]: for the seed mean (else not reproduced) and every seed (else inconclusive)"),
            Claim(id: "001-fig6-below-edge", source: "Fig. 6",
                  statement: "at β₁ = 0.99, λ₁(P⁻¹H) stays below (2 + 2β₁)/((1 − β₁)η)",
                  criterion: "the largest measured λ₁(P⁻¹H)·(1 − β₁)η/(2 + 2β₁) over the run < 1: for the seed mean (else not reproduced) and every seed (else inconclusive)"),
            Claim(id: "001-fig5-sharpness-rises-falls", source: "Fig. 5 (right)",
                  statement: "at β₁ = 0.9, the ordinary sharpness λ₁(H) first increases, then decreases",
                  criterion: "the peak of λ₁(H) ≥ 1.1 × its first measured value and its last value ≤ 0.9 × the peak: for the seed mean (else not reproduced) and every seed (else inconclusive)"),
        ]
    }

    /// One run per seed and β₁.
    static func grid(_ s: Setting) -> StudyGrid<Double> { StudyGrid(points: s.beta1s, configuration: s.description) { "adam-b1=\($0),seed=\($1)" } }

    func measure(_ beta1: Point, _ run: StudyRun, _ s: Setting) throws -> StudySeries {
        let problem = try s.problem.build()
        let objective = problem.objective
        var theta = problem.initialParameters(seed: run.seed)
        var adam = try s.adam.with(beta1: beta1).instance(dimension: theta.count)
        let edge = try StabilityThreshold.adam(learningRate: s.adam.learningRate, beta1: beta1)
        var series = StudySeries()
        var batches = FullBatch()
        try Training.run(objective: objective, optimizer: &adam, parameters: &theta, batches: &batches, steps: s.schedule.visited,
                         observe: { step, adam in
                             guard let loss = step.loss, loss.isFinite else { return .stop }
                             // P_t needs one update (t ≥ 1) to carry curvature information.
                             if step.step > 0, s.schedule.measures(at: step.step), let p = adam.preconditionerDiagonal {
                                 let hessian = HessianOperator(objective: objective, at: step.parameters)
                                 let preconditioned = try lanczosEigenpairs(of: PreconditionedOperator(hessian, preconditioner: p), count: 1,
                                                                            tolerance: 1e-4, maxIterations: 60, seed: run.seed).eigenvalues[0]
                                 let plain = try lanczosEigenpairs(of: hessian, count: 1, tolerance: 1e-4, maxIterations: 60, seed: run.seed).eigenvalues[0]
                                 series.record(step: step.step, ["preconditioned_over_edge": preconditioned / edge, "lambda_1": plain, "train_loss": loss])
                             }
                             return step.step == s.schedule.steps ? .stop : .proceed
                         })
        return series
    }

    /// One run's summaries: late median and maximum of λ₁(P⁻¹H)/edge, and λ₁(H) first, peak and last.
    struct Summary: Equatable {
        let lateRatio: Double
        let maxRatio: Double
        let firstSharpness: Double
        let peakSharpness: Double
        let lastSharpness: Double

        static func mean(_ xs: [Summary]) -> Summary {
            let n = Double(xs.count)
            return Summary(lateRatio: xs.map(\.lateRatio).reduce(0, +) / n, maxRatio: xs.map(\.maxRatio).reduce(0, +) / n,
                           firstSharpness: xs.map(\.firstSharpness).reduce(0, +) / n, peakSharpness: xs.map(\.peakSharpness).reduce(0, +) / n,
                           lastSharpness: xs.map(\.lastSharpness).reduce(0, +) / n)
        }

        var risesThenFalls: Bool { peakSharpness >= 1.1 * firstSharpness && lastSharpness <= 0.9 * peakSharpness }
    }

    func analyze(_ measured: StudyMeasurements, _ options: StudyOptions) throws -> StudyAnalysis {
        let s = Self.setting(quick: options.quick)
        let seeds = options.seedRange
        let grid = Self.grid(s)
        let series = try seeds.map { seed in try s.beta1s.map { try grid.series($0, seed: seed, in: measured) } }
        let outcomes = Self.outcomes(claims, series.map { $0.map(Summary.init) })
        var ratioLines: [LineChart.Series] = [], sharpnessLines: [LineChart.Series] = []
        for (k, beta1) in s.beta1s.enumerated() {
            let ratio = series[0][k].series("preconditioned_over_edge"), sharpness = series[0][k].series("lambda_1")
            ratioLines.append(LineChart.Series(name: "λ₁(P⁻¹H)·(1−β₁)η/(2+2β₁), β₁ = \(beta1)", points: zip(ratio.steps, ratio.values).map { (Double($0), $1) },
                                               color: Palette.series(k)))
            sharpnessLines.append(LineChart.Series(name: "λ₁(H), β₁ = \(beta1)", points: zip(sharpness.steps, sharpness.values).map { (Double($0), $1) },
                                                   color: Palette.series(k)))
        }
        ratioLines.append(LineChart.Series(name: "1 = (2+2β₁)/((1−β₁)η)", points: [(0, 1), (Double(s.schedule.steps), 1)], color: Palette.series(6), dashed: true))
        let figures = [
            StudyFigure(chart: LineChart(id: "adam-preconditioned-sharpness", title: "Preconditioned sharpness relative to the adaptive edge (seed 0)",
                                         xLabel: "step", yLabel: "× (2+2β₁)/((1−β₁)η)", series: ratioLines, logY: true),
                        caption: "Paper 001 Figs. 5–6 (left) in miniature: predicted, β₁ = 0.9 hovering at 1 and β₁ = 0.99 below it."),
            StudyFigure(chart: LineChart(id: "adam-sharpness", title: "Ordinary sharpness λ₁(H) (seed 0)", xLabel: "step", yLabel: "λ₁(H)",
                                         series: sharpnessLines, logY: true),
                        caption: "Paper 001 Fig. 5 (right): predicted, λ₁(H) at β₁ = 0.9 first rising, then falling."),
        ]
        return StudyAnalysis(outcomes: outcomes, figures: figures,
                             settings: [("model", s.problem.model), ("data", s.problem.train), ("loss", "mse (½‖f − y‖²), full batch"),
                                        ("optimizer", "PyTorch Adam: ε = \(s.adam.epsilon) outside √, bias-corrected, β₂ = \(s.adam.beta2), no weight decay"),
                                        ("η", "\(s.adam.learningRate)"), ("β₁", s.beta1s.map { "\($0)" }.joined(separator: ", ")),
                                        ("preconditioner", "P_t = (1 − β₁ᵗ)[diag(√(ν_t/(1 − β₂ᵗ))) + εI] (Cohen et al. App. M.1)"),
                                        ("steps", "\(s.schedule.steps), measured every \(s.schedule.every) (Lanczos, ≤ 60 products, tolerance 1e-4)"),
                                        ("late phase", "the second half of each run"), ("seeds", "\(seeds.count) (initialization)")])
    }

    /// The criteria (fixed above) on summaries[seed][β₁ index] (β₁ = 0.9 first, 0.99 second).
    static func outcomes(_ claims: [Claim], _ summaries: [[Summary]]) -> [ClaimOutcome] {
        let mean = summaries[0].indices.map { k in Summary.mean(summaries.map { $0[k] }) }
        func decide(_ test: ([Summary]) -> Bool) -> Verdict { StudyStatistics.verdict(mean: mean, seeds: summaries, passes: test) }
        func spread(_ k: Int, _ value: (Summary) -> Double) -> String {
            let values = summaries.map { value($0[k]) }
            return String(format: "%.3g", value(mean[k])) + (values.count > 1 ? String(format: " [%.3g, %.3g]", values.min()!, values.max()!) : "")
        }
        return [
            ClaimOutcome(claim: claims[0], measured: "late median λ₁(P⁻¹H)/edge at β₁ = 0.9: " + spread(0, \.lateRatio),
                         numbers: ["late_ratio_b1_0.9": mean[0].lateRatio], verdict: decide { StochasticEdgeVerdict.edgeBand.contains($0[0].lateRatio) }),
            ClaimOutcome(claim: claims[1], measured: "largest λ₁(P⁻¹H)/edge at β₁ = 0.99: " + spread(1, \.maxRatio) + "; late median " + spread(1, \.lateRatio),
                         numbers: ["max_ratio_b1_0.99": mean[1].maxRatio, "late_ratio_b1_0.99": mean[1].lateRatio], verdict: decide { $0[1].maxRatio < 1 }),
            ClaimOutcome(claim: claims[2], measured: "λ₁(H) at β₁ = 0.9: first " + spread(0, \.firstSharpness) + ", peak " + spread(0, \.peakSharpness)
                            + ", last " + spread(0, \.lastSharpness),
                         numbers: ["sharpness_first": mean[0].firstSharpness, "sharpness_peak": mean[0].peakSharpness, "sharpness_last": mean[0].lastSharpness],
                         verdict: decide { $0[0].risesThenFalls }),
        ]
    }
}

extension AdaptiveSharpnessStudy.Summary {
    /// The summaries of one run's series (in an extension, so the memberwise initializer stays).
    init(_ series: StudySeries) {
        let ratio = series.values("preconditioned_over_edge"), sharpness = series.values("lambda_1")
        self.init(lateRatio: StudyStatistics.median(ratio[(ratio.count / 2)...]), maxRatio: ratio.max() ?? .nan,
                  firstSharpness: sharpness.first ?? .nan, peakSharpness: sharpness.max() ?? .nan, lastSharpness: sharpness.last ?? .nan)
    }
}
