import Experiments
import Foundation
import Testing

/// Every config in examples/ parses and validates; the tiny synthetic one runs to completion.
struct ExampleConfigTests {
    static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("examples")

    @Test func everyExampleParses() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.examples.path).filter { $0.hasSuffix(".yaml") }.sorted()
        #expect(files == ["adam-aeos.yaml", "adam-theory.yaml", "gd-eos-fashion.yaml", "momentum-eos.yaml", "tiny-synthetic.yaml", "transformer-fortunes.yaml"])
        for file in files {
            let config = try RunConfig.load(contentsOf: Self.examples.appendingPathComponent(file))
            #expect(config.name == String(file.dropLast(5)))
        }
    }

    /// Oracle: GD at η = 0.2 on this problem stays stable (λ_max ≈ 7.5 < 2/η = 10) and lowers the loss;
    /// the recorded threshold is exactly 2/η.
    @Test func tinyExampleRuns() throws {
        let store = FileManager.default.temporaryDirectory.appendingPathComponent("biaslab-example-\(UUID().uuidString).sqlite")
        let config = try RunConfig.load(contentsOf: Self.examples.appendingPathComponent("tiny-synthetic.yaml"))
        let outcome = try Runner.start(config, store: store, options: RunOptions(softwareVersion: "test"))
        #expect(outcome.status == .completed && outcome.step == 200)
        let rows = try RunStore(url: store).metrics(runID: outcome.runID)
        let loss = rows.filter { $0.name == "train_loss" }.map(\.value)
        #expect(loss.count == 21 && loss.last! < loss.first!)
        #expect(rows.filter { $0.name == "gd_threshold" }.allSatisfy { $0.value == 2 / 0.2 })
        #expect(rows.filter { $0.name == "lambda_max" }.allSatisfy { $0.value < 10 })
    }
}
