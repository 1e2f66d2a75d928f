import Foundation
import NN
import Optim
import Testing
import Theory
@testable import Experiments

/// The `theory` probe (issue 21, item 2) against oracles: at a fixed θ its values are the ones `Advice`
/// computes there (and C_total is the digest's −990 + 1989.2λ at (0.9, 0.999)); along examples/adam-theory.yaml
/// its transition batch size agrees with the gradient_noise probe's B_simple at every step, and the report
/// charts b_1/2 beside the batch size and L̃ beside the training loss.
struct TheoryProbeTests {
    @Test func matchesTheAdviceAtTheta() throws {
        let problem = try ProblemSpec(model: "mlp:4-8-2:tanh", data: "gaussian-mixture:n=64,d=4,classes=2,seed=1", loss: "mse").build()
        let theta = problem.initialParameters(seed: 1)
        let spec = try OptimizerSpec(parsing: "adam:paper000,lr=0.001,beta1=0.9,beta2=0.999")
        var reader = try ConfigReader(.map([:]), path: "probes[0].options")
        var probe = try TheoryProbe(options: &reader)
        let context = ProbeContext(step: 0, parameters: theta, objective: problem.objective, testObjective: nil,
                                   optimizer: try spec.makeInstance(structure: ProblemStructure(dimension: theta.count)),
                                   hyperparameters: spec.hyperparameters, learningRate: 0.001, batchSize: 8, sampling: .withoutReplacement, seed: 1)
        let values = try probe.measure(context)
        let advice = try Advice(AdviceRequest(objective: problem.objective, parameters: theta, optimizer: spec.hyperparameters,
                                              optimizerName: spec.preset, batchSize: 8))
        let lambda = try #require(values["noise_ratio"])
        #expect(abs(lambda - advice.measurements.noiseRatio.value) <= 1e-12 * lambda)
        let betas = try #require(advice.sections.first { $0.topic == .betas })
        let cTotal = try #require(values["c_total"])
        #expect(abs(cTotal - (try #require(betas.evidence.first { $0.name == "C_total" })).value) <= 1e-9 * abs(cTotal))
        #expect(abs(cTotal - (-990 + 1989.2 * lambda)) <= 0.05 * lambda + 1e-9)
        #expect(abs(try #require(values["transition_batch_half"]) - (try #require(betas.evidence.first { $0.name == "b_1/2" })).value) <= 1e-9)
        let memory = try #require(advice.sections.first { $0.topic == .memory })
        let modified = try #require(memory.evidence.first { $0.name == "modified loss" }).value
        #expect(abs(try #require(values["modified_loss"]) - modified) <= 1e-12 * max(1, abs(modified)))
        #expect(abs(try #require(values["memory_term"]) - (modified - advice.measurements.loss)) <= 1e-12 * max(1, abs(modified)))
    }

    /// Heavy ball with mini-batches: L̃ = L + hβ/(2(1−β)²)‖∇L‖² + hβ/(2(1−β)(1+β))·(γ/b) tr Σ, γ = (N − b)/(N − 1)
    /// (paper 001 eq. (6), App. G), in the probe and in the advice.
    @Test func heavyBallNoiseTerm() throws {
        let problem = try ProblemSpec(model: "mlp:4-8-2:tanh", data: "gaussian-mixture:n=64,d=4,classes=2,seed=1", loss: "mse").build()
        let theta = problem.initialParameters(seed: 1)
        let (h, beta, b) = (0.01, 0.9, 8)
        let spec = try OptimizerSpec(parsing: "heavy-ball,lr=\(h),momentum=\(beta)")
        var reader = try ConfigReader(.map([:]), path: "probes[0].options")
        var probe = try TheoryProbe(options: &reader)
        let context = ProbeContext(step: 0, parameters: theta, objective: problem.objective, testObjective: nil,
                                   optimizer: try spec.makeInstance(structure: ProblemStructure(dimension: theta.count)),
                                   hyperparameters: spec.hyperparameters, learningRate: h, batchSize: b, sampling: .withoutReplacement, seed: 1)
        let values = try probe.measure(context)
        let noise = problem.objective.gradientNoise(at: theta)
        let gamma = Double(64 - b) / 63
        let expected = problem.objective.loss(at: theta) + h * beta / (2 * (1 - beta) * (1 - beta)) * noise.meanGradientSquaredNorm
            + h * beta / (2 * (1 - beta) * (1 + beta)) * gamma / Double(b) * noise.covarianceTrace
        #expect(abs(try #require(values["modified_loss"]) - expected) <= 1e-12 * abs(expected))
        let advice = try Advice(AdviceRequest(objective: problem.objective, parameters: theta, optimizer: spec.hyperparameters,
                                              optimizerName: spec.preset, batchSize: b))
        let memory = try #require(advice.sections.first { $0.topic == .memory })
        #expect(abs(try #require(memory.evidence.first { $0.name == "modified loss" }).value - expected) <= 1e-12 * abs(expected))
    }

    @Test func alongTheExampleRun() throws {
        let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("examples")
        let config = try RunConfig.load(contentsOf: examples.appendingPathComponent("adam-theory.yaml"))
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("biaslab-theory-\(UUID().uuidString).sqlite")
        let outcome = try Runner.start(config, store: url, options: RunOptions(softwareVersion: "test"))
        #expect(outcome.status == .completed)
        let store = try RunStore(url: url)
        let byName = Dictionary(grouping: try store.metrics(runID: outcome.runID), by: \.name)
        let simple = Dictionary((byName["b_simple"] ?? []).map { ($0.step, $0.value) }, uniquingKeysWith: { a, _ in a })
        let half = try #require(byName["transition_batch_half"])
        #expect(half.count == 21)
        for row in half {
            let b = try #require(simple[row.step])
            #expect(abs(row.value - 2 * 64 * b / (64 + 2 * b - 1)) <= 1e-9 * row.value, "step \(row.step)")
        }
        let run = try #require(try store.run(id: outcome.runID))
        let charts = RunCharts(entries: [RunCharts.Entry(run: run, series: byName)]).charts()
        for (id, reference) in [("run-transition_batch_half", "batch_size"), ("run-modified_loss", "train_loss")] {
            let chart = try #require(charts.first { $0.id == id }, "no chart \(id)")
            #expect(chart.series.contains { $0.dashed && $0.attributes["data-reference"] == reference })
        }
        #expect(!charts.contains { $0.id == "run-batch_size" })
    }
}
