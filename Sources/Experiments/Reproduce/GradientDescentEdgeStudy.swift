import Curvature
import Foundation
import NN
import Optim
import Tensor

/// Paper 003 Figs. 4 and 26–33 (digest 003 §2 and §5): full-batch GD at the edge of stability. With ½-MSE
/// and η fixed, progressive sharpening drives λ₁(H) above 2/η; then λ₁ hovers *above* 2/η while the
/// interaction-aware sharpness of GD, IAS = ‖H‖_{S_n} = ∇Lᵀ H ∇L / ‖∇L‖² (eq. (2) with b = N), hovers *at* 2/η —
/// the quantity that decides the sign of the loss change (eq. (1)).
///
/// Miniature: a tanh MLP 784-64-64-10 (d = 55,050) on the first 500 Fashion-MNIST training images, GD with
/// η = 2/35, 1500 steps, λ₁ (Lanczos, relative residual 10⁻⁴) and IAS every 10 steps, one run per
/// initialization seed. The late phase is every measurement from 200 steps after λ₁ first exceeds 2/η.
/// The claims and criteria below were written before the study was first run.
struct GradientDescentEdgeStudy: GridStudy {
    static let about = StudyAbout(name: "003-gd", title: "GD at the edge of stability: λ₁ above 2/η, IAS at 2/η")

    struct Setting: CustomStringConvertible {
        let problem: StudyProblem
        let sgd: SGD.Hyperparameters
        let schedule: MeasurementSchedule
        let settle: Int

        /// The configuration text stored with each run, as earlier versions wrote it (so their stores stay valid).
        var description: String {
            "Setting(model: \"\(problem.model)\", data: \"\(problem.train)\", eta: \(sgd.learningRate), steps: \(schedule.steps), every: \(schedule.every), settle: \(settle))"
        }
    }

    static func setting(quick: Bool) -> Setting {
        quick ? Setting(problem: StudyProblem(model: "mlp:784-16-10:tanh", train: "fashion-mnist:train,n=100", loss: "mse"), sgd: gd,
                        schedule: MeasurementSchedule(steps: 120, every: 10), settle: 20)
              : Setting(problem: StudyProblem(model: "mlp:784-64-64-10:tanh", train: "fashion-mnist:train,n=500", loss: "mse"), sgd: gd,
                        schedule: MeasurementSchedule(steps: 1500, every: 10), settle: 200)
    }

    /// GD at η = 2/35 (`sgd:plain`).
    static let gd = declared(about, "GD") { try SGD.plain.with(learningRate: 2.0 / 35) }

    var claims: [Claim] {
        [
            Claim(id: "003-gd-sharpening", source: "Fig. 4; digest 003 §2 (Cohen et al.'s progressive sharpening)",
                  statement: "under GD, λ₁ rises above 2/η",
                  criterion: "max over the run of λ₁·η/2 > 1 for every seed"),
            Claim(id: "003-gd-ias-at-edge", source: "Fig. 4, Figs. 26–33; eq. (1)–(2)",
                  statement: "after the edge is reached, IAS = ‖H‖_{S_n} hovers at 2/η",
                  criterion: "late-phase median of IAS·η/2 in [0.9, 1.1]: for the seed mean (else not reproduced) and for every seed (else inconclusive); no edge reached: inconclusive"),
            Claim(id: "003-gd-lambda-above", source: "Fig. 4; digest 003 §5",
                  statement: "after the edge is reached, λ₁ hovers above 2/η (above IAS)",
                  criterion: "late-phase median of λ₁·η/2 > 1.05 and > the late median of IAS·η/2: for the seed mean (else not reproduced) and every seed (else inconclusive)"),
        ]
    }

    typealias Trace = EdgeTrace

    /// One run per initialization seed (one in the quick version): a grid of one point.
    static func grid(_ s: Setting) -> StudyGrid<Void> { StudyGrid(points: [()], configuration: String(describing: s)) { "seed=\($1)" } }

    func measure(_ point: Void, _ run: StudyRun, _ s: Setting) throws -> StudySeries {
        let problem = try s.problem.build()
        return try EdgeTrace.record(problem, optimizer: s.sgd, schedule: s.schedule, seed: run.seed).series
    }

    func analyze(_ measured: StudyMeasurements, _ options: StudyOptions) throws -> StudyAnalysis {
        let s = Self.setting(quick: options.quick)
        let traces = try runs(options).map { EdgeTrace(try measured.series($0)) }
        let outcomes = analyze(traces, setting: s)
        let threshold = 2 / s.sgd.learningRate
        var series: [LineChart.Series] = []
        for (k, t) in traces.enumerated() {
            let x = t.steps.map(Double.init)
            series.append(LineChart.Series(name: "λ₁, seed \(k)", points: zip(x, t.lambda).map { ($0, $1) }, color: Palette.series(0)))
            series.append(LineChart.Series(name: "IAS, seed \(k)", points: zip(x, t.ias).map { ($0, $1) }, color: Palette.series(2)))
        }
        series.append(LineChart.Series(name: "2/η (predicted: IAS hovers here)", points: [(0, threshold), (Double(s.schedule.steps), threshold)],
                                       color: Palette.series(1), dashed: true))
        let chart = LineChart(id: "gd-edge", title: "GD: λ₁ and IAS against 2/η", xLabel: "step", yLabel: "sharpness", series: series,
                              logY: false)
        return StudyAnalysis(outcomes: outcomes,
                             figures: [StudyFigure(chart: chart, caption: "Paper 003 Fig. 4 in miniature: λ₁ (Lanczos) and IAS = ∇LᵀH∇L/‖∇L‖² along GD, with the predicted edge 2/η.")],
                             settings: [("model", s.problem.model), ("data", s.problem.train), ("loss", "mse (½‖f − y‖²)"), ("optimizer", "sgd:plain (GD), η = 2/35"),
                                        ("steps", "\(s.schedule.steps)"), ("measured every", "\(s.schedule.every) steps"),
                                        ("late phase", "from \(s.settle) steps after λ₁ first exceeds 2/η"), ("seeds", "\(traces.count) (initialization)")])
    }

    /// Applies the criteria (fixed above) to the traces of all seeds.
    func analyze(_ traces: [Trace], setting s: Setting) -> [ClaimOutcome] {
        let c = claims
        let edge = 2 / s.sgd.learningRate
        let peaks = traces.map { ($0.lambda.max() ?? .nan) / edge }
        let late = traces.map { $0.late(threshold: edge, settle: s.settle) }
        let spread = StudyStatistics.spread
        let reached = late.compactMap { $0 }
        let sharpening = ClaimOutcome(claim: c[0], measured: "max λ₁·η/2 = " + spread(peaks), numbers: ["max_lambda_over_edge": peaks.min() ?? .nan],
                                      verdict: peaks.allSatisfy { $0 > 1 } ? .reproduced : .notReproduced)
        guard reached.count == traces.count else {
            let why = "the edge was not reached with a late phase of ≥ 3 measurements in \(traces.count - reached.count) of \(traces.count) seeds"
            return [sharpening,
                    ClaimOutcome(claim: c[1], measured: why, numbers: [:], verdict: .inconclusive),
                    ClaimOutcome(claim: c[2], measured: why, numbers: [:], verdict: .inconclusive)]
        }
        let ias = reached.map(\.ias), lambda = reached.map(\.lambda)
        let meanIAS = ias.reduce(0, +) / Double(ias.count), meanLambda = lambda.reduce(0, +) / Double(lambda.count)
        let iasOK = { (x: Double) in x >= 0.9 && x <= 1.1 }
        return [
            sharpening,
            ClaimOutcome(claim: c[1], measured: "late median IAS·η/2 = " + spread(ias), numbers: ["late_ias_over_edge": meanIAS],
                         verdict: StudyStatistics.verdict(mean: meanIAS, seeds: ias, passes: iasOK)),
            ClaimOutcome(claim: c[2], measured: "late median λ₁·η/2 = " + spread(lambda), numbers: ["late_lambda_over_edge": meanLambda],
                         verdict: StudyStatistics.verdict(mean: (meanLambda, meanIAS), seeds: Array(zip(lambda, ias))) { $0.0 > 1.05 && $0.0 > $0.1 }),
        ]
    }
}
