import DataIO
import Foundation
import NN
import Optim

/// Paper 001 Fig. 2a and Fig. 4 (digest 001 §3.3, §5, §6): AdamW's memory correction anti-penalizes ‖∇L‖₁
/// with coefficient h(β₂/(1−β₂) − β₁/(1−β₁)), which grows as β₂ → 1, so full-batch Adam's test accuracy
/// (at the first step the training loss falls below a threshold) should drop as β₂ → 1, and a low β₂ should
/// close the gap to Lion (whose correction is O(ε)).
///
/// Miniature: a GELU MLP 784-32-10 on the first 256 Fashion-MNIST training images (cross-entropy, full
/// batch), test accuracy on the first 2000 test images, threshold: training loss ≤ 0.05 (the paper's), at
/// most `maxSteps` steps (a run that never reaches it is recorded as such and fails the criteria for its
/// seed). PyTorch-style AdamW (ε = 1e−6 outside √, bias-corrected, decoupled decay, as the paper's Fig. 2a
/// used `torch.optim`) with β₁ = 0.99 (Fig. 2a) and β₂ ∈ {0.9, 0.95, 0.99, 0.999, 0.9999}; Lion
/// (google/automl, ρ = (0.9, 0.99)); both at the paper's h = 10^{−3.5} and λ = 0.005. Three initialization
/// seeds. Claims and criteria were written before the study was first run.
struct MemoryBetaTwoStudy: GridStudy {
    static let about = StudyAbout(name: "001-beta2-lion", title: "Full-batch Adam: test accuracy falls as β₂ → 1; a low β₂ closes the gap to Lion")

    struct Setting: CustomStringConvertible {
        let problem: StudyProblem
        /// PyTorch's AdamW at the study's h, λ and β₁; each Adam run replaces β₂ by a point of `beta2s`. Lion
        /// runs at its h and λ.
        let adamW: Adam.Hyperparameters
        let beta2s: [Double]
        let threshold: Double
        /// Up to `schedule.steps` steps, the loss recorded every `schedule.every`.
        let schedule: MeasurementSchedule
        var description: String {
            "model=\(problem.model) data=\(problem.train) test=\(problem.test ?? "none") loss=\(problem.loss) h=\(adamW.learningRate) wd=\(adamW.weightDecay) beta1=\(adamW.beta1) beta2=\(beta2s) threshold=\(threshold) maxSteps=\(schedule.steps)"
        }
    }

    static func setting(quick: Bool) -> Setting {
        quick ? Setting(problem: StudyProblem(model: "mlp:784-8-10:gelu", train: "fashion-mnist:train,n=32", test: "fashion-mnist:test,n=64", loss: "ce"),
                        adamW: adamW(learningRate: pow(10, -2.5)), beta2s: [0.9, 0.999], threshold: 0.3, schedule: MeasurementSchedule(steps: 150, every: 10))
              : Setting(problem: StudyProblem(model: "mlp:784-32-10:gelu", train: "fashion-mnist:train,n=256", test: "fashion-mnist:test,n=2000", loss: "ce"),
                        adamW: adamW(learningRate: pow(10, -3.5)), beta2s: [0.9, 0.95, 0.99, 0.999, 0.9999],
                        threshold: 0.05, schedule: MeasurementSchedule(steps: 4000, every: 10))
    }

    /// PyTorch's AdamW (ε = 10⁻⁶ outside √, bias-corrected) at β₁ = 0.99 and decoupled λ = 0.005.
    static func adamW(learningRate: Double) -> Adam.Hyperparameters {
        declared(about, "AdamW") {
            try Adam.Hyperparameters(learningRate: learningRate, beta1: 0.99, epsilon: 1e-6, weightDecayMode: .decoupled, weightDecay: 0.005)
        }
    }

    /// Adam at one β₂, or Lion.
    enum Method: Equatable {
        case adam(beta2: Double)
        case lion

        var key: String {
            switch self {
            case .adam(let b2): "adam-b2=\(b2)"
            case .lion: "lion"
            }
        }

        func optimizer(_ s: Setting, dimension: Int) throws -> OptimizerInstance {
            switch self {
            case .adam(let b2):
                try s.adamW.with(beta2: b2).instance(dimension: dimension)
            case .lion:
                try Lion.Settings(try LionK.Hyperparameters(learningRate: s.adamW.learningRate, beta1: 0.9, beta2: 0.99, weightDecayMode: .decoupled,
                                                            weightDecay: s.adamW.weightDecay), Lion.Options()).instance(dimension: dimension)
            }
        }
    }

    static func methods(_ s: Setting) -> [Method] { s.beta2s.map { .adam(beta2: $0) } + [.lion] }

    var claims: [Claim] {
        [
            Claim(id: "001-fig2a-accuracy-falls", source: "Fig. 2a, Fig. 4; §3.3 (anti-penalty of ‖∇L‖₁ grows with β₂)",
                  statement: "full-batch Adam's test accuracy at the first step with training loss ≤ threshold drops as β₂ approaches 1",
                  criterion: "accuracy at the smallest β₂ minus accuracy at the largest β₂ > 0: for the seed mean (else not reproduced) and every seed (else inconclusive); a run that never reaches the threshold fails its seed"),
            Claim(id: "001-fig2a-lion-gap", source: "Fig. 2a; §3.7 (Lion's correction is O(ε))",
                  statement: "Lion (default ρ, same h and decay) generalizes better than Adam with β₂ close to 1",
                  criterion: "Lion's accuracy minus Adam's at the largest β₂ > 0: for the seed mean (else not reproduced) and every seed (else inconclusive)"),
            Claim(id: "001-fig2a-low-beta2-matches-lion", source: "Fig. 2a, Fig. 4",
                  statement: "Adam with a low β₂ matches Lion (closes the generalization gap)",
                  criterion: "Adam's accuracy at the smallest β₂ ≥ Lion's − 0.005: for the seed mean (else not reproduced) and every seed (else inconclusive)"),
        ]
    }

    /// One run per seed and method.
    static func grid(_ s: Setting) -> StudyGrid<Method> { StudyGrid(points: methods(s), configuration: s.description) { "\($0.key),seed=\($1)" } }

    func measure(_ method: Point, _ run: StudyRun, _ s: Setting) throws -> StudySeries {
        let (objective, test, problem) = try s.problem.objectives()
        var theta = problem.initialParameters(seed: run.seed)
        var optimizer = try method.optimizer(s, dimension: theta.count)
        var series = StudySeries()
        var batches = FullBatch()
        var reached = false
        try Training.run(objective: objective, optimizer: &optimizer, parameters: &theta, batches: &batches, steps: s.schedule.visited,
                         observe: { step, _ in
                             let loss = step.loss ?? .nan
                             if s.schedule.measures(at: step.step) || loss <= s.threshold || !loss.isFinite { series.record(step: step.step, ["train_loss": loss]) }
                             if loss <= s.threshold {
                                 reached = true
                                 series.record(step: step.step, ["reached": 1, "test_accuracy": test.metrics(at: step.parameters).accuracy ?? .nan])
                                 return .stop
                             }
                             return !loss.isFinite || step.step == s.schedule.steps ? .stop : .proceed
                         })
        if !reached { series.record(step: s.schedule.steps, ["reached": 0]) }
        return series
    }

    /// The test accuracy at the threshold, NaN when the run never reached it.
    static func accuracy(_ series: StudySeries) -> Double {
        series.last("reached") == 1 ? series.last("test_accuracy") ?? .nan : .nan
    }

    func analyze(_ measured: StudyMeasurements, _ options: StudyOptions) throws -> StudyAnalysis {
        let s = Self.setting(quick: options.quick)
        let seeds = options.seedRange
        let methods = Self.methods(s), grid = Self.grid(s)
        let series = try seeds.map { seed in try methods.map { try grid.series($0, seed: seed, in: measured) } }
        // accuracy[seed][method], methods = Adam at each β₂, then Lion.
        let accuracy = series.map { $0.map(Self.accuracy) }
        let outcomes = analyze(accuracy, setting: s)
        let mean = methods.indices.map { k in accuracy.map { $0[k] }.reduce(0, +) / Double(seeds.count) }
        let x = s.beta2s.map { -log10(1 - $0) }
        var lines = seeds.enumerated().map { k, seed in
            LineChart.Series(name: "Adam, seed \(seed)", points: zip(x, accuracy[k]).filter { $1.isFinite }.map { ($0, $1) }, color: Palette.series(k))
        }
        lines.append(LineChart.Series(name: "Lion (seed mean)", points: [(x.first!, mean.last!), (x.last!, mean.last!)], color: Palette.series(6), dashed: true))
        var losses: [LineChart.Series] = []
        for (k, m) in methods.enumerated() {
            let curve = series[0][k].series("train_loss")
            losses.append(LineChart.Series(name: m.key, points: zip(curve.steps, curve.values).map { (Double($0), $1) }, color: Palette.series(k),
                                           dashed: m == .lion))
        }
        let figures = [
            StudyFigure(chart: LineChart(id: "beta2-accuracy", title: "Test accuracy at training loss ≤ \(s.threshold) vs β₂ (β₁ = \(s.adamW.beta1))",
                                         xLabel: "−log₁₀(1 − β₂)", yLabel: "test accuracy", series: lines),
                        caption: "Paper 001 Fig. 2a in miniature: predicted, accuracy falling to the right (β₂ → 1) and the low-β₂ end at or above Lion (dashed)."),
            StudyFigure(chart: LineChart(id: "beta2-loss", title: "Training loss until the threshold (seed 0)", xLabel: "step", yLabel: "training loss",
                                         series: losses, logY: true),
                        caption: "Each run stops at the first step with training loss ≤ \(s.threshold) (or at \(s.schedule.steps) steps)."),
        ]
        let reached = methods.indices.map { k in "\(methods[k].key): \(accuracy.filter { $0[k].isFinite }.count)/\(seeds)" }.joined(separator: ", ")
        return StudyAnalysis(outcomes: outcomes, figures: figures,
                             settings: [("model", s.problem.model), ("data", s.problem.train), ("test data", s.problem.test ?? "none"), ("loss", "cross-entropy, full batch"),
                                        ("Adam", "PyTorch AdamW: ε = 1e-6 outside √, bias-corrected, β₁ = \(s.adamW.beta1), decoupled λ = \(s.adamW.weightDecay)"),
                                        ("β₂", s.beta2s.map { "\($0)" }.joined(separator: ", ")),
                                        ("Lion", "google/automl, ρ = (0.9, 0.99), decoupled λ = \(s.adamW.weightDecay)"),
                                        ("h", String(format: "%.4g (10^-3.5 in the full study)", s.adamW.learningRate)),
                                        ("threshold", "training loss ≤ \(s.threshold) within \(s.schedule.steps) steps"),
                                        ("runs that reached the threshold", reached), ("seeds", "\(seeds.count) (initialization)")])
    }

    /// The criteria (fixed above) on accuracy[seed][method] (Adam at each β₂ ascending, then Lion; NaN where
    /// a run never reached the threshold).
    func analyze(_ accuracy: [[Double]], setting s: Setting) -> [ClaimOutcome] {
        let c = claims
        let count = accuracy[0].count
        // The seed mean over the seeds that reached the threshold (NaN when none did).
        let mean = (0..<count).map { k -> Double in
            let values = accuracy.map { $0[k] }.filter(\.isFinite)
            return values.isEmpty ? .nan : values.reduce(0, +) / Double(values.count)
        }
        let low = 0, high = s.beta2s.count - 1, lion = count - 1
        func decide(_ test: ([Double]) -> Bool) -> Verdict { StudyStatistics.verdict(mean: mean, seeds: accuracy, passes: test) }
        func show(_ k: Int) -> String {
            let values = accuracy.map { $0[k] }
            let reached = values.filter(\.isFinite)
            return String(format: "%.4f", mean[k]) + (values.count > 1 ? String(format: " [%.4f, %.4f]", reached.min() ?? .nan, reached.max() ?? .nan) : "")
                + (reached.count < values.count ? " (\(reached.count)/\(values.count) seeds reached the threshold)" : "")
        }
        let table = s.beta2s.indices.map { "β₂ = \(s.beta2s[$0]): \(show($0))" }.joined(separator: "; ") + "; Lion: \(show(lion))"
        var numbers = Dictionary(uniqueKeysWithValues: s.beta2s.indices.map { ("accuracy_adam_b2_\(s.beta2s[$0])", mean[$0]) })
        numbers["accuracy_lion"] = mean[lion]
        return [
            ClaimOutcome(claim: c[0], measured: "test accuracy at the threshold: " + table, numbers: numbers,
                         verdict: decide { $0[low] - $0[high] > 0 }),
            ClaimOutcome(claim: c[1], measured: String(format: "Lion − Adam(β₂ = %g): %+.4f", s.beta2s[high], mean[lion] - mean[high]),
                         numbers: ["lion_minus_high_beta2": mean[lion] - mean[high]], verdict: decide { $0[lion] - $0[high] > 0 }),
            ClaimOutcome(claim: c[2], measured: String(format: "Adam(β₂ = %g) − Lion: %+.4f", s.beta2s[low], mean[low] - mean[lion]),
                         numbers: ["low_beta2_minus_lion": mean[low] - mean[lion]], verdict: decide { $0[low] >= $0[lion] - 0.005 }),
        ]
    }
}
