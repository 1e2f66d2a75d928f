import BiasLabTestSupport
import Experiments
import Foundation
import NN
import Testing

/// Config parsing and validation. Oracle: the exact one-line error text the spec requires
/// (`key.path: problem`), and the decoded fields against the YAML written in the test.
@Suite struct ConfigTests {
    static let base = """
        name: tiny
        model: mlp:4-6-2:tanh
        data: gaussian-mixture:n=24,d=4,classes=2,seed=1
        loss: mse
        optimizer: {name: adam:torch, lr: 0.01, beta2: 0.99}
        training: {steps: 20, batch_size: 8, sampling: with-replacement, checkpoint_every: 5}
        seed: 3
        probes:
          - {name: train, every: 2}
          - {name: sharpness, every: 4, options: {method: power}}
        """

    static func config(_ yaml: String, overrides: [String] = []) throws -> RunConfig {
        var document = try ConfigValue.parse(yaml: yaml, source: "test.yaml")
        try RunConfig.applyOverrides(overrides, to: &document)
        return try RunConfig(document: document)
    }

    static func error(_ yaml: String, overrides: [String] = []) -> String? {
        do { _ = try config(yaml, overrides: overrides); return nil } catch { return "\(error)" }
    }

    @Test func decodesEveryField() throws {
        let c = try Self.config(Self.base)
        let model = try ModelSpec.parse("mlp:4-6-2:tanh")
        #expect(c.name == "tiny" && c.problem.model == model && c.seed == 3)
        #expect(c.optimizer.preset == "adam:torch" && c.optimizer.settings["beta2"] == "0.99" && c.optimizer.settings["lr"] == "0.01")
        #expect(c.steps == 20 && c.batchSize == 8 && c.sampling == .withReplacement && c.checkpointEvery == 5)
        #expect(c.probes.map(\.name) == ["train", "sharpness"] && c.probes.map(\.cadence) == [.steps(2), .steps(4)])
        #expect(c.stop.divergenceFactor == 1000 && c.store == "runs.sqlite")
    }

    @Test func overridesApplyBeforeValidation() throws {
        let c = try Self.config(Self.base, overrides: ["optimizer.beta2=0.9", "training.batch_size=full", "probes.1.every=7"])
        #expect(c.optimizer.settings["beta2"] == "0.9" && c.batchSize == nil && c.probes[1].cadence == .steps(7))
        #expect(Self.error(Self.base, overrides: ["optimizer.beta2=1.5"]) == "optimizer.beta2: must be in [0, 1), got 1.5")
    }

    @Test func errorsNameTheKeyPath() {
        #expect(Self.error(Self.base + "\nextra: 1") == "extra: unknown key (valid keys here: data, label_noise, loss, model, name, optimizer, probes, seed, stop, store, training)")
        #expect(Self.error(Self.base, overrides: ["training.steps=many"]) == "training.steps: expected an integer, got many")
        #expect(Self.error(Self.base, overrides: ["training.checkpoint_every=0"]) == "training.checkpoint_every: must be in [1, ∞), got 0")
        #expect(Self.error(Self.base, overrides: ["probes.1.options.method=qr"]) == "probes[1].options.method: must be one of lanczos, power, got qr")
        #expect(Self.error(Self.base, overrides: ["probes.0.name=nope"])?.hasPrefix("probes[0].name: unknown probe 'nope'") == true)
        #expect(Self.error(Self.base, overrides: ["model=mlp:4-x:tanh"])?.hasPrefix("model: model spec 'mlp:4-x:tanh': widths '4-x' must be") == true)
        #expect(Self.error(Self.base, overrides: ["stop.divergence_factor=0.5"]) == "stop.divergence_factor: must be > 1, got 0.5")
        #expect(Self.error("model: [1") != nil)
    }

    /// YAML numbers reach the typed hyperparameters as numbers; text is read once as its key's type.
    @Test func optimizerSettingsAreTyped() throws {
        let c = try Self.config(Self.base, overrides: ["optimizer.eps_placement=insideSqrt"])
        #expect(c.optimizer.learningRate == 0.01 && c.optimizer.hyperparameters.firstMomentDecay == 0.9)
        #expect(c.optimizer.hyperparameters.formula.hasSuffix("√(v/(1−β₂ᵗ) + ε)"))
        #expect(Self.error(Self.base, overrides: ["optimizer.eps_placement=under"])
                == "optimizer: eps_placement must be one of outsideSqrt, insideSqrt, got 'under'")
        #expect(Self.error(Self.base, overrides: ["optimizer.momentum=0.5"])?
                    .hasPrefix("optimizer: unknown setting 'momentum' for adam:torch; valid settings: lr, beta1") == true)
    }

    @Test func optimizerAsSpecString() throws {
        let c = try Self.config(Self.base, overrides: ["optimizer=sgd,lr=0.5"])
        #expect(c.optimizer.preset.hasPrefix("sgd"))
        #expect(c.optimizer.settings["lr"] == "0.5")
    }
}

/// `training.sampling` (BatchSampling's raw values), its older name `training.sampler`, and the probes
/// that need random batches rejecting fixed-order by key path. Oracle: the exact one-line errors.
@Suite struct SamplingConfigTests {
    @Test func samplingAndItsOlderNameReadTheSameValue() throws {
        let older = ConfigTests.base.replacingOccurrences(of: "sampling: with-replacement", with: "sampler: uniform-subset")
        #expect(try ConfigTests.config(older).sampling == .uniformSubset)
        #expect(try ConfigTests.config(ConfigTests.base, overrides: ["training.sampling=fixed-order"]).sampling == .fixedOrder)
        #expect(ConfigTests.error(ConfigTests.base, overrides: ["training.sampler=with-replacement"])
                    == "training.sampler: give training.sampling only (sampler is its older name)")
        #expect(ConfigTests.error(ConfigTests.base, overrides: ["training.sampling=with"])
                    == "training.sampling: must be one of without-replacement, with-replacement, uniform-subset, fixed-order, got with")
    }

    @Test func batchMomentProbesRejectFixedOrder() throws {
        let url = try CLIRunner.temporaryDirectory().appendingPathComponent("runs.sqlite")
        for probe in ["gradient_noise", "interaction", "batch_sharpness"] {
            let yaml = ConfigTests.base.replacingOccurrences(of: "{name: sharpness, every: 4, options: {method: power}}",
                                                             with: "{name: \(probe), every: 4}")
            let config = try ConfigTests.config(yaml, overrides: ["training.sampling=fixed-order"])
            do {
                _ = try Runner.start(config, store: url, options: RunOptions(softwareVersion: "test"))
                Issue.record("\(probe) accepted fixed-order")
            } catch let error as ConfigError {
                #expect("\(error)" == "probes[1]: the \(probe) probe needs randomly drawn batches, but sampling fixed-order has no "
                            + "random batch law (expected without-replacement, with-replacement, uniform-subset); set training.sampling")
            }
        }
        #expect(!FileManager.default.fileExists(atPath: url.path))
    }
}
