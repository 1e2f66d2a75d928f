import Curvature
import DataIO
@testable import Experiments
import Foundation
import NN
import Optim
import Testing
import Theory

/// `Advice` (issue 21) against closed forms on an analytic quadratic, against the library functions the
/// `curvature`, `stability`, `theory adam-noise` and `scale` commands call on a small MLP, and its
/// validation table against docs/REPRODUCTIONS.md.
struct AdviceTests {
    static func request(model: String, data: String? = nil, loss: String = "mse", optimizer: String, batchSize: Int,
                        target: Int? = nil, start: AdviceRequest.Start = .given, estimators: AdviceBudget.Estimators = .auto,
                        theta: [Double]? = nil) throws -> AdviceRequest {
        let problem = try ProblemSpec(model: model, data: data, loss: loss).build()
        let spec = try OptimizerSpec(parsing: optimizer)
        var budget = AdviceBudget()
        budget.estimators = estimators
        budget.batchCount = 400
        return try AdviceRequest(objective: problem.objective, parameters: theta ?? problem.initialParameters(seed: 2),
                                 optimizer: spec.hyperparameters, optimizerName: spec.preset, batchSize: batchSize,
                                 targetBatchSize: target, start: start, budget: budget)
    }

    static func section(_ advice: Advice, _ topic: AdviceSection.Topic) throws -> AdviceSection {
        try #require(advice.sections.first { $0.topic == topic })
    }

    static func evidence(_ section: AdviceSection, _ name: String) throws -> Double {
        try #require(section.evidence.first { $0.name == name }).value
    }

    static func close(_ a: Double, _ b: Double, _ relative: Double) -> Bool { abs(a - b) <= relative * max(abs(a), abs(b), 1e-300) }

    /// ½θᵀHθ, H = diag(1, 4, 17.6), one sample (full batch), θ = (1, 0.5, 2): every number has a closed form.
    /// g = Hθ; λ_max = 17.6; tr H = 22.6; IAS = gᵀHg/‖g‖² (b = N); SGD threshold 2/η, so the largest stable
    /// η is 2/IAS; Adam's P = |g| + ε (diag S_N = g²), λ₁(P⁻¹H) = max hᵢ/(hᵢ|θᵢ| + ε); at λ = 0,
    /// C_total(0.9, 0.999) = 9 − 999 = −990 (digest 000), ∂/∂β₂ = −1/(1−β₂)² = −10⁶, ∂/∂β₁ = 1/(1−β₁)² = 100;
    /// heavy ball β = 0.9 adds 45h‖∇L‖² (paper 001 eq. (6)).
    @Test func quadraticClosedForms() throws {
        let h = [1.0, 4, 17.6], theta = [1.0, 0.5, 2]
        let g = zip(h, theta).map { $0 * $1 }
        let gg = g.reduce(0) { $0 + $1 * $1 }, gHg = zip(h, g).reduce(0) { $0 + $1.0 * $1.1 * $1.1 }
        let sgd = try Advice(Self.request(model: "quadratic:diag=1,4,17.6", optimizer: "sgd,lr=0.05", batchSize: 1, theta: theta))
        let m = sgd.measurements
        #expect(Self.close(m.lambdaMax.value, 17.6, 1e-8))
        #expect(Self.close(m.hessianTrace.value, 22.6, 1e-12) && m.hessianTrace.kind == .exact)
        #expect(Self.close(m.gradientNormSquared.value, gg, 1e-12))
        #expect(Self.close(m.interactionAwareSharpness.value, gHg / gg, 1e-10))
        let stability = try Self.section(sgd, .stability)
        #expect(Self.close(try Self.evidence(stability, "threshold"), 2 / 0.05, 1e-12))
        #expect(Self.close(try Self.evidence(stability, "largest stable lr"), 2 / (gHg / gg), 1e-10))
        #expect(try Self.section(sgd, .betas).status == .doesNotApply)

        let eps = 1e-8
        let adam = try Advice(Self.request(model: "quadratic:diag=1,4,17.6", optimizer: "adam:torch,lr=0.001,beta1=0.9,beta2=0.999,eps=1e-8",
                                           batchSize: 1, theta: theta))
        let preconditioned = zip(h, theta).map { $0 / ($0 * abs($1) + eps) }.max()!
        #expect(Self.close(try #require(adam.measurements.preconditionedSharpness).value, preconditioned, 1e-7))
        let adamStability = try Self.section(adam, .stability)
        #expect(Self.close(try Self.evidence(adamStability, "threshold"), 3.8 / (0.1 * 0.001), 1e-12))
        let betas = try Self.section(adam, .betas)
        #expect(betas.status == .answered)
        #expect(Self.close(try Self.evidence(betas, "C_total"), -990, 1e-12))
        #expect(Self.close(try Self.evidence(betas, "dC_total/dbeta2"), -1e6, 1e-9))
        #expect(Self.close(try Self.evidence(betas, "dC_total/dbeta1"), 100, 1e-9))

        let heavyBall = try Advice(Self.request(model: "quadratic:diag=1,4,17.6", optimizer: "heavy-ball,lr=0.01,momentum=0.9",
                                                batchSize: 1, theta: theta))
        let memory = try Self.section(heavyBall, .memory)
        #expect(Self.close(try Self.evidence(memory, "0.45·grad_norm_sq"), 45 * 0.01 * gg, 1e-12))
        #expect(Self.close(try Self.evidence(memory, "modified loss"), 0.5 * zip(h, theta).reduce(0) { $0 + $1.0 * $1.1 * $1.1 } + 45 * 0.01 * gg, 1e-12))
    }

    /// On a small MLP with mini-batches, every number equals the library function behind the matching command:
    /// `curvature` (measureCurvature), `stability` (StabilityReport), `theory adam-noise` (AdamNoiseTerms,
    /// AdamNoiseCoefficients, AdamNoiseScale) and `scale` (ScalingRule); C_total at (0.9, 0.999) is also the
    /// digest's −990 + 1989.2λ.
    @Test func mlpMatchesTheCommandsLibraryFunctions() throws {
        let model = "mlp:4-8-2:tanh", data = "gaussian-mixture:n=64,d=4,classes=2,seed=1", b = 8
        let request = try Self.request(model: model, data: data, loss: "ce", optimizer: "adam:torch,lr=0.001,beta1=0.9,beta2=0.999,eps=1e-8",
                                       batchSize: b, target: 32)
        let advice = try Advice(request)
        let m = advice.measurements
        let (objective, theta) = (request.objective, request.parameters)
        var settings = CurvatureSettings()
        settings.batchSize = b
        settings.eigenTolerance = 1e-8
        let curvature = try measureCurvature(of: objective, at: theta, measures: [.lambdaMax, .ias, .noise], settings: settings)
        #expect(Self.close(m.lambdaMax.value, try #require(curvature.lambdaMax), 1e-6))
        #expect(Self.close(m.interactionAwareSharpness.value, try #require(curvature.ias), 1e-10))
        #expect(Self.close(m.rhoB.value, try #require(curvature.rhoB), 1e-10))
        #expect(Self.close(m.rho.value, try #require(curvature.rho), 1e-10))
        #expect(Self.close(m.simpleNoiseScale.value, try #require(curvature.bSimple), 1e-10))
        #expect(Self.close(m.traceSigma.value, try #require(curvature.traceSigma), 1e-10))

        let terms = try AdamNoiseTerms(objective: objective, at: theta, batchSize: b, beta1: 0.9, beta2: 0.999)
        #expect(Self.close(m.noiseRatio.value, terms.noiseRatio, 1e-10))
        let betas = try Self.section(advice, .betas)
        let cTotal = try Self.evidence(betas, "C_total")
        #expect(Self.close(cTotal, try AdamNoiseCoefficients(beta1: 0.9, beta2: 0.999).total(noiseRatio: terms.noiseRatio), 1e-12))
        #expect(abs(cTotal - (-990 + 1989.2 * terms.noiseRatio)) <= 0.05 * terms.noiseRatio + 1e-9, "digest 000: C_total = −990 + 1989.2λ")
        let transition = try AdamNoiseScale.transitionBatchSizes(datasetSize: 64, simpleNoiseScale: terms.simpleNoiseScale)
        #expect(Self.close(try Self.evidence(betas, "b_1/2"), 2 * 64 * terms.simpleNoiseScale / (64 + 2 * terms.simpleNoiseScale - 1), 1e-10))
        #expect(Self.close(try Self.evidence(betas, "b_1"), transition.one, 1e-12))

        let report = try StabilityReport(objective: objective, at: theta, optimizer: .adam(beta1: 0.9, epsilon: 1e-8), learningRate: 0.001,
                                         batchSize: b)
        let stability = try Self.section(advice, .stability)
        #expect(Self.close(try Self.evidence(stability, "sharpness"), report.classification.sharpness, 1e-6))
        #expect(Self.close(try Self.evidence(stability, "threshold"), report.classification.threshold, 1e-12))
        let sgd = try Advice(Self.request(model: model, data: data, loss: "ce", optimizer: "sgd,lr=0.5", batchSize: b))
        let sgdReport = try StabilityReport(objective: objective, at: theta, optimizer: .sgd, learningRate: 0.5, batchSize: b)
        let sgdStability = try Self.section(sgd, .stability)
        #expect(Self.close(try Self.evidence(sgdStability, "threshold"), sgdReport.classification.threshold, 1e-10))
        #expect(Self.close(try Self.evidence(sgdStability, "ratio"), sgdReport.classification.ratio, 1e-10))
        // The largest stable lr puts the sharpness exactly at its threshold.
        let edge = try StabilityReport(objective: objective, at: theta, optimizer: .sgd, learningRate: try Self.evidence(sgdStability, "largest stable lr"),
                                       batchSize: b)
        #expect(Self.close(edge.classification.ratio, 1, 1e-10))

        let scaled = try ScalingRule.squareRoot(.full).apply(
            to: ScalableHyperparameters(optimizer: .adam, learningRate: 0.001, batchSize: 8, beta1: 0.9, beta2: 0.999, epsilon: 1e-8), newBatchSize: 32)
        let change = try Self.section(advice, .batchSizeChange)
        #expect(Self.close(try Self.evidence(change, "lr'"), scaled.hyperparameters.learningRate, 1e-12))
        #expect(Self.close(try Self.evidence(change, "beta2'"), try #require(scaled.hyperparameters.beta2), 1e-12))
        #expect(change.answer.contains(32 <= m.simpleNoiseScale.value ? "expected to hold" : "expected to fail"))

        let lssr = try Self.section(sgd, .batchSizeChange)
        #expect(lssr.status == .doesNotApply, "no target batch size")
        let sgdTarget = try Advice(Self.request(model: model, data: data, loss: "ce", optimizer: "sgd,lr=0.5", batchSize: b, target: 32))
        let lssrLR = try LSSR.learningRate(baseLearningRate: 0.5, baseBatchSize: 8, batchSize: 32, rho: m.rho.value, datasetSize: 64,
                                           sampling: .withoutReplacement)
        #expect(Self.close(try Self.evidence(try Self.section(sgdTarget, .batchSizeChange), "lr'"), lssrLR, 1e-12))
    }

    /// The sampled estimators agree with the exact ones within four standard errors.
    @Test func sampledAgreesWithExact() throws {
        let make = { (e: AdviceBudget.Estimators) in
            try Advice(Self.request(model: "mlp:4-8-2:tanh", data: "gaussian-mixture:n=64,d=4,classes=2,seed=1", loss: "ce",
                                    optimizer: "adam:torch,lr=0.001", batchSize: 8, estimators: e))
        }
        let exact = try make(.exact), sampled = try make(.sampled)
        #expect(sampled.measurements.interactionAwareSharpness.kind == .sampled && exact.measurements.interactionAwareSharpness.kind == .exact)
        let ias = sampled.measurements.interactionAwareSharpness
        let se = try #require(ias.standardError)
        #expect(se > 0 && abs(ias.value - exact.measurements.interactionAwareSharpness.value) <= 4 * se)
        let p = try #require(sampled.measurements.preconditionedSharpness).value, q = try #require(exact.measurements.preconditionedSharpness).value
        #expect(abs(p - q) <= 0.2 * q, "λ₁(P⁻¹H) from a sampled diag S_b: \(p) vs \(q)")
    }

    /// A warm-up moves θ by K optimizer steps, and Adam's P then comes from the optimizer state.
    @Test func warmUp() throws {
        let request = try Self.request(model: "mlp:4-8-1:tanh", data: "sparse-regression:n=32,d=4,k=2,seed=1",
                                       optimizer: "adam:torch,lr=0.01", batchSize: 8, start: .warmUp(steps: 20))
        let advice = try Advice(request)
        let start = try Advice(Self.request(model: "mlp:4-8-1:tanh", data: "sparse-regression:n=32,d=4,k=2,seed=1",
                                            optimizer: "adam:torch,lr=0.01", batchSize: 8))
        #expect(advice.measurements.loss < start.measurements.loss)
        #expect(advice.measurements.preconditionerSource == "optimizer state after the warm-up")
    }

    /// Sections outside an optimizer's conventions say why instead of answering.
    @Test func unsupportedCombinations() throws {
        let advice = try Advice(Self.request(model: "quadratic:diag=1,4", optimizer: "lion,lr=0.001", batchSize: 1, target: 1))
        for topic in AdviceSection.Topic.allCases {
            let section = try Self.section(advice, topic)
            #expect(section.status == .doesNotApply && !section.answer.isEmpty && section.validation.isEmpty, "\(topic)")
        }
    }

    @Test func badInputsAreNamed() throws {
        let problem = try ProblemSpec(model: "mlp:2-3-1:tanh", data: "sparse-regression:n=8,d=2,k=1,seed=1", loss: "mse").build()
        let sgd = try OptimizerSpec(parsing: "sgd,lr=0.1").hyperparameters
        let theta = problem.initialParameters(seed: 0)
        let cases: [(String, () throws -> AdviceRequest)] = [
            ("batch-size", { try AdviceRequest(objective: problem.objective, parameters: theta, optimizer: sgd, optimizerName: "sgd", batchSize: 9) }),
            ("target-batch-size", { try AdviceRequest(objective: problem.objective, parameters: theta, optimizer: sgd, optimizerName: "sgd",
                                                      batchSize: 2, targetBatchSize: 0) }),
            ("parameters", { try AdviceRequest(objective: problem.objective, parameters: [1, 2], optimizer: sgd, optimizerName: "sgd", batchSize: 2) }),
            ("estimators", {
                var budget = AdviceBudget()
                budget.estimators = .exact
                let big = try ProblemSpec(model: "mlp:784-200-10:tanh", data: "gaussian-mixture:n=400,d=784,classes=10,seed=1", loss: "mse").build()
                return try AdviceRequest(objective: big.objective, parameters: big.initialParameters(seed: 0), optimizer: sgd,
                                         optimizerName: "sgd", batchSize: 2, budget: budget)
            }),
            ("warmup-steps", { try AdviceRequest(objective: problem.objective, parameters: theta, optimizer: sgd, optimizerName: "sgd",
                                                 batchSize: 2, start: .warmUp(steps: 0)) }),
        ]
        for (input, make) in cases {
            #expect(throws: AdviceInputError.self, "\(input)") { _ = try make() }
            do { _ = try make() } catch let error as AdviceInputError { #expect(error.input == input) }
        }
    }

    /// Every verdict the advice cites is the one docs/REPRODUCTIONS.md records for that claim, and every cited
    /// claim exists. The document's rows paraphrase the claims, so a claim's row is found by its paper, its
    /// study's command (`biaslab reproduce <study>` or `<paper>`), the longest source column that begins
    /// the claim's source in the study's code and then the longest common start with the statement.
    @Test func validationTableMatchesReproductions() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let document = try String(contentsOf: root.appendingPathComponent("docs/REPRODUCTIONS.md"), encoding: .utf8)
        let table = document.split(separator: "\n").filter { $0.hasPrefix("| 00") }.map { $0.components(separatedBy: " | ") }
        let rows = AdviceValidation.rows(Array(AdviceValidation.recorded.keys))
        #expect(rows.count == AdviceValidation.recorded.count, "every recorded claim is declared by a study")
        for row in rows {
            let claim = try #require(Studies.all.flatMap(\.claims).first { $0.id == row.claim })
            let candidates = table.filter { columns in
                columns.count >= 8 && columns[0] == "| \(claim.paper)" && claim.source.hasPrefix(columns[1])
                    && (columns[6].contains("reproduce \(row.study)") || columns[6].contains("reproduce \(claim.paper) "))
            }
            // Ties (one source, several claims) go to the row whose text shares the longest start with the statement.
            let score = { (columns: [String]) in (columns[1].count, zip(columns[2], claim.statement).prefix { $0 == $1 }.count) }
            let found = try #require(candidates.max { score($0) < score($1) }, "\(row.claim): no row in docs/REPRODUCTIONS.md")
            #expect(found[5] == "**\(row.verdict.rawValue)**", "\(row.claim): \(found[5]) in the row '\(found[2])'")
        }
    }
}
