import BiasLabTestSupport
import Experiments
import Foundation
import Testing

/// Sweep expansion, shards, restartable plans and store merging on a tiny synthetic problem
/// (16 Gaussian-mixture points, MLP 2-3-2, 6 full-batch steps: well under a second per run in debug).
@Suite struct SweepTests {
    static let sweep = """
        name: tiny
        base:
          model: mlp:2-3-2:tanh
          data: gaussian-mixture:n=16,d=2,classes=2,seed=1
          optimizer: {name: "adam:torch", lr: 0.05}
          training: {steps: 6, batch_size: full, checkpoint_every: 3}
          probes: [{name: train, every: 2}]
        grid:
          optimizer.beta1: [0.0, 0.9]
          optimizer.beta2: [0.9, 0.99, 0.999]
          seed: [0, 1]
        summary: {metric: "final:train_loss", group_by: [seed]}
        """

    static func spec(_ text: String = sweep) throws -> SweepSpec {
        try SweepSpec.parse(yaml: text, source: "test", defaultName: "x", directory: URL(fileURLWithPath: "/"))
    }

    static func store(_ name: String = "runs.sqlite") throws -> URL {
        try CLIRunner.temporaryDirectory().appendingPathComponent(name)
    }

    /// Runs the pending points of `points` into the store at `url`.
    static func execute(_ points: [SweepPoint], into url: URL) throws {
        for item in try SweepPlan(points: points, store: url).pending { _ = try item.execute(store: url, options: RunOptions(softwareVersion: "test")) }
    }

    /// Oracle: the odometer order written out by hand (first key slowest), and the configs carrying
    /// each point's values.
    @Test func gridExpandsInOdometerOrderWithDeterministicNames() throws {
        let points = try Self.spec().points()
        var expected: [String] = []
        for b1 in ["0.0", "0.9"] { for b2 in ["0.9", "0.99", "0.999"] { for s in ["0", "1"] { expected.append("tiny/beta1=\(b1),beta2=\(b2),seed=\(s)") } } }
        #expect(points.map(\.name) == expected)
        #expect(points.map(\.index) == Array(0..<12))
        #expect(points[7].config.optimizer.settings["beta1"].flatMap(Double.init) == 0.9)
        #expect(points[7].config.optimizer.settings["beta2"].flatMap(Double.init) == 0.9)
        #expect(points[7].config.seed == 1)
        // Parsing again gives the same names and byte-identical configs.
        #expect(try Self.spec().points().map(\.configJSON) == points.map(\.configJSON))
        #expect(Set(points.map(\.configJSON)).count == 12)
    }

    /// Oracle: list entries in order, a named entry labelled by its name, list × grid with the list outer,
    /// and a shared last key component spelled out in full.
    @Test func listPointsAndLabels() throws {
        let text = """
            name: l
            base: {model: "mlp:2-3-2:tanh", data: "gaussian-mixture:n=16,d=2,classes=2,seed=1", optimizer: {name: sgd}, training: {steps: 2}}
            list:
              - {name: fast, optimizer.lr: 0.5}
              - {optimizer.lr: 0.1, training.steps: 3}
            grid: {seed: [4, 5]}
            """
        let points = try Self.spec(text).points()
        #expect(points.map(\.name) == ["l/fast,seed=4", "l/fast,seed=5", "l/lr=0.1,steps=3,seed=4", "l/lr=0.1,steps=3,seed=5"])
        #expect(points[2].config.steps == 3 && points[0].config.steps == 2 && points[3].config.seed == 5)
        let clash = try Self.spec("""
            name: c
            base: {model: "mlp:2-3-2:tanh", data: "gaussian-mixture:n=16,d=2,classes=2,seed=1", optimizer: sgd, training: {steps: 2},
                   probes: [{name: train, every: 1}, {name: sharpness, every: 1}]}
            grid: {probes.0.every: [2], probes.1.every: [3]}
            """).points()
        #expect(clash.map(\.name) == ["c/probes.0.every=2,probes.1.every=3"])
        #expect(clash[0].config.probes.map(\.cadence) == [.steps(2), .steps(3)])
        #expect(throws: ConfigError.self) { try Self.spec(text.replacingOccurrences(of: "0.5", with: "-1")).points() }
    }

    /// Oracle: for every n ≤ 5 the shards 1/n … n/n are disjoint and their union is all 12 points.
    @Test func shardsPartitionThePoints() throws {
        let points = try Self.spec().points()
        for n in 1...5 {
            var seen: [Int] = []
            for i in 1...n { seen += try SweepShard(parsing: "\(i)/\(n)").select(points).map(\.index) }
            #expect(seen.sorted() == Array(0..<12), "n = \(n)")
        }
        #expect(try SweepShard(parsing: "2/3").select(points).map(\.index) == [1, 4, 7, 10])
        for bad in ["0/2", "3/2", "1", "a/b", "1/0"] { #expect(throws: ConfigError.self) { try SweepShard(parsing: bad) } }
    }

    /// Oracle: a store holding some finished runs and an interrupted one — the plan skips exactly the
    /// finished points, resumes the interrupted run, and after running it every point is skipped with
    /// no new runs created; a changed base config matches nothing.
    @Test func restartSkipsFinishedRunsAndResumesInterruptedOnes() throws {
        let url = try Self.store()
        let points = try Self.spec().points()
        let options = RunOptions(softwareVersion: "test")
        for p in points.prefix(3) { _ = try Runner.start(p.config, store: url, options: options) }
        let stopped = try Runner.start(points[3].config, store: url, options: RunOptions(softwareVersion: "test", shouldStop: { $0 == 3 }))
        #expect(stopped.status == .interrupted)
        let plan = try SweepPlan(points: points, store: url)
        #expect(plan.items.map(\.isSkipped) == [true, true, true] + Array(repeating: false, count: 9))
        #expect(plan.items[3].action == .resume(runID: stopped.runID))
        #expect(plan.pending.count == 9)
        for item in plan.pending { _ = try item.execute(store: url, options: options) }
        let store = try RunStore(url: url)
        #expect(try store.runs().count == 12 && (try store.runs()).allSatisfy { $0.status == .completed })
        #expect(try SweepPlan(points: points, store: url).pending.isEmpty)
        let edited = try Self.spec(Self.sweep.replacingOccurrences(of: "lr: 0.05", with: "lr: 0.04")).points()
        #expect(try SweepPlan(points: edited, store: url).pending.count == 12)
    }

    /// Oracle: the unsharded sweep's summary. Shards 1/2 and 2/2 run into separate stores and merged
    /// give the same summary rows (statuses, steps, objectives, values) and the same best points;
    /// merging the merged store again copies nothing.
    @Test func mergedShardsSummarizeLikeOneSweep() throws {
        let spec = try Self.spec()
        let points = try spec.points()
        let options = RunOptions(softwareVersion: "test")
        func runAll(_ selected: [SweepPoint], into url: URL) throws {
            let plan = try SweepPlan(points: selected, store: url)
            for item in plan.pending { _ = try item.execute(store: url, options: options) }
        }
        let whole = try Self.store("whole.sqlite")
        try runAll(points, into: whole)
        let a = try Self.store("a.sqlite"), b = try Self.store("b.sqlite"), merged = try Self.store("merged.sqlite")
        try runAll(try SweepShard(parsing: "1/2").select(points), into: a)
        try runAll(try SweepShard(parsing: "2/2").select(points), into: b)
        let report = try StoreMerge.merge([b, a], into: merged)
        #expect(report.copied == 12 && report.skipped == 0)

        let expected = try SweepSummary(spec: spec, points: points, store: RunStore(url: whole))
        let actual = try SweepSummary(spec: spec, points: points, store: RunStore(url: merged))
        struct Cell: Equatable { let name: String; let status: String; let step: Int; let objective: Double?; let values: [String: Double] }
        func cells(_ s: SweepSummary) -> [Cell] { s.rows.map { Cell(name: $0.name, status: $0.status, step: $0.step, objective: $0.objective, values: $0.values) } }
        #expect(cells(actual) == cells(expected))
        #expect(actual.rows.allSatisfy { $0.status == "completed" && $0.objective != nil })
        #expect(actual.best == expected.best && actual.best.count == 2)
        // seed is a group key: every cell is one point, nothing is averaged.
        #expect(!expected.averagesSeeds && expected.cells.count == 12 && expected.cells.allSatisfy { $0.indices.count == 1 })
        #expect(expected.best.allSatisfy { expected.describe($0.spread) == "final:train_loss = \(String(format: "%.5g", $0.objective))" })
        // The best point of each seed group is the argmin of its six objectives.
        for best in expected.best {
            let group = expected.rows.filter { $0.assignments["seed"] == best.group["seed"] }
            #expect(best.objective == group.compactMap(\.objective).min())
        }
        // Metric rows and checkpoints followed their runs.
        let mergedStore = try RunStore(url: merged), wholeStore = try RunStore(url: whole)
        for row in actual.rows {
            let original = try #require(expected.rows.first { $0.name == row.name }?.runID)
            #expect(try mergedStore.metrics(runID: row.runID!) == wholeStore.metrics(runID: original))
            #expect(try mergedStore.lastCheckpoint(runID: row.runID!)?.parameters == wholeStore.lastCheckpoint(runID: original)?.parameters)
        }
        #expect(try StoreMerge.merge([a, b], into: merged).copied == 0)
    }

    /// The example sweep parses: 2 batch sizes × 2 β₁ × 2 β₂ × 2 seeds = 16 points, batch size slowest.
    @Test func exampleSweepParses() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("examples/sweeps/tiny-betas.yaml")
        let spec = try SweepSpec.load(contentsOf: url)
        let points = try spec.points()
        #expect(points.count == 16 && points[0].name == "tiny-betas/batch_size=8,beta1=0.0,beta2=0.9,seed=0")
        #expect(points[8].config.batchSize == 32 && spec.groupBy == ["training.batch_size"] && spec.heatmapX == "optimizer.beta1")
    }

    /// The epochs example: 2 batch sizes × 2 learning rates × 3 seeds = 12 points in 4 cells; 20 epochs
    /// of N = 64 are 20·⌈64/8⌉ = 160 steps at b = 8 and 20·⌈64/32⌉ = 40 at b = 32; probes every 1 and 5 epochs.
    @Test func epochsExampleSweepParses() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("examples/sweeps/tiny-sgd-epochs.yaml")
        let spec = try SweepSpec.load(contentsOf: url)
        let points = try spec.points()
        #expect(points.count == 12 && spec.goal == .max && spec.metric == SummaryMetric(.final, "train_accuracy"))
        #expect(spec.cellKeys == ["training.batch_size", "optimizer.lr"])
        #expect(points.map { $0.config.totalSteps(sampleCount: 64) } == Array(repeating: 160, count: 6) + Array(repeating: 40, count: 6))
        #expect(points[0].config.probes.map(\.cadence) == [.epochs(1), .epochs(5)])
    }
}
