import Experiments
import Foundation
import Testing

/// docs/CONFIG.md is ConfigReference's output, and ConfigReference lists exactly the keys RunConfig
/// reads. Oracles: the file in the repository, and RunConfig's own "valid keys here" error lists.
@Suite struct ConfigReferenceTests {
    static let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("docs/CONFIG.md")

    @Test func docsConfigIsCurrent() throws {
        let stored = try String(contentsOf: Self.docs, encoding: .utf8)
        #expect(stored == ConfigReference.markdown(),
                "docs/CONFIG.md is stale: run `swift run biaslab config-reference > docs/CONFIG.md`")
    }

    /// The keys RunConfig accepts in a mapping, from the error an unknown key gets there.
    static func readKeys(overriding path: String) throws -> [String] {
        let message = try #require(ConfigTests.error(ConfigTests.base.replacingOccurrences(of: "data: gaussian-mixture:n=24,d=4,classes=2,seed=1",
                                                                                            with: "data: {train: \"gaussian-mixture:n=24,d=4,classes=2,seed=1\"}"),
                                                     overrides: ["\(path)=1"]))
        let list = try #require(message.split(separator: "(valid keys here: ").last?.dropLast())
        return list.split(separator: ", ").map(String.init)
    }

    @Test(arguments: [("", "zzz"), ("data", "data.zzz"), ("training", "training.zzz"), ("stop", "stop.zzz"), ("probes[i]", "probes.0.zzz")])
    func referenceListsTheKeysRunConfigReads(section: String, unknown: String) throws {
        let documented = ConfigReference.keys.filter { $0.section == section }.map(\.name).sorted()
        #expect(try Self.readKeys(overriding: unknown) == documented, "section '\(section)'")
    }

    @Test func defaultsAreTheAppliedOnes() throws {
        let minimal = """
            model: mlp:4-6-2:tanh
            data: gaussian-mixture:n=24,d=4,classes=2,seed=1
            optimizer: sgd
            training: {steps: 1}
            probes: [{name: train}]
            """
        let c = try ConfigTests.config(minimal)
        #expect(c.sampling == RunConfig.Defaults.sampling && c.lastBatch == RunConfig.Defaults.lastBatch)
        #expect(c.checkpointEvery == RunConfig.Defaults.checkpointEvery && c.seed == UInt64(RunConfig.Defaults.seed))
        #expect(c.stop.divergenceFactor == RunConfig.Defaults.divergenceFactor && c.store == RunConfig.Defaults.store)
        #expect(c.probes[0].cadence == .steps(RunConfig.Defaults.probeEvery) && c.batchSize == nil)
        let rows = Dictionary(uniqueKeysWithValues: ConfigReference.keys.map { ($0.path, $0.defaultValue) })
        #expect(rows["training.sampling"] == "`without-replacement`" && rows["training.checkpoint_every"] == "100")
        #expect(rows["probes[i].every"] == "1" && rows["store"] == "`runs.sqlite`" && rows["stop.divergence_factor"] == "1000.0")
    }
}

/// The "Sweeps" section lists exactly the keys SweepSpec reads. Oracle: SweepSpec's "valid keys here" lists.
@Suite struct SweepReferenceTests {
    static func readKeys(_ yaml: String) throws -> [String] {
        do {
            _ = try SweepSpec.parse(yaml: yaml, source: "test", defaultName: "s", directory: URL(fileURLWithPath: "/"))
            Issue.record("accepted \(yaml)")
            return []
        } catch {
            let list = try #require(error.description.split(separator: "(valid keys here: ").last?.dropLast())
            return list.split(separator: ", ").map(String.init)
        }
    }

    @Test(arguments: [("", "zzz: 1"), ("summary", "summary: {zzz: 1}"), ("report", "report: {zzz: 1}"),
                      ("report.heatmap", "report: {heatmap: {zzz: 1}}")])
    func referenceListsTheKeysSweepSpecReads(section: String, unknown: String) throws {
        let base = "base: {model: \"mlp:4-6-2:tanh\", data: \"gaussian-mixture:n=24,d=4,classes=2,seed=1\", optimizer: sgd, training: {steps: 1}}"
        let yaml = "\(base)\ngrid: {seed: [0, 1]}\n\(unknown)\n"
        let documented = ConfigReference.sweepKeys.filter { $0.section == section }.map(\.name).sorted()
        #expect(try Self.readKeys(yaml) == documented, "section '\(section)'")
    }
}
