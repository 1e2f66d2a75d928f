import Curvature
import DataIO
import Foundation
import NN
import Optim
import Tensor

/// Paper 003 Figs. 26–33 with eqs. (1), (2), (7) and the concentration ρ_b (digest 003 §1, §2.5): SGD at
/// several batch sizes b. The expected loss rises iff the instability ratio tr(H S_b)/tr(S_n) = IAS/ρ_b
/// exceeds 2/η, and the paper finds it hovering at 2/η for every b — IAS hovering at 2ρ_b/η, a threshold
/// that grows with b because ρ_b = tr(S_n)/tr(S_b) does — while at small b, λ₁ stays below 2/η.
///
/// Miniature: a tanh MLP 784-32-10 (d = 25,450) on the first 256 Fashion-MNIST training images (½-MSE),
/// SGD with η = 2/35 and shuffled epochs (whose per-step batch is a uniform b-subset, as b divides 256),
/// b ∈ {8, 32, 128}, 3000 steps each. Every 25 steps, at θ_t: the exact tr(H S_b), tr(S_b) and tr(S_n) from
/// the 256 per-sample gradients and their full-batch Hessian products (γ = (n − b)/(n − 1)), and λ₁
/// (Lanczos). The late phase is the second half of each run. Claims and criteria were written before the
/// study was first run.
struct StochasticEdgeStudy: GridStudy {
    static let about = StudyAbout(name: "003-sgd", title: "SGD at the edge: tr(HS_b)/tr(S_n) at 2/η for every b, IAS at 2ρ_b/η")

    struct Setting: CustomStringConvertible {
        let problem: StudyProblem
        let samples: Int
        let batchSizes: [Int]
        let sgd: SGD.Hyperparameters
        let schedule: MeasurementSchedule

        /// The configuration text stored with each run, as earlier versions wrote it (so their stores stay valid).
        var description: String {
            "Setting(model: \"\(problem.model)\", data: \"\(problem.train)\", samples: \(samples), batchSizes: \(batchSizes), eta: \(sgd.learningRate), steps: \(schedule.steps), every: \(schedule.every))"
        }
    }

    static func setting(quick: Bool) -> Setting {
        quick ? Setting(problem: StudyProblem(model: "mlp:784-8-10:tanh", train: "fashion-mnist:train,n=64", loss: "mse"), samples: 64, batchSizes: [8, 32], sgd: sgd,
                        schedule: MeasurementSchedule(steps: 60, every: 10))
              : Setting(problem: StudyProblem(model: "mlp:784-32-10:tanh", train: "fashion-mnist:train,n=256", loss: "mse"), samples: 256, batchSizes: [8, 32, 128], sgd: sgd,
                        schedule: MeasurementSchedule(steps: 3000, every: 25))
    }

    /// SGD at η = 2/35 (`sgd:plain`).
    static let sgd = declared(about, "SGD") { try SGD.plain.with(learningRate: 2.0 / 35) }

    var claims: [Claim] {
        [
            Claim(id: "003-sgd-ratio-at-edge", source: "Figs. 26–33; eqs. (1), (7)",
                  statement: "for every batch size b, the instability ratio tr(H S_b)/tr(S_n) (= IAS/ρ_b) hovers at 2/η",
                  criterion: "for each b, the late-phase median of ratio·η/2 lies in [0.8, 1.25]: for the seed mean (else not reproduced) and every seed (else inconclusive)"),
            Claim(id: "003-sgd-rho-grows", source: "§1 and §5 (ρ_b and the threshold 2ρ_b/η)",
                  statement: "the concentration ρ_b, hence IAS's threshold 2ρ_b/η, increases with b",
                  criterion: "late-phase medians of ρ_b strictly increase across b: for the seed mean (else not reproduced) and every seed (else inconclusive)"),
            Claim(id: "003-sgd-small-b-below", source: "Figs. 26–33 (λ₁ at small b)",
                  statement: "at the smallest batch size, λ₁ stays below 2/η",
                  criterion: "late-phase median of λ₁·η/2 < 1 at the smallest b: for the seed mean (else not reproduced) and every seed (else inconclusive)"),
        ]
    }

    /// One run's late-phase medians.
    struct Late: Equatable {
        let ratio: Double
        let rho: Double
        let lambda: Double
    }

    /// One run's series (step, ratio·η/2, ρ_b, λ₁·η/2).
    struct Trace {
        var steps: [Int] = []
        var ratio: [Double] = []
        var rho: [Double] = []
        var lambda: [Double] = []
    }

    /// One run per (seed, batch size).
    static func grid(_ s: Setting) -> StudyGrid<Int> { StudyGrid(points: s.batchSizes, configuration: String(describing: s)) { "b=\($0),seed=\($1)" } }

    func measure(_ b: Point, _ run: StudyRun, _ s: Setting) throws -> StudySeries {
        let problem = try s.problem.build()
        let t = try trace(problem, s, batchSize: b, seed: run.seed)
        var series = StudySeries()
        for k in t.steps.indices { series.record(step: t.steps[k], ["ratio_over_edge": t.ratio[k], "rho_b": t.rho[k], "lambda_1_over_edge": t.lambda[k]]) }
        return series
    }

    func analyze(_ measured: StudyMeasurements, _ options: StudyOptions) throws -> StudyAnalysis {
        let s = Self.setting(quick: options.quick)
        let seeds = options.seedRange
        let grid = Self.grid(s)
        let traces: [[Trace]] = try seeds.map { seed in
            try s.batchSizes.map { b in
                let series = try grid.series(b, seed: seed, in: measured)
                let ratio = series.series("ratio_over_edge")
                return Trace(steps: ratio.steps, ratio: ratio.values, rho: series.values("rho_b"), lambda: series.values("lambda_1_over_edge"))
            }
        }
        let late = traces.map { $0.map(Self.late) }
        let outcomes = analyze(late, setting: s)
        var ratioSeries: [LineChart.Series] = [], rhoSeries: [LineChart.Series] = []
        for (k, b) in s.batchSizes.enumerated() {
            let t = traces[0][k]
            let x = t.steps.map(Double.init)
            ratioSeries.append(LineChart.Series(name: "tr(HS_b)/tr(S_n)·η/2, b = \(b)", points: zip(x, t.ratio).map { ($0, $1) }, color: Palette.series(k)))
            ratioSeries.append(LineChart.Series(name: "λ₁·η/2, b = \(b)", points: zip(x, t.lambda).map { ($0, $1) }, color: Palette.series(k), dashed: true))
            rhoSeries.append(LineChart.Series(name: "ρ_b, b = \(b)", points: zip(x, t.rho).map { ($0, $1) }, color: Palette.series(k)))
        }
        ratioSeries.append(LineChart.Series(name: "1 = the edge 2/η (predicted for the ratio)", points: [(0, 1), (Double(s.schedule.steps), 1)],
                                            color: Palette.series(6), dashed: true))
        return StudyAnalysis(outcomes: outcomes,
                           figures: [StudyFigure(chart: LineChart(id: "sgd-ratio", title: "SGD: instability ratio and λ₁ relative to 2/η (seed 0)",
                                                                  xLabel: "step", yLabel: "× 2/η", series: ratioSeries, logY: true),
                                                 caption: "Paper 003 Figs. 26–33 in miniature: tr(HS_b)/tr(S_n) in units of 2/η (solid) hovers at 1 for every b; λ₁ (dashed) relative to 2/η."),
                                     StudyFigure(chart: LineChart(id: "sgd-rho", title: "ρ_b = tr(S_n)/tr(S_b) (seed 0)", xLabel: "step", yLabel: "ρ_b",
                                                                  series: rhoSeries, logY: true),
                                                 caption: "The concentration ρ_b: IAS's threshold is 2ρ_b/η, larger for larger b.")],
                           settings: [("model", s.problem.model), ("data", s.problem.train), ("loss", "mse (½‖f − y‖²)"), ("optimizer", "sgd:plain, η = 2/35"),
                                      ("batch sizes", s.batchSizes.map(String.init).joined(separator: ", ")), ("sampling", "without-replacement (shuffled epochs)"),
                                      ("steps", "\(s.schedule.steps) per run"), ("measured every", "\(s.schedule.every) steps, exact over all \(s.samples) samples"),
                                      ("late phase", "the second half of each run"), ("seeds", "\(seeds.count) (initialization and batches)")])
    }

    func trace(_ problem: Problem, _ s: Setting, batchSize b: Int, seed: UInt64) throws -> Trace {
        guard let objective = problem.objective as? SupervisedObjective else { preconditionFailure("\(Self.about.name) trains a model on data") }
        var theta = problem.initialParameters(seed: seed)
        var sgd = try s.sgd.instance(dimension: theta.count)
        var batches = try BatchSampler(count: s.samples, batchSize: b, scheme: .withoutReplacement, seed: seed)
        var out = Trace()
        let edge = 2 / s.sgd.learningRate
        try Training.run(objective: objective, optimizer: &sgd, parameters: &theta, batches: &batches, steps: s.schedule.visited,
                         observe: { step, _ in
                             guard s.schedule.measures(at: step.step) else { return .proceed }
                             let hessian = HessianOperator(objective: objective, at: step.parameters)
                             let interaction = GradientInteraction(hessian: hessian)
                             out.steps.append(step.step)
                             out.ratio.append(interaction.instabilityRatio(batchSize: b, sampling: .withoutReplacement) / edge)
                             out.rho.append(interaction.noise.concentration(batchSize: b, sampling: .withoutReplacement))
                             out.lambda.append(try lanczosEigenpairs(of: hessian, count: 1, tolerance: 1e-4, maxIterations: 60, seed: seed).eigenvalues[0] / edge)
                             return step.loss?.isFinite == false ? .stop : .proceed
                         }, afterUpdate: { _, _ in .proceed })
        return out
    }

    static func late(_ t: Trace) -> Late {
        let from = t.steps.count / 2
        return Late(ratio: StudyStatistics.median(t.ratio[from...]), rho: StudyStatistics.median(t.rho[from...]),
                    lambda: StudyStatistics.median(t.lambda[from...]))
    }

    /// Applies the criteria (fixed above) to the late-phase medians, late[seed][batch size].
    func analyze(_ late: [[Late]], setting s: Setting) -> [ClaimOutcome] {
        let c = claims
        let seeds = Double(late.count)
        let mean = s.batchSizes.indices.map { k in
            Late(ratio: late.map { $0[k].ratio }.reduce(0, +) / seeds, rho: late.map { $0[k].rho }.reduce(0, +) / seeds,
                 lambda: late.map { $0[k].lambda }.reduce(0, +) / seeds)
        }
        func decide(_ test: ([Late]) -> Bool) -> Verdict { StudyStatistics.verdict(mean: mean, seeds: late, passes: test) }
        func list(_ value: (Late) -> Double) -> String {
            zip(s.batchSizes, mean).map { b, l in
                let values = late.map { value($0[s.batchSizes.firstIndex(of: b)!]) }
                return String(format: "b = %d: %.3f", b, value(l)) + (late.count > 1 ? String(format: " [%.3f, %.3f]", values.min()!, values.max()!) : "")
            }.joined(separator: "; ")
        }
        let numbers = { (value: (Late) -> Double, key: String) in
            Dictionary(uniqueKeysWithValues: zip(s.batchSizes, mean).map { ("\(key)_b\($0)", value($1)) })
        }
        return [
            ClaimOutcome(claim: c[0], measured: "late median ratio·η/2: " + list(\.ratio), numbers: numbers(\.ratio, "ratio_over_edge"),
                         verdict: decide { $0.allSatisfy { StochasticEdgeVerdict.edgeBand.contains($0.ratio) } }),
            ClaimOutcome(claim: c[1], measured: "late median ρ_b: " + list(\.rho), numbers: numbers(\.rho, "rho"),
                         verdict: decide { zip($0, $0.dropFirst()).allSatisfy { $0.rho < $1.rho } }),
            ClaimOutcome(claim: c[2], measured: "late median λ₁·η/2: " + list(\.lambda), numbers: numbers(\.lambda, "lambda_over_edge"),
                         verdict: decide { $0[0].lambda < 1 }),
        ]
    }
}
