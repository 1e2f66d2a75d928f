import BiasLabTestSupport
import Foundation
import Testing

/// End-to-end `biaslab sweep`, `results merge` and `report`.
struct SweepCommandTests {
    static let sweep = """
        name: cli
        base:
          model: mlp:2-3-2:tanh
          data: gaussian-mixture:n=16,d=2,classes=2,seed=1
          optimizer: {name: sgd, lr: 0.1}
          training: {steps: 5, batch_size: full}
          probes: [{name: train, every: 1}, {name: sharpness, every: 5}]
        grid:
          optimizer.lr: [0.1, 0.2]
          seed: [0, 1]
        """

    /// Oracle: the in-process unsharded sweep. Two shards run as `--jobs 2` subprocesses into separate
    /// stores, merged by `results merge`, summarize to the same objectives; a second run skips everything.
    @Test func shardedSubprocessSweepMergesToTheUnshardedSummary() throws {
        let dir = try CLIRunner.temporaryDirectory()
        let file = dir.appendingPathComponent("s.yaml")
        try Self.sweep.write(to: file, atomically: true, encoding: .utf8)
        let whole = dir.appendingPathComponent("whole.sqlite").path
        let one = try CLIRunner.run(["sweep", file.path, "--store", whole, "--json"])
        #expect(one.status == 0, "\(one.stderr)")
        for shard in ["1/2", "2/2"] {
            let r = try CLIRunner.run(["sweep", file.path, "--shard", shard, "--jobs", "2", "--store", dir.appendingPathComponent("\(shard.first!).sqlite").path])
            #expect(r.status == 0, "\(r.stderr)")
        }
        let merged = dir.appendingPathComponent("merged.sqlite").path
        let merge = try CLIRunner.run(["results", "merge", dir.appendingPathComponent("1.sqlite").path, dir.appendingPathComponent("2.sqlite").path, "-o", merged, "--json"])
        #expect(merge.status == 0 && merge.json?["copied"] as? Int == 4, "\(merge.stderr)")
        func objectives(_ store: String) throws -> [String: Double] {
            let json = try CLIRunner.run(["sweep", "summary", file.path, "--store", store, "--json"]).json
            let rows = try #require(json?["rows"] as? [[String: Any]])
            let pairs = rows.compactMap { row in (row["name"] as? String).flatMap { name in (row["objective"] as? Double).map { (name, $0) } } }
            #expect(pairs.count == rows.count, "summary rows without a name or objective: \(rows)")
            return Dictionary(pairs, uniquingKeysWith: { first, _ in first })
        }
        let expected = try objectives(whole)
        #expect(expected.count == 4 && expected.keys.contains("cli/lr=0.2,seed=1"))
        #expect(try objectives(merged) == expected)
        // summary.goal max: two cells (lr) of two seeds; the best has the larger mean of its seeds' objectives.
        let maxFile = dir.appendingPathComponent("max.yaml")
        try (Self.sweep + "\nsummary: {metric: train_loss, goal: max}\n").write(to: maxFile, atomically: true, encoding: .utf8)
        let maxJSON = try #require(try CLIRunner.run(["sweep", "summary", maxFile.path, "--store", whole, "--json"]).json)
        let cells = try #require(maxJSON["cells"] as? [[String: Any]])
        #expect(maxJSON["goal"] as? String == "max" && maxJSON["metric"] as? String == "final:train_loss")
        #expect(cells.map { $0["name"] as? String } == ["lr=0.1", "lr=0.2"])
        let means = ["0.1", "0.2"].map { lr in (expected["cli/lr=\(lr),seed=0"]! + expected["cli/lr=\(lr),seed=1"]!) / 2 }
        let best = try #require((maxJSON["best"] as? [[String: Any]])?.first)
        #expect(best["name"] as? String == (means[0] > means[1] ? "lr=0.1" : "lr=0.2"))
        #expect(abs((best["objective"] as? Double ?? .nan) - means.max()!) <= 1e-15 * means.max()!)
        let text = try CLIRunner.run(["sweep", "summary", maxFile.path, "--store", whole])
        #expect(text.status == 0 && text.stdout.contains("best (max): ") && text.stdout.contains("SE over 2 seeds"))
        try (Self.sweep + "\nsummary: {goal: maximize}\n").write(to: maxFile, atomically: true, encoding: .utf8)
        let badGoal = try CLIRunner.run(["sweep", "summary", maxFile.path, "--store", whole])
        #expect(badGoal.status == 2 && badGoal.stderr.contains("summary.goal: must be one of min, max, got maximize"), "\(badGoal.stderr)")
        let again = try CLIRunner.run(["sweep", file.path, "--store", whole, "--json"])
        #expect(again.json?["skipped"] as? Int == 4 && (again.json?["ran"] as? [Any])?.isEmpty == true)
        let report = dir.appendingPathComponent("sweep.html").path
        #expect(try CLIRunner.run(["report", file.path, "--store", merged, "-o", report]).status == 0)
        #expect(try String(contentsOfFile: report, encoding: .utf8).contains("<svg"))
        let bad = try CLIRunner.run(["sweep", file.path, "--shard", "3/2"])
        #expect(bad.status == 2 && bad.stderr.contains("--shard"))
    }
}
