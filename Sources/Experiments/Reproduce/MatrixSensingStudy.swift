import DataIO
import Foundation
import NN
import Optim
import Tensor

/// Paper 002 App. B, Fig. 4 (digest 002 §6.3): depth-2 matrix factorization f(A) = ⟨A, W₂W₁⟩ on matrix
/// sensing with label noise. Label-noise SGD minimizes tr H (≈ the nuclear norm of W₂W₁, Gatmiry et al.
/// 2023), Adam minimizes tr(Diag H^{1/2}), so Adam is predicted to end (i) with a larger tr H but a smaller
/// tr(Diag H^{1/2}) than SGD and (ii) with a higher test error (the paper's Fig. 4: "Adam converges to a
/// point with larger overall curvature but smaller diagonal curvature, and exhibits higher test error").
///
/// Miniature (the paper gives only Adam's η = 10⁻³, β = (0.9, 0.999); the rest "follows Gatmiry et al. §7"):
/// M* ∈ ℝ^{5×5} of rank 1 (`matrix-sensing`, M* = uvᵀ, Gaussian Aᵢ, data seed = run seed), n = 20
/// measurements (< 25 entries: the interpolating W form a manifold), model `deeplinear:5-5-5:sensing` with
/// Wₗ ~ N(0, 1/5) (`init=gaussian:1`, init seed = run seed), ½ squared loss with Gaussian label noise
/// ξ ~ N(0, 1) fresh per step, one measurement per step drawn with replacement, 2·10⁶ steps; SGD η = 10⁻²;
/// Adam `adam:paper002` (no bias correction) η = 10⁻³, β = (0.9, 0.999), ε = 10⁻⁸; the same data and init
/// for both. tr H and tr(Diag H^{1/2}) from the exact Hessian diagonal of the clean training loss, every
/// 1/20 of the run; test loss: ½-MSE on 500 held-out clean measurements of the same M* (`split=test`).
/// Claims and criteria were written before the study was first run.
struct MatrixSensingStudy: GridStudy {
    static let about = StudyAbout(name: "002-sensing", title: "Matrix sensing: Adam ends with larger tr H, smaller tr(Diag H^{1/2}) and higher test error than SGD")

    struct Setting {
        let size: Int
        let rank: Int
        let samples: Int
        let testSamples: Int
        /// σ of the Gaussian label noise.
        let sigma: Double
        /// The run's steps and the measurements along it.
        let schedule: MeasurementSchedule
    }

    static func setting(quick: Bool) -> Setting {
        quick ? Setting(size: 3, rank: 1, samples: 6, testSamples: 50, sigma: 1, schedule: MeasurementSchedule(steps: 2000, every: 500))
              : Setting(size: 5, rank: 1, samples: 20, testSamples: 500, sigma: 1, schedule: MeasurementSchedule(steps: 2_000_000, every: 100_000))
    }

    enum Method: String, CaseIterable {
        case sgd, adam

        var label: String { self == .sgd ? "SGD (η = 1e-2)" : "Adam (η = 1e-3, β = (0.9, 0.999))" }

        func settings() throws -> any OptimizerSettings {
            switch self {
            case .sgd: try SGD.plain.with(learningRate: 1e-2)
            case .adam: try Adam.paper002.with(learningRate: 1e-3).with(beta1: 0.9, beta2: 0.999, epsilon: 1e-8)
            }
        }
    }

    var claims: [Claim] {
        [
            Claim(id: "002-sensing-sharpness", source: "App. B prediction (i), Fig. 4 (top)",
                  statement: "label-noise Adam ends with a larger tr H and a smaller tr(Diag H^{1/2}) than label-noise SGD",
                  criterion: "tr H(Adam) > tr H(SGD) and tr(Diag H^{1/2})(Adam) < tr(Diag H^{1/2})(SGD) at the last step: seed means (else not reproduced) and every seed (else inconclusive)"),
            Claim(id: "002-sensing-test", source: "App. B prediction (ii), Fig. 4 (bottom)",
                  statement: "label-noise Adam ends with a higher test error than label-noise SGD",
                  criterion: "held-out test loss(Adam) > test loss(SGD) at the last step: seed means (else not reproduced) and every seed (else inconclusive)"),
        ]
    }

    /// One run per method and seed; a run's configuration (stored with it) is the optimizer's settings, the
    /// model, the data specs, the steps and the label noise.
    static func grid(_ s: Setting) -> StudyGrid<Method> {
        StudyGrid(points: Method.allCases, key: { "\($0.rawValue),seed=\($1)" }) { method, seed in
            let settings = (try? method.settings())?.summary ?? method.rawValue
            let data = Self.data(s, seed: UInt64(seed))
            return "\(settings); \(Self.model(s)); \(data.train); \(data.test); steps \(s.schedule.steps); label noise N(0, \(s.sigma)²)"
        }
    }

    static func model(_ s: Setting) -> String { "deeplinear:\(s.size)-\(s.size)-\(s.size):sensing:init=gaussian:1" }

    /// The data specs of a run: the n training measurements and the held-out test set of the same M*.
    static func data(_ s: Setting, seed: UInt64) -> (train: String, test: String) {
        let common = "rows=\(s.size),cols=\(s.size),rank=\(s.rank),seed=\(seed)"
        return ("matrix-sensing:n=\(s.samples),\(common)", "matrix-sensing:split=test,n=\(s.testSamples),\(common)")
    }

    /// Trains one run; records `trace_h` and `adaptive_sharpness` every `every` steps, and `test_loss`,
    /// `train_loss`, `recovery_error` (‖W₂W₁ − M*‖²_F) at the last step.
    func measure(_ method: Method, _ run: StudyRun, _ s: Setting) throws -> StudySeries {
        let specs = Self.data(s, seed: run.seed)
        let recovery = try RecoveryProblem<DeepLinearNetwork>(model: Self.model(s), data: specs, study: name)
        var noisy = LabelNoiseLeastSquares(DepthTwoSensing(recovery.network), data: recovery.trainingSet, noise: try LabelNoise(.gaussian, scale: s.sigma),
                                           generator: RandomGenerator(seed: run.seed, stream: "label-noise"))
        var theta = recovery.initialParameters(seed: run.seed)
        var series = StudySeries()
        try noisy.train(&theta, settings: try method.settings(), steps: s.schedule.steps, seed: run.seed) { step, theta in
            if s.schedule.measures(at: step) { series.record(step: step, EndPointSharpness(recovery.problem.objective, at: theta).values) }
        }
        series.record(step: s.schedule.steps, recovery.endValues(at: theta))
        return series
    }

    /// One run's end point.
    typealias EndPoint = RecoveryEndPoint

    func analyze(_ measured: StudyMeasurements, _ options: StudyOptions) throws -> StudyAnalysis {
        let s = Self.setting(quick: options.quick)
        let seeds = options.seedRange
        let series = try Method.allCases.map { m in try seeds.map { try measured.series(Self.grid(s).run(m, seed: $0)) } }
        let ends = series.map { $0.map { EndPoint(last: $0) } }
        let outcomes = analyze(sgd: ends[0], adam: ends[1])
        var curves: [LineChart.Series] = []
        for (k, m) in Method.allCases.enumerated() {
            let trace = series[k][0].series(EndPointSharpness.traceName), adaptive = series[k][0].series(EndPointSharpness.adaptiveName)
            curves.append(LineChart.Series(name: "tr H, \(m.label)", points: zip(trace.steps, trace.values).map { (Double($0), $1) }, color: Palette.series(k)))
            curves.append(LineChart.Series(name: "tr(Diag H^½), \(m.label)", points: zip(adaptive.steps, adaptive.values).map { (Double($0), $1) },
                                           color: Palette.series(k), dashed: true))
        }
        return StudyAnalysis(
            outcomes: outcomes,
            figures: [StudyFigure(chart: LineChart(id: "sensing-sharpness", title: "tr H and tr(Diag H^½) along training (seed 0)", xLabel: "step",
                                                   yLabel: "tr H (solid), tr(Diag H^½) (dashed)", series: curves, logY: true),
                                  caption: "Paper 002 Fig. 4 (top) in miniature: the paper predicts Adam's tr(Diag H^½) below SGD's and its tr H above SGD's at the end.")],
            settings: [("model", "deeplinear:\(s.size)-\(s.size)-\(s.size):sensing, init=gaussian:1 (Wₗ ~ N(0, 1/\(s.size)))"),
                       ("data", "matrix-sensing: \(s.size)×\(s.size), rank \(s.rank), n = \(s.samples) Gaussian measurements; data and init seed = run seed"),
                       ("label noise", "ξ ~ N(0, \(s.sigma)²), fresh per step"), ("loss", "½(⟨A, W₂W₁⟩ − b − ξ)², one measurement per step, with replacement"),
                       ("optimizers", Method.allCases.map(\.label).joined(separator: "; ") + "; Adam is adam:paper002 (ε = 1e-8, no bias correction)"),
                       ("steps", "\(s.schedule.steps)"), ("sharpness", "exact Hessian diagonal of the clean training loss, every \(s.schedule.every) steps"),
                       ("test set", "\(s.testSamples) held-out clean measurements of the same M* (split=test)"), ("seeds", "\(seeds)")])
    }

    /// Applies the criteria (fixed above) to the end points of each seed.
    func analyze(sgd: [EndPoint], adam: [EndPoint]) -> [ClaimOutcome] {
        let c = claims
        let pairs = zip(sgd, adam).map { (sgd: $0, adam: $1) }
        let meanPair = (sgd: EndPoint.mean(sgd), adam: EndPoint.mean(adam))
        let sharpnessOrdered = { (p: (sgd: EndPoint, adam: EndPoint)) in
            p.adam.sharpness.trace > p.sgd.sharpness.trace && p.adam.sharpness.adaptive < p.sgd.sharpness.adaptive
        }
        let worse = { (p: (sgd: EndPoint, adam: EndPoint)) in p.adam.testLoss > p.sgd.testLoss }
        return [
            ClaimOutcome(claim: c[0],
                         measured: "tr H: SGD \(StudyStatistics.spread(sgd.map(\.sharpness.trace))), Adam \(StudyStatistics.spread(adam.map(\.sharpness.trace))); "
                             + "tr(Diag H^½): SGD \(StudyStatistics.spread(sgd.map(\.sharpness.adaptive))), Adam \(StudyStatistics.spread(adam.map(\.sharpness.adaptive)))",
                         numbers: ["trace_sgd": meanPair.sgd.sharpness.trace, "trace_adam": meanPair.adam.sharpness.trace,
                                   "adaptive_sgd": meanPair.sgd.sharpness.adaptive, "adaptive_adam": meanPair.adam.sharpness.adaptive],
                         verdict: StudyStatistics.verdict(mean: meanPair, seeds: pairs, passes: sharpnessOrdered)),
            ClaimOutcome(claim: c[1],
                         measured: "test loss: SGD \(StudyStatistics.spread(sgd.map(\.testLoss))), Adam \(StudyStatistics.spread(adam.map(\.testLoss)))",
                         numbers: ["test_loss_sgd": meanPair.sgd.testLoss, "test_loss_adam": meanPair.adam.testLoss],
                         verdict: StudyStatistics.verdict(mean: meanPair, seeds: pairs, passes: worse)),
        ]
    }
}
