import DataIO
import Foundation
import NN
import Optim
import Tensor

/// Paper 002 §3, Fig. 1 (digest 002 §6.1, oracle 8): on the noisy ellipse ℓ_ξ = ½(f(θ) − c − ξ)²,
/// f = p²/(2a²) + q²/(2b²), p = x + y, q = x − y, ξ ~ Unif{±δ} fresh at every step, the minimizers form the
/// ellipse Γ = {f = c}, where H = ∇f∇fᵀ, so tr H = ‖∇f‖₂² and tr(Diag H^{1/2}) = ‖∇f‖₁. Label-noise SGD
/// drifts along Γ to the minimizer of tr H, the tip x = y = a√(c/2) (a > b); Adam drifts to the minimizer
/// of tr(Diag H^{1/2}), where |p|/a² = |q|/b² (``NoisyEllipseObjective/sgdLimit`` and ``adamLimit``; the
/// derivations are checked against a search over Γ by the tests).
///
/// Setting (the digest's numerical check): a = 2, b = 1, c = ½, δ = ½, θ₀ = (1.6, 0.2); one sample per step,
/// drawn with replacement (ξ = ±δ with probability ½); SGD (`sgd:plain`, η = 0.01) and Adam (`adam:paper002`:
/// no bias correction, ε = 10⁻⁸ outside the root; η = 10⁻³, β = (0.9, 0.999)); 4·10⁵ steps; the end point is
/// the mean of θ over the last 10 % of steps. Claims and criteria were written before the study was first run.
public struct NoisyEllipseStudy: Study {
    public init() {}
    public let name = "002-ellipse"
    public let title = "The noisy ellipse: SGD ends at min tr H, Adam at min tr(Diag H^{1/2})"

    static let ellipse = NoisyEllipseObjective()
    static let start = [1.6, 0.2]

    public var claims: [Claim] {
        [
            Claim(id: "002-ellipse-sgd", paper: "002", source: "Fig. 1(b); digest 002 §6.1",
                  statement: "label-noise SGD ends at the minimizer of tr H on Γ, (a√(c/2), a√(c/2)) = (1, 1)",
                  criterion: "‖θ̄ − θ*‖ ≤ 0.03‖θ*‖ for the seed mean (else not reproduced) and every seed (else inconclusive)"),
            Claim(id: "002-ellipse-adam", paper: "002", source: "Fig. 1(c); Theorem (Adam minimizes tr(Diag H^{1/2})); digest 002 §6.1",
                  statement: "label-noise Adam ends at the minimizer of tr(Diag H^{1/2}) on Γ, (1.1180, 0.6708)",
                  criterion: "‖θ̄ − θ*‖ ≤ 0.03‖θ*‖ for the seed mean (else not reproduced) and every seed (else inconclusive)"),
            Claim(id: "002-ellipse-order", paper: "002", source: "§3 and §5 (the two sharpness measures)",
                  statement: "SGD's end point has the smaller tr H, Adam's the smaller tr(Diag H^{1/2})",
                  criterion: "both inequalities at the seed-mean end points (else not reproduced) and for every seed (else inconclusive)"),
        ]
    }

    /// The mean of θ over the last 10 % of `steps` steps of `settings` from θ₀, batches of one sample drawn
    /// with replacement.
    func endPoint(_ settings: some OptimizerSettings, steps: Int, seed: UInt64) throws -> [Double] {
        let objective = Self.ellipse
        var theta = Self.start
        var optimizer = try settings.instance(dimension: 2)
        var batches = try BatchSampler(count: 2, batchSize: 1, scheme: .withReplacement, seed: seed)
        let from = steps - steps / 10
        var sum = [0.0, 0.0]
        Training.run(objective: objective, optimizer: &optimizer, parameters: &theta, batches: &batches, steps: 0..<steps,
                     observe: { _, _ in .proceed },
                     afterUpdate: { t, theta in
                         if t > from { sum[0] += theta[0]; sum[1] += theta[1] }
                         return .proceed
                     })
        return sum.map { $0 / Double(steps - from) }
    }

    /// tr H = ‖∇f‖₂² and tr(Diag H^{1/2}) = ‖∇f‖₁ with H = ∇f∇fᵀ (the Hessian on Γ).
    static func sharpness(at theta: [Double]) -> (trace: Double, adaptive: Double) {
        let g = ellipse.ellipse(at: theta).gradient
        return (g[0] * g[0] + g[1] * g[1], abs(g[0]) + abs(g[1]))
    }

    static func steps(_ options: StudyOptions) -> Int { options.quick ? 4000 : 400_000 }
    static func seeds(_ options: StudyOptions) -> Int { options.quick ? 1 : options.seeds }
    static let optimizers = ["sgd", "adam"]

    /// SGD and Adam, one run per seed each.
    public func runs(_ options: StudyOptions) -> [StudyRun] {
        Self.optimizers.flatMap { o in
            (0..<Self.seeds(options)).map {
                StudyRun("\(o),seed=\($0)", seed: UInt64($0), configuration: "\((try? Self.settings(o)).map { String(describing: $0) } ?? o), steps: \(Self.steps(options))")
            }
        }
    }

    /// The optimizer of a run: SGD with η = 0.01, or paper 002's Adam with η = 10⁻³, β = (0.9, 0.999), ε = 10⁻⁸.
    static func settings(_ optimizer: String) throws -> any OptimizerSettings {
        optimizer == "sgd" ? try SGD.plain.with(["lr": 0.01])
                           : try OptimizerCatalog.settings("adam:paper002", as: Adam.Hyperparameters.self)
                               .with(["lr": 1e-3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8])
    }

    /// The run's end point as `x`, `y` at its last step.
    public func measure(_ run: StudyRun, _ options: StudyOptions) throws -> StudySeries {
        guard let optimizer = Self.optimizers.first(where: { run.key == "\($0),seed=\(run.seed)" }) else { throw StudyError.missingRun(run.key) }
        let end = try endPoint(try Self.settings(optimizer), steps: Self.steps(options), seed: run.seed)
        var series = StudySeries()
        series.record(step: Self.steps(options), ["x": end[0], "y": end[1]])
        return series
    }

    public func analyze(_ measured: StudyMeasurements, _ options: StudyOptions) throws -> StudyAnalysis {
        let steps = Self.steps(options), seeds = Self.seeds(options)
        let ends = try Self.optimizers.map { o in
            try (0..<seeds).map { k -> [Double] in
                let series = try measured.series(StudyRun("\(o),seed=\(k)", seed: UInt64(k)))
                return [series.last("x") ?? .nan, series.last("y") ?? .nan]
            }
        }
        let sgdEnds = ends[0], adamEnds = ends[1]
        let outcomes = analyze(sgd: sgdEnds, adam: adamEnds)
        // Γ and the two end points, predicted and measured.
        let e = Self.ellipse
        let gamma = stride(from: 0.0, through: 2 * Double.pi, by: Double.pi / 90).map { phi -> (x: Double, y: Double) in
            let p = e.a * (2 * e.c).squareRoot() * cos(phi), q = e.b * (2 * e.c).squareRoot() * sin(phi)
            return ((p + q) / 2, (p - q) / 2)
        }
        let chart = LineChart(id: "ellipse", title: "Γ = {f = c} and the end points", xLabel: "x", yLabel: "y",
                              series: [LineChart.Series(name: "Γ (the minimizers)", points: gamma, color: Palette.series(6)),
                                       LineChart.Series(name: "SGD end points (measured)", points: sgdEnds.map { ($0[0], $0[1]) }, color: Palette.series(0)),
                                       LineChart.Series(name: "Adam end points (measured)", points: adamEnds.map { ($0[0], $0[1]) }, color: Palette.series(1)),
                                       LineChart.Series(name: "min tr H (predicted, SGD)", points: [(e.sgdLimit[0], e.sgdLimit[1])], color: Palette.series(0), dashed: true),
                                       LineChart.Series(name: "min tr(Diag H^½) (predicted, Adam)", points: [(e.adamLimit[0], e.adamLimit[1])], color: Palette.series(1), dashed: true)],
                              logY: false)
        return StudyAnalysis(outcomes: outcomes,
                           figures: [StudyFigure(chart: chart, caption: "Paper 002 Fig. 1 in miniature: the ellipse of minimizers, the predicted limits and the measured end points (one point per seed).")],
                           settings: [("objective", "ellipse: a = 2, b = 1, c = ½, δ = ½"), ("start", "(1.6, 0.2)"),
                                      ("batches", "one sample per step, with replacement (ξ = ±δ)"), ("SGD", "sgd:plain, η = 0.01"),
                                      ("Adam", "adam:paper002, η = 1e-3, β = (0.9, 0.999), ε = 1e-8"), ("steps", "\(steps)"),
                                      ("end point", "mean θ over the last 10 % of steps"), ("seeds", "\(seeds)")])
    }

    /// Applies the criteria (fixed above) to the end points of each seed.
    func analyze(sgd: [[Double]], adam: [[Double]]) -> [ClaimOutcome] {
        let c = claims
        let e = Self.ellipse
        func mean(_ points: [[Double]]) -> [Double] { [0, 1].map { i in points.map { $0[i] }.reduce(0, +) / Double(points.count) } }
        func distance(_ u: [Double], _ v: [Double]) -> Double { ((u[0] - v[0]) * (u[0] - v[0]) + (u[1] - v[1]) * (u[1] - v[1])).squareRoot() }
        func near(_ target: [Double]) -> ([Double]) -> Bool { { distance($0, target) <= 0.03 * distance(target, [0, 0]) } }
        func describe(_ points: [[Double]], _ target: [Double]) -> String {
            let m = mean(points)
            return String(format: "mean end point (%.4f, %.4f), %.4f from the prediction (%.4f, %.4f); per seed: ", m[0], m[1], distance(m, target), target[0], target[1])
                + points.map { String(format: "(%.4f, %.4f)", $0[0], $0[1]) }.joined(separator: ", ")
        }
        let ordered = { (pair: (sgd: [Double], adam: [Double])) -> Bool in
            let s = Self.sharpness(at: pair.sgd), a = Self.sharpness(at: pair.adam)
            return s.trace < a.trace && a.adaptive < s.adaptive
        }
        let (sm, am) = (mean(sgd), mean(adam))
        let (ss, aa) = (Self.sharpness(at: sm), Self.sharpness(at: am))
        return [
            ClaimOutcome(claim: c[0], measured: describe(sgd, e.sgdLimit), numbers: ["distance": distance(sm, e.sgdLimit)],
                         verdict: StudyStatistics.verdict(mean: sm, seeds: sgd, passes: near(e.sgdLimit))),
            ClaimOutcome(claim: c[1], measured: describe(adam, e.adamLimit), numbers: ["distance": distance(am, e.adamLimit)],
                         verdict: StudyStatistics.verdict(mean: am, seeds: adam, passes: near(e.adamLimit))),
            ClaimOutcome(claim: c[2], measured: String(format: "tr H: SGD %.4f, Adam %.4f; tr(Diag H^½): SGD %.4f, Adam %.4f", ss.trace, aa.trace, ss.adaptive, aa.adaptive),
                         numbers: ["trace_sgd": ss.trace, "trace_adam": aa.trace, "adaptive_sgd": ss.adaptive, "adaptive_adam": aa.adaptive],
                         verdict: StudyStatistics.verdict(mean: (sm, am), seeds: Array(zip(sgd, adam)).map { (sgd: $0, adam: $1) }, passes: ordered)),
        ]
    }
}
