import BiasLabTestSupport
import Experiments
import Foundation
import NN
import Testing

/// Run configs take every objective the CLI takes: an analytic objective (paper 003's Fig. 22 toy) runs
/// without data, its GD iterates match the closed form, and the sharpness probe reads its exact λ_max.
struct AnalyticRunTests {
    static let yaml = """
        name: toy
        model: toy-quadratic
        optimizer: {name: sgd, lr: 0.0625}
        training: {steps: 6}
        probes:
          - {name: train, every: 1}
          - {name: sharpness, every: 3}
        """

    static func config(_ yaml: String) throws -> RunConfig {
        try RunConfig(document: try ConfigValue.parse(yaml: yaml, source: "test"))
    }

    /// L(θ) = θ₁² + 17.6θ₂² (α = 1.1): GD with η multiplies θ₁ by 1 − 2η and θ₂ by 1 − 35.2η each step;
    /// λ_max = 35.2 everywhere. The start is the toy's documented (3, 0.1).
    @Test func toyQuadraticRunsFromAConfig() throws {
        let url = try CLIRunner.temporaryDirectory().appendingPathComponent("runs.sqlite")
        let outcome = try Runner.start(try Self.config(Self.yaml), store: url, options: RunOptions(softwareVersion: "test"))
        #expect(outcome.status == .completed && outcome.step == 6)
        let store = try RunStore(url: url)
        let losses = try store.metrics(runID: outcome.runID, name: "train_loss").sorted { $0.step < $1.step }
        let eta = 0.0625
        for row in losses {
            let t = Double(row.step)
            let a = 3 * pow(1 - 2 * eta, t), b = 0.1 * pow(1 - 35.2 * eta, t)
            #expect(abs(row.value - (a * a + 17.6 * b * b)) <= 1e-12 * max(1, row.value), "step \(row.step)")
        }
        #expect(losses.count == 7)
        let sharpness = try store.metrics(runID: outcome.runID, name: "lambda_max")
        #expect(!sharpness.isEmpty && sharpness.allSatisfy { abs($0.value - 35.2) < 1e-8 })
    }

    @Test func dataIsRefusedForAnalyticObjectivesAndRequiredForModels() {
        func error(_ yaml: String) -> String? {
            do { _ = try Self.config(yaml); return nil } catch { return "\(error)" }
        }
        #expect(error(Self.yaml + "\ndata: gaussian-mixture:n=8,d=2,classes=2") ==
                "data: model 'toy-quadratic' is an analytic objective and takes no data; remove the data key")
        #expect(error(Self.yaml.replacingOccurrences(of: "toy-quadratic", with: "mlp:2-3-2:tanh"))?.hasPrefix("data") == true)
    }
}

/// A run with label noise resumes bit for bit (the noise of step t is a function of the seed and t).
struct LabelNoiseRunTests {
    static let yaml = """
        name: noisy
        model: mlp:4-6-1:tanh
        data: sparse-regression:n=32,d=4,k=2,seed=1
        label_noise: rademacher:0.2
        optimizer: {name: sgd, lr: 0.05}
        training: {steps: 20, batch_size: 8, sampling: with-replacement, checkpoint_every: 5}
        probes:
          - {name: train, every: 4}
        """

    @Test func noisyRunResumesBitForBit() throws {
        let config = try RunConfig(document: try ConfigValue.parse(yaml: Self.yaml, source: "test"))
        #expect(config.problem.labelNoise == (try LabelNoise.parse("rademacher:0.2")))
        let url = try CLIRunner.temporaryDirectory().appendingPathComponent("runs.sqlite")
        let straight = try Runner.start(config, store: url, options: RunOptions(softwareVersion: "test"))
        let stopped = try Runner.start(config, store: url, options: RunOptions(softwareVersion: "test", shouldStop: { $0 == 7 }))
        let resumed = try Runner.resume(runID: stopped.runID, store: url, options: RunOptions(softwareVersion: "test"))
        #expect(straight.status == .completed && resumed.status == .completed && stopped.step == 7)
        #expect(straight.parametersDigest == resumed.parametersDigest)
        let quiet = try RunConfig(document: try ConfigValue.parse(yaml: Self.yaml.replacingOccurrences(of: "label_noise: rademacher:0.2\n", with: ""),
                                                                 source: "test"))
        #expect(try Runner.start(quiet, store: url, options: RunOptions(softwareVersion: "test")).parametersDigest != straight.parametersDigest)
    }

    @Test func labelNoiseErrorsNameTheKey() {
        func error(_ yaml: String) -> String? {
            do { _ = try RunConfig(document: try ConfigValue.parse(yaml: yaml, source: "test")); return nil } catch { return "\(error)" }
        }
        #expect(error(Self.yaml.replacingOccurrences(of: "rademacher:0.2", with: "rademacher:-1"))?.hasPrefix("label_noise:") == true)
        #expect(error(Self.yaml + "\nloss: ce")?.hasPrefix("label_noise:") == true)
    }
}
