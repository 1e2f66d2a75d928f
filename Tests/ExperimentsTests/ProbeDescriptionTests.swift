import BiasLabTestSupport
import Experiments
import Foundation
import Testing

/// Every probe's ProbeDescription against the probe itself (what `biaslab probes` prints cannot drift):
/// the metrics it lists are exactly the names a tiny run records (oracle: the metrics table), and the
/// options it lists are exactly the keys it reads (oracle: ConfigReader's "valid keys here" list).
@Suite struct ProbeDescriptionTests {
    static let defaultProblem = """
        model: mlp:4-6-2:tanh
        data: {train: "gaussian-mixture:n=24,d=4,classes=2,seed=1", test: "gaussian-mixture:n=12,d=4,classes=2,seed=2"}
        """

    /// The probes that need a problem of their own (recovery: a linear predictor on a source with a teacher).
    static let problems = [
        "recovery": """
            model: dln:6
            data: {train: "sparse-regression:n=8,d=6,k=2,seed=1", test: "sparse-regression:split=test,n=8,d=6,k=2,seed=1"}
            """,
    ]

    /// A transformer on fortunes windows: the train and test probes' perplexity (next-token-ce only).
    static let languageModelProblem = """
        model: transformer:vocab=256:context=4:width=4:heads=2:layers=1
        data: {train: "text:context=4,n=8", test: "text:split=validation,context=4,n=4"}
        """
    static let languageModelProbes: Set = ["train", "test"]

    static func yaml(_ probes: String, problem: String = defaultProblem, optimizer: String = "{name: adam:torch, lr: 0.02}",
                     loss: String = "mse") -> String {
        """
        name: probes
        \(problem)
        loss: \(loss)
        optimizer: \(optimizer)
        training: {steps: 2, batch_size: 8, sampling: without-replacement, checkpoint_every: 5}
        probes:
        \(probes)
        """
    }

    /// Each probe in every mode whose metrics differ (interaction exact and sampled).
    static let entries = [
        "train": ["  - {name: train, every: 1}"],
        "test": ["  - {name: test, every: 1}"],
        "sharpness": ["  - {name: sharpness, every: 1, options: {method: power}}"],
        "preconditioned_sharpness": ["  - {name: preconditioned_sharpness, every: 1}"],
        "interaction": ["  - {name: interaction, every: 1}", "  - {name: interaction, every: 1, options: {mode: sampled, batch_count: 4}}"],
        "batch_sharpness": ["  - {name: batch_sharpness, every: 1, options: {batch_count: 4}}"],
        "trace": ["  - {name: trace, every: 1, options: {probes: 4}}"],
        "adaptive_sharpness": ["  - {name: adaptive_sharpness, every: 1}"],
        "gradient_noise": ["  - {name: gradient_noise, every: 1}"],
        "recovery": ["  - {name: recovery, every: 1}"],
        "loss_change": ["  - {name: loss_change, every: 1}", "  - {name: loss_change, every: 1, options: {mode: sampled, batch_count: 4}}"],
        "alignment": ["  - {name: alignment, every: 1}"],
        "theory": ["  - {name: theory, every: 1}"],
    ]

    /// The probes whose first entry also runs with a momentum method (their `momentum_threshold`; theory's
    /// heavy-ball modified loss).
    static let momentumProbes: Set = ["sharpness", "interaction", "batch_sharpness", "theory"]
    static let momentum = "{name: \"momentum:paper\", lr: 0.02, momentum: 0.9}"

    @Test func everyProbeIsExercised() {
        #expect(Set(Self.entries.keys) == Set(ProbeRegistry.standard.types.keys))
        #expect(ProbeRegistry.standard.ordered.map { $0.name }.count == ProbeRegistry.standard.types.count)
    }

    @Test(arguments: ProbeRegistry.standard.ordered.map { $0.documentation })
    func listedMetricsAreTheRecordedOnes(_ description: ProbeDescription) throws {
        let url = try CLIRunner.temporaryDirectory().appendingPathComponent("runs.sqlite")
        var recorded = Set<String>()
        let entries = try #require(Self.entries[description.name])
        let problem = Self.problems[description.name] ?? Self.defaultProblem
        let runs = entries.map { Self.yaml($0, problem: problem) }
            + (Self.momentumProbes.contains(description.name) ? [Self.yaml(entries[0], problem: problem, optimizer: Self.momentum)] : [])
            + (Self.languageModelProbes.contains(description.name)
                ? [Self.yaml(entries[0], problem: Self.languageModelProblem, loss: "next-token-ce")] : [])
        for yaml in runs {
            let document = try ConfigValue.parse(yaml: yaml, source: "test")
            let outcome = try Runner.start(try RunConfig(document: document), store: url,
                                           options: RunOptions(softwareVersion: "test"))
            #expect(outcome.status == .completed)
            recorded.formUnion(try RunStore(url: url).metrics(runID: outcome.runID).map(\.name))
        }
        recorded.remove("batch_loss")  // the runner's own, every step
        #expect(recorded == Set(description.metrics.map(\.name)), "\(description.name)")
        #expect(description.metrics.map(\.name).count == Set(description.metrics.map(\.name)).count)
    }

    @Test(arguments: ProbeRegistry.standard.ordered.map { $0.documentation })
    func listedOptionsAreTheReadKeys(_ description: ProbeDescription) throws {
        let document = try ConfigValue.parse(yaml: Self.yaml("  - {name: \(description.name), options: {unlisted: 1}}"), source: "test")
        let keys = description.options.map(\.key).sorted().joined(separator: ", ")
        #expect(throws: ConfigError(path: "probes[0].options.unlisted", "unknown key (valid keys here: \(keys))")) {
            _ = try RunConfig(document: document)
        }
    }

    /// The defaults listed are the ones used: an explicit default gives the same run as none.
    @Test func listedDefaultsAreTheOnesUsed() throws {
        let sharpness = try #require(ProbeRegistry.standard.types["sharpness"]?.documentation)
        #expect(sharpness.options.map(\.key) == ["method", "tolerance", "max_iterations"])
        #expect(sharpness.options.map(\.defaultValue) == ["lanczos", "1e-06 (lanczos), 0.0001 (power)", "100"])
        let batch = try #require(ProbeRegistry.standard.types["batch_sharpness"]?.documentation)
        #expect(batch.options.map(\.defaultValue) == ["32"] && batch.options.map(\.expected) == ["[1, 1000000]"])
        let url = try CLIRunner.temporaryDirectory().appendingPathComponent("runs.sqlite")
        var finals: [[Double]] = []
        for entry in ["  - {name: trace, every: 1}", "  - {name: trace, every: 1, options: {probes: 16}}"] {
            let document = try ConfigValue.parse(yaml: Self.yaml(entry), source: "test")
            let outcome = try Runner.start(try RunConfig(document: document), store: url, options: RunOptions(softwareVersion: "test"))
            finals.append(try RunStore(url: url).metrics(runID: outcome.runID, name: "hessian_trace").map(\.value))
        }
        #expect(finals[0] == finals[1] && finals[0].count == 3)
    }
}
