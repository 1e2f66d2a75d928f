import DataIO
import Foundation
import NN
import Optim
import Tensor
import Theory

/// Paper 004 Fig. 3 and Figs. 7–9 (Def. 6.2, Thm 6.3; digest 004 §5): SVAG on a model's own mini-batch
/// noise. With ℓ ≥ 1 each step combines two independent mini-batch gradients,
/// ```
/// ĝ = r₁g₁ + r₂g₂,  r₁,₂ = ½(1 ∓ √(2ℓ² − 1))     η ← η/ℓ,  1 − β ← (1 − β)/ℓ²,  ε ← εℓ,  ℓ²× the steps
/// ```
/// so the run approximates the SDE ever more closely (weak error O(η²/ℓ²)), and the test functions, read
/// at the same continuous times t = kη², converge as ℓ grows.
///
/// Miniature: a tanh MLP 784-32-10 on the first 1024 Fashion-MNIST training images (cross-entropy), Adam as
/// in Fig. 9 (η = 10⁻³, β = (0.9, 0.999), ε = 10⁻⁸ outside √, bias-corrected), batches of 32 drawn with
/// replacement, 320 base steps (10 epochs) and ℓ ∈ {1, 2, 4, 8}; every path starts from the same θ₀. At 11
/// evenly spaced times: the full training loss, the test accuracy (first 1000 test images), ‖θ‖, ‖∇L‖ and
/// tr Σ over the 1024 samples. Each seed runs 4 paths. Claims and criteria were written before the study
/// was first run.
struct SVAGModelStudy: GridStudy {
    static let about = StudyAbout(name: "004-svag", title: "SVAG on a model: the test functions converge as ℓ grows")

    struct Setting: CustomStringConvertible {
        let problem: StudyProblem
        let samples: Int
        let batchSize: Int
        let baseSteps: Int
        let records: Int
        let ells: [Double]
        let pathsPerSeed: Int

        var description: String {
            "\(problem); B \(batchSize); base steps \(baseSteps); records \(records); ell \(ells); paths \(pathsPerSeed)"
        }
    }

    static func setting(quick: Bool) -> Setting {
        quick ? Setting(problem: StudyProblem(model: "mlp:784-8-10:tanh", train: "fashion-mnist:train,n=64", test: "fashion-mnist:test,n=64", loss: "ce"),
                        samples: 64, batchSize: 8, baseSteps: 8, records: 2, ells: [1, 2, 4], pathsPerSeed: 2)
              : Setting(problem: StudyProblem(model: "mlp:784-32-10:tanh", train: "fashion-mnist:train,n=1024", test: "fashion-mnist:test,n=1000", loss: "ce"),
                        samples: 1024, batchSize: 32, baseSteps: 320, records: 10, ells: [1, 2, 4, 8], pathsPerSeed: 4)
    }

    /// Fig. 9's Adam.
    static let adam = declared(about, "Adam of Fig. 9") { try Adam.Hyperparameters(learningRate: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8) }

    /// The test functions, recorded per path as `<name>_p<path>`.
    static let functions = ["train_loss", "test_accuracy", "theta_norm", "gradient_norm", "noise_trace"]

    var claims: [Claim] {
        [
            Claim(id: "004-svag-converges", source: "Fig. 3, Figs. 7–9; Def. 6.2, Thm 6.3",
                  statement: "as ℓ grows, SVAG's training loss, test accuracy, ‖θ‖, ‖∇L‖ and tr Σ over continuous time converge",
                  criterion: "D(a, b) = max over the recorded times of |f̄_a(t) − f̄_b(t)|, f̄ the mean over all paths; for each of the five functions, D(4, 8) < D(1, 2) (else not reproduced); inconclusive when, for some function, D(1, 2) is within its noise floor max_t 2·√(SE₁(t)² + SE₂(t)²), so that the ordering is decided by the paths' spread"),
        ]
    }

    /// One run per seed and ℓ.
    static func grid(_ s: Setting) -> StudyGrid<Double> { StudyGrid(points: s.ells, configuration: s.description) { "ell=\($0),seed=\($1)" } }

    func measure(_ ell: Point, _ run: StudyRun, _ s: Setting) throws -> StudySeries {
        let (objective, test, problem) = try s.problem.objectives()
        let theta0 = problem.initialParameters(seed: 0)
        let svag = try SVAG(ell: ell)
        let settings = try svag.transform(try ScalableHyperparameters(Self.adam, batchSize: Double(s.batchSize))).hyperparameters.applied(to: Self.adam)
        let squared = Int((ell * ell).rounded())
        let every = s.baseSteps / s.records * squared
        var series = StudySeries()
        for path in 0..<s.pathsPerSeed {
            let stream = run.seed &* UInt64(s.pathsPerSeed) &+ UInt64(path)
            var first = try BatchSampler(count: s.samples, batchSize: s.batchSize, scheme: .withReplacement, seed: 2 * stream + 1)
            var second = try BatchSampler(count: s.samples, batchSize: s.batchSize, scheme: .withReplacement, seed: 2 * stream + 2)
            var theta = theta0
            var optimizer = try settings.instance(dimension: theta.count)
            var none = FullBatch()
            var diverged = false
            try Training.run(optimizer: &optimizer, parameters: &theta, batches: &none, steps: 0..<(s.baseSteps * squared + 1),
                             evaluate: { _, theta, _ in
                                 let g1 = objective.gradient(at: theta, batch: first.next())
                                 return (nil, ell == 1 ? g1 : svag.combine(g1, objective.gradient(at: theta, batch: second.next())))
                             },
                             observe: { step, _ in
                                 guard step.step % every == 0 else { return .proceed }
                                 let values = Self.testFunctions(objective, test, at: step.parameters)
                                 guard values.allSatisfy(\.isFinite) else { diverged = true; return .stop }
                                 series.record(step: step.step / every, Dictionary(uniqueKeysWithValues: zip(Self.functions.map { "\($0)_p\(path)" }, values)))
                                 return .proceed
                             })
            if diverged { throw StudyError.failedRun(run.key, "path \(path) diverged (a non-finite test function)") }
        }
        return series
    }

    /// The five test functions at θ, in `functions` order.
    static func testFunctions(_ objective: SupervisedObjective, _ test: SupervisedObjective, at theta: [Double]) -> [Double] {
        let noise = objective.gradientNoise(at: theta)
        return [objective.loss(at: theta), test.metrics(at: theta).accuracy ?? .nan, VectorOps.dot(theta, theta).squareRoot(),
                noise.meanGradientSquaredNorm.squareRoot(), noise.covarianceTrace]
    }

    /// One ℓ's curves: per function, the mean and standard error over all paths at each record.
    struct Curves {
        var mean: [String: [Double]] = [:]
        var standardError: [String: [Double]] = [:]
    }

    static func curves(_ paths: [[String: [Double]]]) -> Curves {
        var out = Curves()
        for f in functions {
            let values = paths.compactMap { $0[f] }
            guard let length = values.map(\.count).min(), values.count > 1 else { continue }
            let n = Double(values.count)
            out.mean[f] = (0..<length).map { t in values.map { $0[t] }.reduce(0, +) / n }
            out.standardError[f] = (0..<length).map { t in
                let m = values.map { $0[t] }.reduce(0, +) / n
                return (values.map { ($0[t] - m) * ($0[t] - m) }.reduce(0, +) / (n - 1) / n).squareRoot()
            }
        }
        return out
    }

    /// D(a, b) and its noise floor for function f.
    static func distance(_ a: Curves, _ b: Curves, _ f: String) -> (distance: Double, floor: Double) {
        guard let ma = a.mean[f], let mb = b.mean[f], let sa = a.standardError[f], let sb = b.standardError[f] else { return (.nan, .nan) }
        let t = 0..<min(ma.count, mb.count)
        return (t.map { abs(ma[$0] - mb[$0]) }.max() ?? .nan, t.map { 2 * (sa[$0] * sa[$0] + sb[$0] * sb[$0]).squareRoot() }.max() ?? .nan)
    }

    func analyze(_ measured: StudyMeasurements, _ options: StudyOptions) throws -> StudyAnalysis {
        let s = Self.setting(quick: options.quick)
        let grid = Self.grid(s)
        let byEll: [Curves] = try s.ells.map { ell in
            var paths: [[String: [Double]]] = []
            for seed in options.seedRange {
                let series = try grid.series(ell, seed: seed, in: measured)
                for p in 0..<s.pathsPerSeed {
                    paths.append(Dictionary(uniqueKeysWithValues: Self.functions.map { ($0, series.values("\($0)_p\(p)")) }))
                }
            }
            return Self.curves(paths)
        }
        let times = (0...s.records).map { Double($0 * (s.baseSteps / s.records)) * Self.adam.learningRate * Self.adam.learningRate }
        return StudyAnalysis(outcomes: [outcome(byEll, s)], figures: figures(byEll, s, times: times),
                             settings: [("model", s.problem.model), ("data", "\(s.problem.train) (train, cross-entropy), \(s.problem.test ?? "none") (test accuracy)"),
                                        ("optimizer", "Adam (Fig. 9): η = 1e-3, β = (0.9, 0.999), ε = 1e-8 outside √, bias-corrected; SVAG-transformed per ℓ"),
                                        ("batches", "B = \(s.batchSize), drawn with replacement; ℓ > 1 draws two per step"),
                                        ("ℓ", s.ells.map { String(format: "%g", $0) }.joined(separator: ", ")),
                                        ("steps", "\(s.baseSteps)·ℓ², test functions at \(s.records + 1) times t = kη² (k a multiple of \(s.baseSteps / s.records))"),
                                        ("paths", "\(s.pathsPerSeed) per seed × \(options.seedRange.count) seeds, all from θ₀ of initialization seed 0")])
    }

    func outcome(_ byEll: [Curves], _ s: Setting) -> ClaimOutcome {
        let first = (byEll[0], byEll[1]), last = (byEll[byEll.count - 2], byEll[byEll.count - 1])
        let lastLabel = "D(\(String(format: "%g", s.ells[s.ells.count - 2])), \(String(format: "%g", s.ells.last!)))"
        var numbers: [String: Double] = [:]
        var lines: [String] = []
        var fails = false, unresolved = false
        for f in Self.functions {
            let early = Self.distance(first.0, first.1, f), late = Self.distance(last.0, last.1, f)
            numbers["\(f)_d_first"] = early.distance
            numbers["\(f)_floor_first"] = early.floor
            numbers["\(f)_d_last"] = late.distance
            lines.append(String(format: "%@: D(1, 2) = %.4g (floor %.2g), %@ = %.4g", f, early.distance, early.floor, lastLabel, late.distance))
            let resolved = early.distance > early.floor
            if resolved && !(late.distance < early.distance) { fails = true }
            if !resolved { unresolved = true }
        }
        let verdict: Verdict = fails ? .notReproduced : (unresolved ? .inconclusive : .reproduced)
        return ClaimOutcome(claim: claims[0], measured: lines.joined(separator: "; "), numbers: numbers, verdict: verdict)
    }

    func figures(_ byEll: [Curves], _ s: Setting, times: [Double]) -> [StudyFigure] {
        Self.functions.map { f in
            var series: [LineChart.Series] = []
            var bands: [LineChart.Band] = []
            for (k, ell) in s.ells.enumerated() {
                guard let mean = byEll[k].mean[f], let se = byEll[k].standardError[f] else { continue }
                series.append(LineChart.Series(name: String(format: "ℓ = %g", ell), points: zip(times, mean).map { ($0, $1) }, color: Palette.series(k)))
                bands.append(LineChart.Band(points: zip(times, zip(mean, se)).map { ($0, $1.0 - 2 * $1.1, $1.0 + 2 * $1.1) }, color: Palette.series(k)))
            }
            return StudyFigure(chart: LineChart(id: "svag-\(f)", title: "\(f) over continuous time t = kη²", xLabel: "t", yLabel: f,
                                                series: series, bands: bands, logY: false),
                               caption: "Paper 004 Fig. 3 in miniature: the mean over all paths with ±2 standard errors; the curves should draw together as ℓ grows.")
        }
    }
}
