import DataIO
import Foundation
import Optim
import Theory

/// Paper 003 Fig. 5 with eq. (17) (digest 003 §2.7, §5): SGD trained at fixed epochs over a grid of batch
/// sizes b and learning rates η; the best η per b (highest seed-mean test accuracy) grows about linearly in
/// b for small b and saturates for large b, following LSSR — ρ_b/η constant, with
/// ```
/// ρ_b = 1 / ((γ/b)/ρ + 1 − γ/b),   γ = γ_{n,b} = (n − b)/(n − 1) without replacement   (eq. (17))
/// ```
/// — rather than LSR (η ∝ b) or SRSR (η ∝ √b).
///
/// Miniature: a tanh MLP 784-32-10 on the first 1024 Fashion-MNIST training images (cross-entropy), plain
/// SGD (no momentum, no weight decay) with shuffled epochs, b ∈ {8, 32, 128, 512}, η ∈ 0.0125·2^k for
/// k = 0…7, 60 epochs; test accuracy on the first 1000 test images. ρ = ‖g‖²/tr S₁ is measured over the
/// 1024 samples at every epoch boundary; the study's ρ is the median over the epochs of the runs at the
/// smallest b and its best η (seed mean). The predictions transfer η*(b₀) from the smallest b₀:
/// LSR η*(b₀)·b/b₀, SRSR η*(b₀)·√(b/b₀), LSSR η*(b₀)·ρ_b/ρ_{b₀}. Claims and criteria were written before
/// the study was first run.
struct LinearSaturationScalingStudy: GridStudy {
    static let about = StudyAbout(name: "003-lssr", title: "LSSR: SGD's best learning rate grows linearly in the batch size, then saturates")

    struct Setting: CustomStringConvertible {
        let run: EpochRun
        /// n, the training images `run.problem.train` selects.
        let samples: Int
        let batchSizes: [Int]
        let learningRates: [Double]

        var description: String {
            "\(run.problem); epochs \(run.epochs); \(run.sampling); b \(batchSizes); lr \(learningRates)"
        }
    }

    static func setting(quick: Bool) -> Setting {
        quick ? Setting(run: EpochRun(problem: StudyProblem(model: "mlp:784-8-10:tanh", train: "fashion-mnist:train,n=64", test: "fashion-mnist:test,n=64", loss: "ce"),
                                      epochs: 2, sampling: .withoutReplacement),
                        samples: 64, batchSizes: [8, 32], learningRates: [0.05, 0.1])
              : Setting(run: EpochRun(problem: StudyProblem(model: "mlp:784-32-10:tanh", train: "fashion-mnist:train,n=1024", test: "fashion-mnist:test,n=1000", loss: "ce"),
                                      epochs: 60, sampling: .withoutReplacement),
                        samples: 1024, batchSizes: [8, 32, 128, 512], learningRates: (0..<8).map { 0.0125 * pow(2, Double($0)) })
    }

    var claims: [Claim] {
        [
            Claim(id: "003-lssr-linear", source: "Fig. 5 (right), Figs. 34–35",
                  statement: "at small batch sizes the best learning rate grows with b (the linear regime)",
                  criterion: "η*(b₂) > η*(b₁) for the two smallest b, η* = argmax over the η grid of the test accuracy: on seed-mean accuracies (else not reproduced) and for every seed (else inconclusive)"),
            Claim(id: "003-lssr-saturates", source: "Fig. 5 (right); eq. (17)",
                  statement: "at large batch sizes the best learning rate saturates",
                  criterion: "η*(b_max)/η*(b_prev) < √(b_max/b_prev) (slower than SRSR, let alone LSR) for the two largest b: on seed-mean accuracies (else not reproduced) and every seed (else inconclusive)"),
            Claim(id: "003-lssr-fits", source: "Fig. 5; §5 (LSSR vs LSR and SRSR)",
                  statement: "ρ_b/η = C (LSSR) predicts the best learning rates better than LSR (η ∝ b) or SRSR (η ∝ √b)",
                  criterion: "from η*(b₀) at the smallest b, Σ_b |log₂ η*(b) − log₂ η_rule(b)| is smaller for LSSR (measured ρ, eq. (17)) than for LSR and for SRSR: on seed-mean accuracies (else not reproduced) and every seed (else inconclusive)"),
        ]
    }

    /// One run per seed, batch size and learning rate.
    static func grid(_ s: Setting) -> StudyGrid<(batchSize: Int, learningRate: Double)> {
        StudyGrid(points: s.batchSizes.flatMap { b in s.learningRates.map { (b, $0) } }, configuration: s.description) {
            "b=\($0.batchSize),lr=\($0.learningRate),seed=\($1)"
        }
    }

    func measure(_ point: Point, _ run: StudyRun, _ s: Setting) throws -> StudySeries {
        return try s.run.run(try SGD.plain.with(learningRate: point.learningRate), batchSize: point.batchSize, seed: run.seed,
                             measure: { objective, theta in ["rho": objective.gradientNoise(at: theta).concentration] })
    }

    /// One seed's (or the seed mean's) test accuracy per (b, η), and ρ per (b, η) (median over epochs).
    struct Grid: Equatable {
        /// accuracy[b index][η index]; a diverged run counts as accuracy 0.
        var accuracy: [[Double]]
        var rho: [[Double]]

        /// η* per b: the grid index with the highest accuracy (the smaller η on a tie).
        var best: [Int] { accuracy.map { row in row.indices.max { row[$0] < row[$1] || (row[$0] == row[$1] && $0 > $1) } ?? 0 } }
    }

    /// The criteria's numbers from one grid.
    struct Fit {
        let best: [Double]
        let rho: Double
        let errors: [String: Double]
    }

    static func fit(_ grid: Grid, _ s: Setting) -> Fit {
        let best = grid.best.map { s.learningRates[$0] }
        let rho = grid.rho[0][grid.best[0]]
        let b0 = Double(s.batchSizes[0]), n = Double(s.samples)
        func rhoB(_ b: Double) -> Double {
            (try? LSSR.concentration(rho: min(max(rho, 1e-12), 1), batchSize: b, datasetSize: n, sampling: s.run.sampling)) ?? .nan
        }
        let predictions: [String: (Double) -> Double] = [
            "lssr": { best[0] * rhoB($0) / rhoB(b0) }, "lsr": { best[0] * $0 / b0 }, "srsr": { best[0] * ($0 / b0).squareRoot() },
        ]
        let errors = predictions.mapValues { predict in
            zip(s.batchSizes, best).map { b, eta in abs(log2(eta) - log2(predict(Double(b)))) }.reduce(0, +)
        }
        return Fit(best: best, rho: rho, errors: errors)
    }

    func analyze(_ measured: StudyMeasurements, _ options: StudyOptions) throws -> StudyAnalysis {
        let s = Self.setting(quick: options.quick)
        let runs = Self.grid(s)
        let grids: [Grid] = try options.seedRange.map { seed in
            var grid = Grid(accuracy: [], rho: [])
            for b in s.batchSizes {
                var accuracy: [Double] = [], rho: [Double] = []
                for lr in s.learningRates {
                    let series = try runs.series((b, lr), seed: seed, in: measured)
                    accuracy.append(series.last("test_accuracy") ?? 0)
                    rho.append(StudyStatistics.median(series.values("rho")))
                }
                grid.accuracy.append(accuracy)
                grid.rho.append(rho)
            }
            return grid
        }
        let mean = Grid(accuracy: Self.average(grids.map(\.accuracy)), rho: Self.average(grids.map(\.rho)))
        return StudyAnalysis(outcomes: outcomes(mean: mean, seeds: grids, s), figures: figures(mean, s),
                             settings: [("model", s.run.problem.model), ("data", "\(s.run.problem.train) (train, cross-entropy), \(s.run.problem.test ?? "none") (test)"),
                                        ("optimizer", "sgd:plain (no momentum, no weight decay)"), ("sampling", "without-replacement (shuffled epochs)"),
                                        ("epochs", "\(s.run.epochs) at every b"), ("batch sizes", s.batchSizes.map(String.init).joined(separator: ", ")),
                                        ("learning rates", s.learningRates.map { String(format: "%g", $0) }.joined(separator: ", ")),
                                        ("seeds", "\(options.seedRange.count) (initialization and batches)")])
    }

    static func average(_ grids: [[[Double]]]) -> [[Double]] {
        grids[0].indices.map { i in grids[0][i].indices.map { j in grids.map { $0[i][j] }.reduce(0, +) / Double(grids.count) } }
    }

    func outcomes(mean: Grid, seeds: [Grid], _ s: Setting) -> [ClaimOutcome] {
        let c = claims
        let last = s.batchSizes.count - 1
        let ratio = Double(s.batchSizes[last]) / Double(s.batchSizes[last - 1])
        func decide(_ passes: (Fit) -> Bool) -> Verdict {
            StudyStatistics.verdict(mean: Self.fit(mean, s), seeds: seeds.map { Self.fit($0, s) }, passes: passes)
        }
        let fit = Self.fit(mean, s)
        let perSeed = seeds.map { Self.fit($0, s).best.map { String(format: "%g", $0) }.joined(separator: ", ") }
        let bests = zip(s.batchSizes, fit.best).map { String(format: "b = %d: %g", $0, $1) }.joined(separator: ", ")
            + "; per seed [" + perSeed.joined(separator: "] [") + "]"
        let errors = String(format: "Σ|log₂ error|: LSSR %.2f (ρ = %.4f), LSR %.2f, SRSR %.2f", fit.errors["lssr"] ?? .nan, fit.rho,
                            fit.errors["lsr"] ?? .nan, fit.errors["srsr"] ?? .nan)
        var numbers = Dictionary(uniqueKeysWithValues: zip(s.batchSizes, fit.best).map { ("best_lr_b\($0)", $1) })
        numbers["rho"] = fit.rho
        for (rule, error) in fit.errors { numbers["error_\(rule)"] = error }
        return [
            ClaimOutcome(claim: c[0], measured: "η* on seed-mean accuracy: " + bests, numbers: numbers, verdict: decide { $0.best[1] > $0.best[0] }),
            ClaimOutcome(claim: c[1], measured: "η* on seed-mean accuracy: " + bests, numbers: numbers,
                         verdict: decide { $0.best[last] / $0.best[last - 1] < ratio.squareRoot() }),
            ClaimOutcome(claim: c[2], measured: errors + "; η*: " + bests, numbers: numbers,
                         verdict: decide { ($0.errors["lssr"] ?? .nan) < ($0.errors["lsr"] ?? .nan) && ($0.errors["lssr"] ?? .nan) < ($0.errors["srsr"] ?? .nan) }),
        ]
    }

    func figures(_ mean: Grid, _ s: Setting) -> [StudyFigure] {
        let fit = Self.fit(mean, s)
        let bs = s.batchSizes.map(Double.init), b0 = bs[0], n = Double(s.samples)
        let dense = (0...40).map { b0 * pow(bs.last! / b0, Double($0) / 40) }
        func rhoB(_ b: Double) -> Double { (try? LSSR.concentration(rho: min(max(fit.rho, 1e-12), 1), batchSize: b, datasetSize: n, sampling: s.run.sampling)) ?? .nan }
        var series = [LineChart.Series(name: "η* (best seed-mean test accuracy)", points: zip(bs, fit.best).map { ($0, $1) }, color: Palette.series(0))]
        series.append(LineChart.Series(name: "LSSR ρ_b/η = C", points: dense.map { ($0, fit.best[0] * rhoB($0) / rhoB(b0)) }, color: Palette.series(1), dashed: true))
        series.append(LineChart.Series(name: "LSR η ∝ b", points: dense.map { ($0, fit.best[0] * $0 / b0) }, color: Palette.series(2), dashed: true))
        series.append(LineChart.Series(name: "SRSR η ∝ √b", points: dense.map { ($0, fit.best[0] * ($0 / b0).squareRoot()) }, color: Palette.series(3), dashed: true))
        var accuracy = s.batchSizes.indices.map { i in
            LineChart.Series(name: "test accuracy, b = \(s.batchSizes[i])", points: zip(s.learningRates, mean.accuracy[i]).map { ($0, $1) }, color: Palette.series(i))
        }
        accuracy.append(LineChart.Series(name: "chance (0.1)", points: [(s.learningRates[0], 0.1), (s.learningRates.last!, 0.1)], color: Palette.series(6), dashed: true))
        return [
            StudyFigure(chart: LineChart(id: "lssr-best", title: "Best learning rate against batch size", xLabel: "batch size b", yLabel: "η*",
                                         series: series, logY: true),
                        caption: "Paper 003 Fig. 5 in miniature: the measured η* with the three rules transferred from the smallest b."),
            StudyFigure(chart: LineChart(id: "lssr-accuracy", title: "Seed-mean test accuracy against η", xLabel: "η", yLabel: "test accuracy",
                                         series: accuracy, logY: false),
                        caption: "The columns of Fig. 5's heat map: test accuracy after a fixed number of epochs (a diverged run counts as 0)."),
        ]
    }
}
