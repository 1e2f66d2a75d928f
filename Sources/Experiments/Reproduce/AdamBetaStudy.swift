import Curvature
import DataIO
import Foundation
import NN
import Optim
import Tensor
import Theory

/// Paper 000 §4, Fig. 2, Table 1, Fig. 3 and Fig. 4 (digest 000 §4.5, §5, §6) in miniature: Adam's
/// implicit anti-penalization of ‖∇L‖₁, (β₁/(1−β₁) − β₂/(1−β₂)), is offset by mini-batch noise in
/// proportion to λ = (N/b − 1)/(N − 1)·B_simple (Eqs. (7)–(8)), so the best β₂ (β₁ = 0.9) falls as the batch
/// grows — C_total(0.9, β₂, λ) increases in β₂ for λ > ½ and decreases for λ < ½ (Lemma 3.4), a switch at
/// b_{1/2} = 2N·B/(N + 2B − 1) — and the best β₁ (β₂ = 0.999) rises towards β₂ (Lemma 3.6, switch at λ = 1).
///
/// Miniature (the paper trains Transformer-XL on WikiText-2; no small-scale experiment is given): a tanh MLP
/// 784-32-10 on the first 1024 Fashion-MNIST training images with cross-entropy (the paper's perplexity is
/// exp of it), validated on the first 1024 test images (`split=test`, disjoint); Adam `adam:paper000`
/// (Def. 3.1: bias-corrected, ε = 10⁻⁶ **inside** the square root, which is the Adam the theory — and
/// ``AdamNoiseCoefficients`` — is derived for; the paper's experiments do not say which form they used),
/// η = 3·10⁻³, batches without replacement reshuffled per epoch,
/// b ∈ {16, 64, 256, 1024 = full batch}, a fixed number of epochs for every b (as the paper). β₂ sweep at
/// β₁ = 0.9 on a geometric grid in 1 − β₂ (ratio 3, 0.999 … 0.757; the paper's optima 0.769–0.981 have ratio
/// ≈ 1.5); β₁ sweep at β₂ = 0.999 with 1 − β₁ ∈ {0.1, 0.03, 0.01, 0.003}. The metric is the best validation
/// loss over the epochs (evaluated at every epoch end and at θ₀), averaged over 3 seeds (initialization
/// and batches). In the default runs (β₁, β₂) = (0.9, 0.999), B_simple = tr Σ/‖g‖² is measured at every
/// epoch end from the N per-sample gradients (the `gradient_noise` probe's fast path) — the paper's Fig. 4.
/// η was calibrated (after the claims were written, before the study was first run) with `biaslab run` on
/// seed 0: at the paper's largest η = 10⁻³, the full-batch run was still improving at epoch 200 (validation
/// loss 0.587, not about to overfit); at 3·10⁻³ the runs at b = 16, 256, 1024 (β₂ = 0.999) and at full batch
/// with β₂ = 0.9, 0.99 all reached their validation minimum before epoch 200 (full batch at epoch 93–119).
/// Claims and criteria were written before the study was first run.
struct AdamBetaStudy: GridStudy {
    static let about = StudyAbout(name: "000-beta2", title: "Adam with mini-batch noise: the best β₂ falls and the best β₁ rises as the batch grows")

    /// What one version of the study trains (this miniature, or ``AdamBetaLanguageModelStudy``'s transformer)
    /// and its grids; every run of a version shares it.
    struct Setting: CustomStringConvertible {
        /// Model, training data, validation data (its `test`) and loss (`ce`, `next-token-ce`).
        let problem: StudyProblem
        /// The loss in words, for the report's settings.
        let lossDescription: String
        /// N, the training-set size.
        let samples: Int
        /// Increasing; the last is N (full batch).
        let batchSizes: [Int]
        /// The β₂ sweep (β₁ = 0.9), from 0.999 down.
        let beta2s: [Double]
        /// The β₁ sweep (β₂ = 0.999), from 0.9 up.
        let beta1s: [Double]
        let learningRate: Double
        let epochs: Int

        var description: String {
            "\(problem.model); \(problem.train); validation \(problem.test ?? "none"); \(problem.loss); adam:paper000 η=\(learningRate); b \(batchSizes); β₂ \(beta2s); β₁ \(beta1s); epochs \(epochs)"
        }
    }

    static func setting(quick: Bool) -> Setting {
        quick ? Setting(problem: StudyProblem(model: "mlp:784-8-10:tanh", train: "fashion-mnist:train,n=64", test: "fashion-mnist:test,n=64", loss: "ce"), lossDescription: crossEntropy, samples: 64,
                        batchSizes: [8, 64], beta2s: [0.999, 0.9], beta1s: [0.9, 0.99], learningRate: 1e-3, epochs: 4)
              : Setting(problem: StudyProblem(model: "mlp:784-32-10:tanh", train: "fashion-mnist:train,n=1024", test: "fashion-mnist:test,n=1024", loss: "ce"), lossDescription: crossEntropy, samples: 1024,
                        batchSizes: [16, 64, 256, 1024], beta2s: [0.999, 0.997, 0.991, 0.973, 0.919, 0.757], beta1s: [0.9, 0.97, 0.99, 0.997],
                        learningRate: 3e-3, epochs: 200)
    }

    static let crossEntropy = "cross-entropy (the paper's perplexity is its exponential)"

    /// Adam's defaults (Kingma & Ba; the paper's baseline): the β₂ sweep's β₁ and the β₁ sweep's β₂.
    static let defaultBeta1 = 0.9
    static let defaultBeta2 = 0.999

    /// One (β₁, β₂) of the study.
    struct Betas: Hashable {
        let beta1: Double
        let beta2: Double
        var isDefault: Bool { beta1 == AdamBetaStudy.defaultBeta1 && beta2 == AdamBetaStudy.defaultBeta2 }
    }

    /// The β₂ sweep (β₁ = 0.9), then the rest of the β₁ sweep (β₂ = 0.999; its β₁ = 0.9 is the sweeps' shared cell).
    static func configurations(_ s: Setting) -> [Betas] {
        s.beta2s.map { Betas(beta1: defaultBeta1, beta2: $0) }
            + s.beta1s.filter { $0 != defaultBeta1 }.map { Betas(beta1: $0, beta2: defaultBeta2) }
    }

    /// One run per (seed, b, (β₁, β₂)).
    static func grid(_ s: Setting) -> StudyGrid<(betas: Betas, batchSize: Int)> {
        StudyGrid(points: s.batchSizes.flatMap { b in configurations(s).map { ($0, b) } }, configuration: s.description) {
            "b=\($0.batchSize),beta1=\($0.betas.beta1),beta2=\($0.betas.beta2),seed=\($1)"
        }
    }

    /// Trains one run for the setting's epochs and records, at every epoch e (step = e, 0 = θ₀), `val_loss`
    /// and `train_loss` (full training set); default runs add `b_simple` and `lambda` = (N/b − 1)/(N − 1)·B_simple.
    /// A non-finite loss ends the run (its best validation loss is then the best before).
    func measure(_ point: Point, _ run: StudyRun, _ s: Setting) throws -> StudySeries {
        let (betas, b) = point
        let (objective, validation, problem) = try s.problem.objectives()
        var theta = problem.initialParameters(seed: run.seed)
        var adam = try Adam.paper000.with(learningRate: s.learningRate).with(beta1: betas.beta1, beta2: betas.beta2)
            .instance(dimension: theta.count)
        var batches = try BatchSampler(count: s.samples, batchSize: b, scheme: .withoutReplacement, seed: run.seed)
        let stepsPerEpoch = s.samples / b
        var series = StudySeries()
        func record(epoch: Int, _ theta: [Double]) throws -> TrainingDecision {
            var values = ["val_loss": validation.metrics(at: theta).loss, "train_loss": objective.metrics(at: theta).loss]
            if betas.isDefault {
                let noise = objective.gradientNoise(at: theta)
                values["b_simple"] = noise.simpleNoiseScale
                values["lambda"] = try AdamNoiseScale.noiseRatio(datasetSize: Double(s.samples), batchSize: Double(b),
                                                                 simpleNoiseScale: noise.simpleNoiseScale)
            }
            series.record(step: epoch, values)
            return values["val_loss"]!.isFinite && values["train_loss"]!.isFinite ? .proceed : .stop
        }
        guard try record(epoch: 0, theta) == .proceed else { return series }
        try Training.run(objective: objective, optimizer: &adam, parameters: &theta, batches: &batches, steps: 0..<(s.epochs * stepsPerEpoch),
                         afterUpdate: { step, theta in step % stepsPerEpoch == 0 ? try record(epoch: step / stepsPerEpoch, theta) : .proceed })
        return series
    }

    func analyze(_ measured: StudyMeasurements, _ options: StudyOptions) throws -> StudyAnalysis {
        try analyze(measured, options.seedRange, Self.setting(quick: options.quick), claims: claims)
    }

    /// The analysis of one version of the study (its setting and its claims, in ``claims(ids:on:)``'s order).
    func analyze(_ measured: StudyMeasurements, _ seeds: Range<Int>, _ s: Setting, claims: [Claim]) throws -> StudyAnalysis {
        let runs = Self.grid(s)
        func best(_ betas: Betas, _ b: Int, _ seed: Int) throws -> AdamBetaEnd { AdamBetaEnd(try runs.series((betas, b), seed: seed, in: measured)) }
        let beta2Sweep = try seeds.map { seed in try s.batchSizes.map { b in try s.beta2s.map { try best(Betas(beta1: Self.defaultBeta1, beta2: $0), b, seed).bestLoss } } }
        let beta1Sweep = try seeds.map { seed in try s.batchSizes.map { b in try s.beta1s.map { try best(Betas(beta1: $0, beta2: Self.defaultBeta2), b, seed).bestLoss } } }
        let defaults = try seeds.map { seed in try s.batchSizes.map { try best(Betas(beta1: Self.defaultBeta1, beta2: Self.defaultBeta2), $0, seed) } }
        let grid = AdamBetaGrid(samples: s.samples, batchSizes: s.batchSizes, beta2s: s.beta2s, beta1s: s.beta1s,
                                beta2Sweep: beta2Sweep, beta1Sweep: beta1Sweep, noiseScale: defaults.map { $0.map(\.noiseScaleAtBest) })
        let noiseSeries = try s.batchSizes.map { b in try runs.series((Betas(beta1: Self.defaultBeta1, beta2: Self.defaultBeta2), b), seed: seeds.lowerBound, in: measured).series("b_simple") }
        return StudyAnalysis(outcomes: try grid.outcomes(claims), figures: try grid.figures(noiseSeries: noiseSeries),
                             settings: settings(s, seeds: seeds))
    }

    func settings(_ s: Setting, seeds: Range<Int>) -> [(String, String)] {
        [("model", s.problem.model), ("data", "\(s.problem.train) (N = \(s.samples)); validation \(s.problem.test ?? "none") (held out)"),
         ("loss", s.lossDescription),
         ("optimizer", "adam:paper000: bias-corrected, ε = 1e-6 inside the square root (Def. 3.1, the form the theory is derived for), no weight decay, η = \(s.learningRate)"),
         ("batch sizes", s.batchSizes.map(String.init).joined(separator: ", ") + " (the last is full batch); without replacement, reshuffled per epoch"),
         ("β₂ sweep (β₁ = 0.9)", s.beta2s.map { "\($0)" }.joined(separator: ", ")),
         ("β₁ sweep (β₂ = 0.999)", s.beta1s.map { "\($0)" }.joined(separator: ", ")),
         ("epochs", "\(s.epochs) for every b (steps = epochs·N/b)"),
         ("metric", "best validation loss over the epoch ends (and θ₀), per run; averaged over seeds"),
         ("noise scale", "B_simple = tr Σ/‖g‖² over the N training samples at every epoch end of the (0.9, 0.999) runs; its value at the best-validation epoch"),
         ("seeds", "\(seeds.count) (initialization and batches)")]
    }

    var claims: [Claim] {
        Self.claims(ids: ["000-beta2-argmin-falls", "000-beta2-gain-grows", "000-beta1-rises", "000-transition-batch"], on: nil)
    }

    /// The four claims with these ids, in this order (argmin β₂ falls, the gain grows, β₁ rises, the transition
    /// batch), each statement ending with `on` when given (the version's model and data); the criteria are
    /// the same for every version.
    static func claims(ids: [String], on subject: String?) -> [Claim] {
        let on = subject.map { " (\($0))" } ?? ""
        return [
            Claim(id: ids[0], source: "Fig. 2, Table 1, §4",
                  statement: "with β₁ = 0.9, the β₂ that minimizes the best validation loss is smaller at large batches than at small ones" + on,
                  criterion: "argmin over the β₂ grid of the best validation loss: argmin β₂ at the largest b (full batch) < argmin β₂ at the smallest b; on the seed means (else not reproduced) and for every seed's own grid (else inconclusive)"),
            Claim(id: ids[1], source: "Table 1 (Δ up to 13.01% at b = 16384, 1.39–4.11% at b = 128)",
                  statement: "the gain of tuning β₂ over 0.999 grows with the batch size" + on,
                  criterion: "gain(b) = (L(0.999) − min_β₂ L)/L(0.999) of the best validation loss L: gain at the largest b > gain at the smallest b; on the seed means (else not reproduced) and per seed (else inconclusive)"),
            Claim(id: ids[2], source: "Fig. 3, Lemma 3.6",
                  statement: "with β₂ = 0.999, β₁ = 0.9 is best at small batches, while at large batches a β₁ closer to β₂ is better" + on,
                  criterion: "argmin over the β₁ grid of the best validation loss is 0.9 at the smallest b and > 0.9 at the largest b; on the seed means (else not reproduced) and per seed (else inconclusive)"),
            Claim(id: ids[3], source: "§3.3 Eq. (8), Lemma 3.4, Fig. 4",
                  statement: "the regime change happens near the transition batch size b_{1/2} = 2N·B_simple/(N + 2B_simple − 1) (λ = ½) at the measured noise scale" + on,
                  criterion: "B̂ = the median over b of B_simple at the best-validation epoch of the (0.9, 0.999) runs; with [b_k, b_{k+1}] the first pair of neighbouring grid batch sizes where argmin β₂(b_{k+1}) < argmin β₂(smallest b), b_k ≤ b_{1/2}(B̂) ≤ b_{k+1} (no such pair: fails); on the seed means (else not reproduced) and per seed with its own B̂ and argmins (else inconclusive)"),
        ]
    }
}

/// What one run gives the analysis: its best validation loss and B_simple at the epoch of it.
struct AdamBetaEnd: Equatable {
    let bestLoss: Double
    /// B_simple at the best-validation epoch (NaN when the run did not measure it).
    let noiseScaleAtBest: Double
}

extension AdamBetaEnd {
    /// The minimum finite `val_loss` (the first epoch reaching it) and `b_simple` there; +∞ when no
    /// validation loss is finite.
    init(_ series: StudySeries) {
        let validation = series.series("val_loss")
        let finite = zip(validation.steps, validation.values).filter { $0.1.isFinite }
        guard let best = finite.min(by: { $0.1 < $1.1 }) else {
            self.init(bestLoss: .infinity, noiseScaleAtBest: .nan)
            return
        }
        self.init(bestLoss: best.1, noiseScaleAtBest: series.rows[best.0]?["b_simple"] ?? .nan)
    }
}
