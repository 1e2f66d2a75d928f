import BiasLabTestSupport
@testable import Experiments
import Foundation
import GRDB
import Testing

/// `results merge` is idempotent for runs in any state, replaces a copy by a further-along one, is
/// atomic, and names the store that failed.
struct StoreMergeTests {
    /// Oracle: run counts. A store with a completed and an interrupted run merged twice holds two runs;
    /// after the interrupted run is resumed in its store, merging again replaces the output's copy.
    @Test func mergingTwiceAddsNothingAndAFurtherCopyReplaces() throws {
        let source = try RunnerTests.store()
        let config = try RunnerTests.config()
        _ = try Runner.start(try RunnerTests.config(RunnerTests.yaml, ["seed=5"]), store: source, options: RunnerTests.options())
        let stopped = try Runner.start(config, store: source, options: RunnerTests.options(stopAt: 5))
        let output = try CLIRunner.temporaryDirectory().appendingPathComponent("merged.sqlite")
        #expect(try StoreMerge.merge([source], into: output) == .init(copied: 2, updated: 0, skipped: 0, output: output.path))
        #expect(try StoreMerge.merge([source], into: output) == .init(copied: 0, updated: 0, skipped: 2, output: output.path))
        #expect(try RunStore(url: output, mode: .readOnly).runs().map(\.status) == [.completed, .interrupted])
        let resumed = try Runner.resume(runID: stopped.runID, store: source, options: RunnerTests.options())
        #expect(try StoreMerge.merge([source], into: output) == .init(copied: 0, updated: 1, skipped: 1, output: output.path))
        let merged = try RunStore(url: output, mode: .readOnly)
        let runs = try merged.runs()
        #expect(runs.map(\.status) == [.completed, .completed] && Set(runs.map(\.uuid)).count == 2)
        #expect(try merged.metrics(runID: runs[1].id) == RunStore(url: source).metrics(runID: resumed.runID))
        #expect(try StoreMerge.merge([source], into: output).copied == 0)
    }

    /// Oracle: the output's bytes before and after a merge that fails on its second input, the error
    /// naming that input, and no temporary file left in the output's folder.
    @Test func aFailedMergeLeavesTheOutputAsItWasAndNamesTheInput() throws {
        let source = try RunnerTests.store()
        _ = try Runner.start(try RunnerTests.config(), store: source, options: RunnerTests.options())
        let folder = try CLIRunner.temporaryDirectory()
        let output = folder.appendingPathComponent("merged.sqlite")
        _ = try StoreMerge.merge([source], into: output)
        let before = try Data(contentsOf: output)
        let bad = folder.appendingPathComponent("bad.sqlite")
        try Data("not a database, not even close; just some bytes to read".utf8).write(to: bad)
        #expect {
            try StoreMerge.merge([source, bad], into: output)
        } throws: { error in
            "\(error)".hasPrefix("cannot read \(bad.path): \(bad.path) is not a BiasLab results store") && (error as? StoreMerge.Failure)?.isBadInput == true
        }
        #expect(try Data(contentsOf: output) == before)
        func temporaries() throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix(".merged.sqlite.merge-") } }
        #expect(try temporaries().isEmpty)
        // A schema-1 store whose checkpoint is damaged fails while the first input's runs are being
        // written: the output is still as it was.
        let scratch = try RunnerTests.store()
        let stopped = try Runner.start(try RunnerTests.config(RunnerTests.yaml, ["seed=11"]), store: scratch, options: RunnerTests.options(stopAt: 4))
        let scratchStore = try RunStore(url: scratch)
        let old = folder.appendingPathComponent("old.sqlite")
        try StoreFileTests.writeSchema1(try #require(try scratchStore.run(id: stopped.runID)), from: scratchStore, to: old)
        let queue = try DatabaseQueue(path: old.path)
        try queue.write { try $0.execute(sql: "UPDATE checkpoints SET optimizer_state = '{\"broken\": 1}'") }
        try queue.close()
        let fresh = try RunnerTests.store()
        _ = try Runner.start(try RunnerTests.config(RunnerTests.yaml, ["seed=9"]), store: fresh, options: RunnerTests.options())
        #expect {
            try StoreMerge.merge([fresh, old], into: output)
        } throws: { error in
            "\(error)".hasPrefix("cannot read \(old.path): ") && (error as? StoreMerge.Failure)?.isBadInput == false
        }
        #expect(try Data(contentsOf: output) == before)
        #expect(try RunStore(url: output, mode: .readOnly).runs().count == 1)
        #expect(try temporaries().isEmpty)
    }
}
