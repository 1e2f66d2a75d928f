import Foundation
import NN
import Optim
import Tensor

/// Paper 003, Fig. 22 (digest 003 §6 and test oracle 7): GD with η = 1/16 on L(θ) = θ₁² + 17.6θ₂²
/// (H = diag(2, 35.2), so λ₁ = 35.2 > 2/η = 32) from θ₀ = (3, 0.1). For GD the interaction-aware sharpness
/// is the Rayleigh quotient of the gradient, IAS_t = ‖H‖_{S_n} = ∇L_tᵀ H ∇L_t / ‖∇L_t‖² (paper 003 eq. (2)
/// with b = N), and on a quadratic the one-step loss change is exactly
/// ΔL_t = L_{t+1} − L_t = (η²/2)‖∇L_t‖² (IAS_t − 2/η) (eq. (1)), so the loss rises exactly when IAS_t > 2/η.
///
/// The claims and criteria below were written before the study was first run; the digest's numbers are
/// printed to 4 decimals, so they are matched to half a unit of their last place (5·10⁻⁵).
struct ToyQuadraticEdgeStudy: NamedStudy {
    static let about = StudyAbout(name: "003-toy", title: "IAS marks the edge of stability on the Fig. 22 toy quadratic")

    static let eta = 1.0 / 16
    static let digestIAS = [10.5009, 15.0462, 20.2283, 25.1086, 28.9440, 31.5519, 33.1551, 34.0805]
    static let digestLoss = [9.1760, 7.1441, 5.6406, 4.5647, 3.8492, 3.4574, 3.3820, 3.6476]
    static let printedPrecision = 5e-5

    var claims: [Claim] {
        [
            Claim(id: "003-fig22-ias", source: "Fig. 22; digest 003 §6",
                  statement: "IAS = ‖H‖_{S_n} rises along 10.5009, 15.0462, 20.2283, 25.1086, 28.9440, 31.5519, 33.1551, 34.0805 at t = 0…7",
                  criterion: "each |IAS_t − digest| ≤ 5e-5"),
            Claim(id: "003-fig22-loss", source: "Fig. 22; digest 003 §6",
                  statement: "the loss 9.1760, 7.1441, …, 3.3820, 3.6476 first increases at t = 6, the first t with IAS > 2/η = 32",
                  criterion: "each |L_t − digest| ≤ 5e-5; first increase and first IAS > 32 both at t = 6"),
            Claim(id: "003-eq1-exact", source: "eq. (1), digest 003 oracle 6",
                  statement: "on a quadratic, ΔL_t = (η²/2)‖∇L_t‖² (IAS_t − 2/η) exactly",
                  criterion: "max relative error over all steps ≤ 1e-10"),
            Claim(id: "003-fig22-growth", source: "Fig. 22; digest 003 §6",
                  statement: "|q₁ᵀ∇L| grows by |1 − ηλ₁| = 1.2 per step",
                  criterion: "every ratio within 1e-10 of 1.2"),
            Claim(id: "003-fig22-limit", source: "Fig. 22; digest 003 oracle 7",
                  statement: "IAS rises (S-shaped) and converges to λ₁ = 35.2 while |cos(q₁, ∇L)| → 1",
                  criterion: "IAS non-decreasing; |IAS_T − 35.2| ≤ 0.001·35.2 and |cos| ≥ 0.999 at the last step"),
        ]
    }

    /// One GD step's measurements at θ_t.
    struct Row {
        let loss: Double
        let ias: Double
        let squaredGradientNorm: Double
        let topProjection: Double
        let cosine: Double
    }

    func runs(_ options: StudyOptions) -> [StudyRun] {
        [StudyRun("gd", configuration: "toy-quadratic α = 1.1, θ₀ = (3, 0.1), GD η = 1/16, \(options.quick ? 30 : 120) steps")]
    }

    /// GD from θ₀ for 30 (quick) or 120 steps; at every θ_t: L, IAS, ‖∇L‖², |q₁ᵀ∇L| and |cos(q₁, ∇L)| (and λ₁ at step 0).
    func measure(_ run: StudyRun, _ options: StudyOptions) throws -> StudySeries {
        let steps = options.quick ? 30 : 120
        let objective = QuadraticObjective.edgeOfStabilityToy(alpha: 1.1)
        let eigen = try objective.denseHessian(at: [0, 0]).symmetricEigen()
        let q1 = eigen.eigenvector(eigen.eigenvalues.count - 1)
        var theta = QuadraticObjective.edgeOfStabilityToyStart
        var gd = try SGD.plain.with(learningRate: Self.eta).instance(dimension: 2)
        var batches = FullBatch()
        var series = StudySeries()
        series.record(step: 0, ["lambda_1": eigen.eigenvaluesDescending[0]])
        Training.run(objective: objective, optimizer: &gd, parameters: &theta, batches: &batches, steps: 0..<(steps + 1),
                     observe: { step, _ in
                         let g = step.gradient
                         let hg = objective.hessianVectorProduct(at: step.parameters, along: g)
                         let gg = VectorOps.dot(g, g)
                         let projection = abs(VectorOps.dot(q1, g))
                         series.record(step: step.step, ["loss": step.loss ?? .nan, "ias": VectorOps.dot(g, hg) / gg, "grad_squared_norm": gg,
                                                         "top_projection": projection, "top_cosine": projection / gg.squareRoot()])
                         return .proceed
                     }, afterUpdate: { _, _ in .proceed })
        return series
    }

    func analyze(_ measured: StudyMeasurements, _ options: StudyOptions) throws -> StudyAnalysis {
        let series = try measured.series(StudyRun("gd"))
        let lambda1 = series.last("lambda_1") ?? .nan
        let loss = series.values("loss"), ias = series.values("ias"), gg = series.values("grad_squared_norm")
        let projection = series.values("top_projection"), cosine = series.values("top_cosine")
        let rows = loss.indices.map { Row(loss: loss[$0], ias: ias[$0], squaredGradientNorm: gg[$0], topProjection: projection[$0], cosine: cosine[$0]) }
        let outcomes = analyze(rows, lambda1: lambda1)
        let x = rows.indices.map(Double.init)
        let threshold = 2 / Self.eta
        let chart = LineChart(id: "ias", title: "IAS against 2/η and λ₁ (GD, η = 1/16)", xLabel: "step t", yLabel: "sharpness",
                              series: [LineChart.Series(name: "IAS = ‖H‖_{S_n} (measured)", points: zip(x, rows.map(\.ias)).map { ($0, $1) }, color: Palette.series(0)),
                                       LineChart.Series(name: "2/η = 32 (predicted edge)", points: [(0, threshold), (x.last!, threshold)], color: Palette.series(1), dashed: true),
                                       LineChart.Series(name: "λ₁ = 35.2 (predicted limit)", points: [(0, lambda1), (x.last!, lambda1)], color: Palette.series(2), dashed: true)])
        let lossChart = LineChart(id: "loss", title: "Loss: it rises exactly when IAS > 2/η", xLabel: "step t", yLabel: "L(θ_t)",
                                  series: [LineChart.Series(name: "L(θ_t)", points: zip(x, rows.map(\.loss)).map { ($0, $1) }, color: Palette.series(0))],
                                  logY: true)
        return StudyAnalysis(outcomes: outcomes,
                             figures: [StudyFigure(chart: chart, caption: "Paper 003 Fig. 22 in miniature: the measured IAS with the predicted edge 2/η and limit λ₁."),
                                       StudyFigure(chart: lossChart, caption: "The loss along GD; its first increase is at t = 6.")],
                             settings: [("objective", "toy-quadratic: θ₁² + 17.6θ₂² (α = 1.1)"), ("start", "(3, 0.1)"),
                                        ("optimizer", "sgd:plain (GD), η = 1/16"), ("steps", "\(rows.count - 1)"), ("seeds", "deterministic")])
    }

    /// Applies each claim's criterion (fixed above) to the measured rows.
    func analyze(_ rows: [Row], lambda1: Double) -> [ClaimOutcome] {
        let c = claims
        let threshold = 2 / Self.eta
        func verdict(_ ok: Bool) -> Verdict { ok ? .reproduced : .notReproduced }

        let iasErrors = zip(rows.prefix(8), Self.digestIAS).map { abs($0.ias - $1) }
        let lossErrors = zip(rows.prefix(8), Self.digestLoss).map { abs($0.loss - $1) }
        let firstRise = (1..<rows.count).first { rows[$0].loss > rows[$0 - 1].loss }.map { $0 - 1 }
        let firstAbove = rows.firstIndex { $0.ias > threshold }
        let exactness = (0..<(rows.count - 1)).map { t -> Double in
            let predicted = Self.eta * Self.eta / 2 * rows[t].squaredGradientNorm * (rows[t].ias - threshold)
            let actual = rows[t + 1].loss - rows[t].loss
            return abs(actual - predicted) / max(abs(actual), 1e-300)
        }
        let ratios = (0..<(rows.count - 1)).map { rows[$0 + 1].topProjection / rows[$0].topProjection }
        let monotone = zip(rows, rows.dropFirst()).allSatisfy { $1.ias >= $0.ias - 1e-12 }
        let last = rows.last!
        return [
            ClaimOutcome(claim: c[0], measured: rows.prefix(8).map { String(format: "%.4f", $0.ias) }.joined(separator: ", "),
                         numbers: ["max_abs_error": iasErrors.max()!],
                         verdict: verdict(iasErrors.count == 8 && iasErrors.allSatisfy { $0 <= Self.printedPrecision })),
            ClaimOutcome(claim: c[1], measured: "losses to t = 7 within \(String(format: "%.1e", lossErrors.max()!)); first rise at t = \(firstRise.map(String.init) ?? "none"), first IAS > 32 at t = \(firstAbove.map(String.init) ?? "none")",
                         numbers: ["max_abs_error": lossErrors.max()!, "first_rise": Double(firstRise ?? -1), "first_above": Double(firstAbove ?? -1)],
                         verdict: verdict(lossErrors.count == 8 && lossErrors.allSatisfy { $0 <= Self.printedPrecision } && firstRise == 6 && firstAbove == 6)),
            ClaimOutcome(claim: c[2], measured: String(format: "max relative error %.1e over %d steps", exactness.max()!, exactness.count),
                         numbers: ["max_relative_error": exactness.max()!], verdict: verdict(exactness.max()! <= 1e-10)),
            ClaimOutcome(claim: c[3], measured: String(format: "ratios in [%.12f, %.12f]", ratios.min()!, ratios.max()!),
                         numbers: ["min_ratio": ratios.min()!, "max_ratio": ratios.max()!],
                         verdict: verdict(ratios.allSatisfy { abs($0 - 1.2) <= 1e-10 })),
            ClaimOutcome(claim: c[4], measured: String(format: "IAS_T = %.6f (λ₁ = %.6f), |cos| = %.6f, monotone: %@", last.ias, lambda1, last.cosine, monotone ? "yes" : "no"),
                         numbers: ["final_ias": last.ias, "lambda_1": lambda1, "final_cosine": last.cosine],
                         verdict: verdict(monotone && abs(last.ias - 35.2) <= 0.001 * 35.2 && last.cosine >= 0.999)),
        ]
    }
}
