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
///
/// AdamE-λ (paper 002 Thm 5.2, issue 15 item 6; `adame:paper002`, Adam's η, β and ε, denominator v^λ + ε) at
/// λ ∈ {0.25, 0.4, 0.75}, 2·10⁶ steps (the digest saw AdamE-0.25 still 4 % short of its limit after 4·10⁵): it
/// drifts to the minimizer of tr(Diag H^{1−λ}) = |∂ₓf|^{2(1−λ)} + |∂ᵧf|^{2(1−λ)} on Γ
/// (``NoisyEllipseObjective/adamELimit(exponent:cells:)``), which on this ellipse stays at SGD's tip for
/// λ ≤ 0.375, moves along Γ to Adam's point between λ = 0.375 and ½ (λ = 0.4: φ = 0.347 of Adam's 0.464) and
/// stays there for λ ≥ ½. "Interpolates" is checked as: the end point's angle φ along Γ is monotone in λ from
/// SGD's to Adam's, and λ = 0.4 ends strictly between them. Those two claims were added, criteria included,
/// before the AdamE runs were first made.
struct NoisyEllipseStudy: NamedStudy {
    static let about = StudyAbout(name: "002-ellipse", title: "The noisy ellipse: SGD ends at min tr H, Adam at min tr(Diag H^{1/2})")

    static let ellipse = NoisyEllipseObjective()
    static let start = [1.6, 0.2]

    var claims: [Claim] {
        [
            Claim(id: "002-ellipse-sgd", source: "Fig. 1(b); digest 002 §6.1",
                  statement: "label-noise SGD ends at the minimizer of tr H on Γ, (a√(c/2), a√(c/2)) = (1, 1)",
                  criterion: "‖θ̄ − θ*‖ ≤ 0.03‖θ*‖ for the seed mean (else not reproduced) and every seed (else inconclusive)"),
            Claim(id: "002-ellipse-adam", source: "Fig. 1(c); Theorem (Adam minimizes tr(Diag H^{1/2})); digest 002 §6.1",
                  statement: "label-noise Adam ends at the minimizer of tr(Diag H^{1/2}) on Γ, (1.1180, 0.6708)",
                  criterion: "‖θ̄ − θ*‖ ≤ 0.03‖θ*‖ for the seed mean (else not reproduced) and every seed (else inconclusive)"),
            Claim(id: "002-ellipse-order", source: "§3 and §5 (the two sharpness measures)",
                  statement: "SGD's end point has the smaller tr H, Adam's the smaller tr(Diag H^{1/2})",
                  criterion: "both inequalities at the seed-mean end points (else not reproduced) and for every seed (else inconclusive)"),
            Claim(id: "002-ellipse-adame", source: "Thm 5.2 (AdamE-λ minimizes tr(Diag H^{1−λ})); digest 002 §6.1, oracle 8",
                  statement: "label-noise AdamE-λ ends at the minimizer of tr(Diag H^{1−λ}) on Γ: λ = 0.25 at (1, 1), λ = 0.4 at (1.1104, 0.7705), λ = 0.75 at (1.1180, 0.6708)",
                  criterion: "for each λ, ‖θ̄ − θ*_λ‖ ≤ 0.03‖θ*_λ‖ for the seed mean (else not reproduced) and every seed (else inconclusive)"),
            Claim(id: "002-ellipse-adame-interpolates", source: "§5.1 after Thm 5.2 (λ interpolates between SGD's and Adam's bias); Fig. 2(b)",
                  statement: "as λ goes from 0 to ½, AdamE-λ's end point moves along Γ from SGD's (min tr H) to Adam's (min tr(Diag H^{1/2}))",
                  criterion: "the angle φ along Γ of the seed-mean end points is non-decreasing, to within 0.02 rad, along SGD (λ = 0), λ = 0.25, 0.4, Adam (λ = ½), 0.75, and φ(0.4) lies in (φ_SGD + 0.05, φ_Adam − 0.05): for the seed mean (else not reproduced) and every seed (else inconclusive)"),
        ]
    }

    /// The optimizer of a run.
    enum Method: Equatable {
        case sgd, adam
        /// AdamE-λ.
        case adamE(Double)

        /// The run key's prefix.
        var key: String {
            switch self {
            case .sgd: "sgd"
            case .adam: "adam"
            case .adamE(let lambda): "adame-\(lambda)"
            }
        }

        /// λ of the regularizer tr(Diag H^{1−λ}) it drifts to (SGD 0, Adam ½).
        var exponent: Double {
            switch self {
            case .sgd: 0
            case .adam: 0.5
            case .adamE(let lambda): lambda
            }
        }

        /// SGD with η = 0.01, or paper 002's Adam / AdamE-λ with η = 10⁻³, β = (0.9, 0.999), ε = 10⁻⁸.
        func settings() throws -> any OptimizerSettings {
            let adam: [String: SettingValue] = ["lr": 1e-3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8]
            switch self {
            case .sgd: return try SGD.plain.with(learningRate: 0.01)
            case .adam: return try OptimizerCatalog.settings("adam:paper002", as: Adam.Hyperparameters.self).with(adam)
            case .adamE(let lambda):
                return try OptimizerCatalog.settings("adame:paper002", as: AdamE.Settings.self)
                    .with(adam.merging(["exponent": .number(lambda)]) { $1 })
            }
        }

        /// The run's steps: 4·10⁵ (SGD, Adam) or 2·10⁶ (AdamE); 4000 for `--quick`.
        func steps(_ options: StudyOptions) -> Int {
            options.quick ? 4000 : (self == .sgd || self == .adam ? 400_000 : 2_000_000)
        }
    }

    static let adamEExponents = [0.25, 0.4, 0.75]
    static let methods: [Method] = [.sgd, .adam] + adamEExponents.map { .adamE($0) }

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

    /// Every method, one run per seed each.
    func runs(_ options: StudyOptions) -> [StudyRun] {
        Self.methods.flatMap { m in options.seedRange.map { Self.run(m, seed: $0, options: options) } }
    }

    /// The run of `method` at `seed`; its configuration (stored with it) is the optimizer's settings and the steps.
    static func run(_ method: Method, seed: Int, options: StudyOptions = StudyOptions()) -> StudyRun {
        let settings = (try? method.settings())?.summary ?? method.key
        return StudyRun("\(method.key),seed=\(seed)", seed: UInt64(seed), configuration: "\(settings), steps: \(method.steps(options))")
    }

    /// The run's end point as `x`, `y` at its last step.
    func measure(_ run: StudyRun, _ options: StudyOptions) throws -> StudySeries {
        guard let method = Self.methods.first(where: { Self.run($0, seed: Int(run.seed)) == run }) else { throw StudyError.missingRun(run.key) }
        let steps = method.steps(options)
        let end = try endPoint(try method.settings(), steps: steps, seed: run.seed)
        var series = StudySeries()
        series.record(step: steps, ["x": end[0], "y": end[1]])
        return series
    }

    func analyze(_ measured: StudyMeasurements, _ options: StudyOptions) throws -> StudyAnalysis {
        let seeds = options.seedRange
        let ends = try Self.methods.map { m in
            try seeds.map { k -> [Double] in
                let series = try measured.series(Self.run(m, seed: k))
                return [series.last("x") ?? .nan, series.last("y") ?? .nan]
            }
        }
        let outcomes = analyze(sgd: ends[0], adam: ends[1], adamE: Array(ends[2...]))
        // Γ and the end points, predicted and measured.
        let e = Self.ellipse
        let gamma = stride(from: 0.0, through: 2 * Double.pi, by: Double.pi / 90).map { phi -> (x: Double, y: Double) in
            let p = e.point(atAngle: phi)
            return (p[0], p[1])
        }
        var series = [LineChart.Series(name: "Γ (the minimizers)", points: gamma, color: Palette.series(6))]
        for (k, m) in Self.methods.enumerated() {
            let name = m == .sgd ? "SGD" : m == .adam ? "Adam" : "AdamE-\(m.exponent)"
            let predicted = e.adamELimit(exponent: m.exponent)
            series.append(LineChart.Series(name: "\(name) end points (measured)", points: ends[k].map { ($0[0], $0[1]) }, color: Palette.series(k)))
            series.append(LineChart.Series(name: "min tr(Diag H^{\(1 - m.exponent)}) (predicted, \(name))", points: [(predicted[0], predicted[1])],
                                           color: Palette.series(k), dashed: true))
        }
        let chart = LineChart(id: "ellipse", title: "Γ = {f = c} and the end points", xLabel: "x", yLabel: "y", series: series, logY: false)
        return StudyAnalysis(outcomes: outcomes,
                           figures: [StudyFigure(chart: chart, caption: "Paper 002 Fig. 1 in miniature, with AdamE-λ: the ellipse of minimizers, the predicted limits (min tr(Diag H^{1−λ}); SGD λ = 0, Adam λ = ½) and the measured end points (one point per seed).")],
                           settings: [("objective", "ellipse: a = 2, b = 1, c = ½, δ = ½"), ("start", "(1.6, 0.2)"),
                                      ("batches", "one sample per step, with replacement (ξ = ±δ)"), ("SGD", "sgd:plain, η = 0.01"),
                                      ("Adam", "adam:paper002, η = 1e-3, β = (0.9, 0.999), ε = 1e-8"),
                                      ("AdamE-λ", "adame:paper002, λ ∈ {" + Self.adamEExponents.map { "\($0)" }.joined(separator: ", ") + "}, η, β, ε as Adam"),
                                      ("steps", "SGD, Adam \(Method.sgd.steps(options)); AdamE \(Method.adamE(0.25).steps(options))"),
                                      ("end point", "mean θ over the last 10 % of steps"), ("seeds", "\(seeds)")])
    }

    /// Applies the criteria (fixed above) to the end points of each seed.
    /// `adamE[k]` holds the end points of AdamE-λ for λ = ``adamEExponents``[k].
    func analyze(sgd: [[Double]], adam: [[Double]], adamE: [[[Double]]]) -> [ClaimOutcome] {
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
            adamEOutcome(adamE, mean: mean, distance: distance, near: near),
            interpolationOutcome(sgd: sgd, adam: adam, adamE: adamE, mean: mean),
        ]
    }

    /// Claim 4: each AdamE-λ run ends within 3 % of its predicted minimizer.
    func adamEOutcome(_ adamE: [[[Double]]], mean: ([[Double]]) -> [Double], distance: ([Double], [Double]) -> Double,
                      near: ([Double]) -> ([Double]) -> Bool) -> ClaimOutcome {
        let e = Self.ellipse
        let targets = Self.adamEExponents.map { e.adamELimit(exponent: $0) }
        let means = adamE.map(mean)
        let seeds = adamE[0].indices.map { k in adamE.map { $0[k] } }
        let passes = { (points: [[Double]]) in zip(points, targets).allSatisfy { near($1)($0) } }
        let measured = zip(Self.adamEExponents, zip(means, targets)).map { lambda, pair in
            String(format: "λ = %@: mean (%.4f, %.4f), %.4f from (%.4f, %.4f) [%.1f %%]", "\(lambda)", pair.0[0], pair.0[1],
                   distance(pair.0, pair.1), pair.1[0], pair.1[1], 100 * distance(pair.0, pair.1) / distance(pair.1, [0, 0]))
        }.joined(separator: "; ")
        let numbers = Dictionary(uniqueKeysWithValues: zip(Self.adamEExponents, zip(means, targets)).map { ("distance_\($0)", distance($1.0, $1.1)) })
        return ClaimOutcome(claim: claims[3], measured: measured, numbers: numbers,
                            verdict: StudyStatistics.verdict(mean: means, seeds: seeds, passes: passes))
    }

    /// Claim 5: the angle along Γ is monotone in λ from SGD's end point to Adam's, and λ = 0.4 ends between them.
    func interpolationOutcome(sgd: [[Double]], adam: [[Double]], adamE: [[[Double]]], mean: ([[Double]]) -> [Double]) -> ClaimOutcome {
        let e = Self.ellipse
        // The angles in the order λ = 0 (SGD), 0.25, 0.4, ½ (Adam), 0.75.
        func angles(_ sgd: [Double], _ adam: [Double], _ adamE: [[Double]]) -> [Double] {
            [sgd, adamE[0], adamE[1], adam, adamE[2]].map { e.angle(of: $0) }
        }
        let passes = { (phi: [Double]) -> Bool in
            zip(phi, phi.dropFirst()).allSatisfy { $1 >= $0 - 0.02 } && phi[2] > phi[0] + 0.05 && phi[2] < phi[3] - 0.05
        }
        let meanAngles = angles(mean(sgd), mean(adam), adamE.map(mean))
        let seedAngles = sgd.indices.map { k in angles(sgd[k], adam[k], adamE.map { $0[k] }) }
        let labels = ["SGD", "0.25", "0.4", "Adam", "0.75"]
        let predicted = [0, 0.25, 0.4, 0.5, 0.75].map { e.angle(of: e.adamELimit(exponent: $0)) }
        let measured = "φ of the seed-mean end points: " + zip(labels, zip(meanAngles, predicted)).map {
            String(format: "%@ %.3f (predicted %.3f)", $0, $1.0, $1.1)
        }.joined(separator: ", ")
        return ClaimOutcome(claim: claims[4], measured: measured,
                            numbers: Dictionary(uniqueKeysWithValues: zip(labels, meanAngles).map { ("angle_\($0)", $1) }),
                            verdict: StudyStatistics.verdict(mean: meanAngles, seeds: seedAngles, passes: passes))
    }
}
