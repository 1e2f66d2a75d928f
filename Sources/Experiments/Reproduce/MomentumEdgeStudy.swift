import Foundation
import NN
import Optim
import Tensor

/// Paper 003 Figs. 37–38 (digest 003 §1 and oracle 8): for generalized momentum GD (eqs. 13–14, Polyak
/// β₂ = 0, Nesterov β₂ = β₁) the stability threshold becomes (2/η)(1 + β₁)/(1 + 2β₂), and the IAS of the full
/// gradient hovers at that threshold, as it hovers at 2/η for plain GD.
///
/// Miniature: the tanh MLP 784-64-64-10 on the first 500 Fashion-MNIST images of `003-gd` (½-MSE), full
/// batch, Polyak (`generalized-momentum:polyak`) and Nesterov (`nesterov:paper003`) at β₁ = 0.5 and 0.9, each
/// with the η that puts its threshold at 40 — η = (2/40)(1 + β₁)/(1 + 2β₂) — 1500 steps, λ₁ and IAS every 10
/// steps; the late phase starts 200 steps after λ₁ first exceeds the threshold. Claims and criteria were
/// written before the study was first run.
struct MomentumEdgeStudy: NamedStudy {
    static let about = StudyAbout(name: "003-momentum", title: "Momentum GD: IAS hovers at (2/η)(1+β₁)/(1+2β₂)")

    static let threshold = 40.0

    struct Configuration {
        let family: String
        let preset: String
        let beta: Double
        let beta2: Double
        var eta: Double { 2 / MomentumEdgeStudy.threshold * (1 + beta) / (1 + 2 * beta2) }
    }

    static func configurations(family: String) -> [Configuration] {
        [0.5, 0.9].map { b in family == "polyak" ? Configuration(family: family, preset: "generalized-momentum:polyak", beta: b, beta2: 0)
                                                 : Configuration(family: family, preset: "nesterov:paper003", beta: b, beta2: b) }
    }

    static let families = ["polyak", "nesterov"]

    static func key(_ c: Configuration, seed: Int) -> String { "\(c.family),beta1=\(c.beta),seed=\(seed)" }

    var claims: [Claim] {
        ["polyak": "Polyak (β₂ = 0)", "nesterov": "Nesterov (β₂ = β₁)"].sorted { $0.key > $1.key }.map { family, label in
            Claim(id: "003-momentum-\(family)", source: "Figs. 37–38; Lee & Jang Thm 2",
                  statement: "\(label) at β₁ = 0.5 and 0.9: IAS hovers at (2/η)(1+β₁)/(1+2β₂)",
                  criterion: "for each β₁, the late-phase median of IAS/threshold lies in [0.9, 1.1]: for the seed mean (else not reproduced) and every seed (else inconclusive); threshold never crossed by λ₁: inconclusive")
        }
    }

    /// Polyak and Nesterov at β₁ = 0.5 and 0.9, one run per seed each.
    func runs(_ options: StudyOptions) -> [StudyRun] {
        Self.families.flatMap { f in Self.configurations(family: f).flatMap { c in
            options.seedRange.map {
                StudyRun(Self.key(c, seed: $0), seed: UInt64($0), configuration: "\(c), η = \(c.eta), quick: \(options.quick)")
            }
        } }
    }

    static func problem(quick: Bool) throws -> Problem {
        try StudyProblem(model: quick ? "mlp:784-16-10:tanh" : "mlp:784-64-64-10:tanh",
                         train: quick ? "fashion-mnist:train,n=100" : "fashion-mnist:train,n=500", loss: "mse").build()
    }

    func measure(_ run: StudyRun, _ options: StudyOptions) throws -> StudySeries {
        guard let c = Self.families.flatMap(Self.configurations(family:)).first(where: { Self.key($0, seed: Int(run.seed)) == run.key }) else {
            throw StudyError.missingRun(run.key)
        }
        let settings = try OptimizerCatalog.settings(c.preset, as: GeneralizedMomentum.Hyperparameters.self)
            .with(learningRate: c.eta).with(beta1: c.beta, beta2: c.beta2)
        return try EdgeTrace.record(try Self.problem(quick: options.quick), optimizer: settings, schedule: MeasurementSchedule(steps: options.quick ? 60 : 1500, every: 10),
                                    seed: run.seed).series
    }

    func analyze(_ measured: StudyMeasurements, _ options: StudyOptions) throws -> StudyAnalysis {
        let quick = options.quick
        let seeds = options.seedRange
        let steps = quick ? 60 : 1500, settle = quick ? 10 : 200
        var outcomes: [ClaimOutcome] = []
        var series: [LineChart.Series] = []
        for (family, claim) in zip(Self.families, claims) {
            var perRun: [[Double]?] = []  // per β: late IAS/threshold per seed
            for (k, run) in Self.configurations(family: family).enumerated() {
                let traces = try seeds.map { EdgeTrace(try measured.series(StudyRun(Self.key(run, seed: $0), seed: UInt64($0)))) }
                let late = traces.map { $0.late(threshold: Self.threshold, settle: settle) }
                perRun.append(late.allSatisfy { $0 != nil } ? late.map { $0!.ias } : nil)
                let t = traces[0]
                series.append(LineChart.Series(name: "IAS/threshold, \(family) β₁ = \(run.beta)",
                                               points: zip(t.steps, t.ias).map { (Double($0), $1 / Self.threshold) },
                                               color: Palette.series(2 * (family == "polyak" ? 0 : 1) + k)))
            }
            let measured = zip([0.5, 0.9], perRun).map { beta, v in
                "β₁ = \(beta): " + (v.map { "late IAS/threshold = " + StudyStatistics.spread($0) } ?? "threshold not crossed in every seed")
            }.joined(separator: "; ")
            let verdicts = perRun.map { v -> Verdict in
                guard let v else { return .inconclusive }
                return StudyStatistics.verdict(mean: v.reduce(0, +) / Double(v.count), seeds: v) { $0 >= 0.9 && $0 <= 1.1 }
            }
            let verdict: Verdict = verdicts.contains(.notReproduced) ? .notReproduced : (verdicts.contains(.inconclusive) ? .inconclusive : .reproduced)
            var numbers: [String: Double] = [:]
            for (beta, v) in zip(["0.5", "0.9"], perRun) { if let v { numbers["late_ias_over_threshold_beta\(beta)"] = v.reduce(0, +) / Double(v.count) } }
            outcomes.append(ClaimOutcome(claim: claim, measured: measured, numbers: numbers, verdict: verdict))
        }
        series.append(LineChart.Series(name: "1 = (2/η)(1+β₁)/(1+2β₂) (predicted)", points: [(0, 1), (Double(steps), 1)], color: Palette.series(6), dashed: true))
        let chart = LineChart(id: "momentum-edge", title: "Momentum GD: IAS relative to its threshold (seed 0)", xLabel: "step",
                              yLabel: "IAS / threshold", series: series, logY: false)
        return StudyAnalysis(outcomes: outcomes,
                           figures: [StudyFigure(chart: chart, caption: "Paper 003 Figs. 37–38 in miniature: IAS over the momentum threshold, for Polyak and Nesterov at β₁ = 0.5, 0.9.")],
                           settings: [("model", quick ? "mlp:784-16-10:tanh" : "mlp:784-64-64-10:tanh"),
                                      ("data", quick ? "fashion-mnist:train,n=100" : "fashion-mnist:train,n=500"), ("loss", "mse (½‖f − y‖²)"),
                                      ("optimizers", "generalized-momentum:polyak, nesterov:paper003; β₁ = 0.5, 0.9; η = (2/40)(1+β₁)/(1+2β₂)"),
                                      ("steps", "\(steps)"), ("late phase", "from \(settle) steps after λ₁ first exceeds 40"), ("seeds", "\(seeds)")])
    }
}
