import BiasLabTestSupport
import Experiments
import Foundation
import Testing

/// The sweep summary's cells: seeds averaged before the best cell is chosen, their spread, and the
/// goal (min or max), on 2 learning rates × 3 seeds of the tiny Gaussian mixture (full batch, 6 steps).
@Suite struct SweepSummaryTests {
    static func sweep(goal: String?) -> String {
        """
        name: cells
        base:
          model: mlp:2-3-2:tanh
          data: gaussian-mixture:n=16,d=2,classes=2,seed=1
          optimizer: {name: sgd, lr: 0.1}
          training: {steps: 6, batch_size: full, checkpoint_every: 6}
          probes: [{name: train, every: 3}]
        grid:
          optimizer.lr: [0.05, 0.8]
          seed: [0, 1, 2]
        summary: {metric: "final:train_loss"\(goal.map { ", goal: \($0)" } ?? "")}
        """
    }

    static func spec(_ text: String) throws -> SweepSpec {
        try SweepSpec.parse(yaml: text, source: "test", defaultName: "x", directory: URL(fileURLWithPath: "/"))
    }

    /// Runs the six points once into a fresh store.
    static func runStore() throws -> URL {
        let url = try CLIRunner.temporaryDirectory().appendingPathComponent("cells.sqlite")
        try SweepTests.execute(try spec(sweep(goal: nil)).points(), into: url)
        return url
    }

    /// Oracle: the final `train_loss` row of each run read from the store, and the mean, the sample
    /// standard deviation over √n, min and max written out by hand per learning rate; the best cell is
    /// the learning rate with the smaller (goal min, the default) or larger (goal max) mean.
    @Test func cellsAverageSeedsThenChooseTheBestMean() throws {
        let url = try Self.runStore()
        let store = try RunStore(url: url)
        var perRate: [String: [Double]] = [:]
        for run in try store.runs() {
            let rows = try store.metrics(runID: run.id, name: "train_loss")
            let rate = run.name.contains("lr=0.05") ? "0.05" : "0.8"
            perRate[rate, default: []].append(try #require(rows.max { $0.step < $1.step }).value)
        }
        #expect(perRate["0.05"]?.count == 3 && perRate["0.8"]?.count == 3)
        func expected(_ x: [Double]) -> (mean: Double, se: Double) {
            let mean = (x[0] + x[1] + x[2]) / 3
            let variance = ((x[0] - mean) * (x[0] - mean) + (x[1] - mean) * (x[1] - mean) + (x[2] - mean) * (x[2] - mean)) / 2
            return (mean, (variance / 3).squareRoot())
        }
        for goal in [nil, "min", "max"] {
            let spec = try Self.spec(Self.sweep(goal: goal))
            let summary = try SweepSummary(spec: spec, points: try spec.points(), store: store)
            #expect(summary.goal == (goal == "max" ? .max : .min))
            #expect(summary.cells.map(\.name) == ["lr=0.05", "lr=0.8"])
            #expect(summary.cells.map(\.indices) == [[0, 1, 2], [3, 4, 5]])
            for (cell, rate) in zip(summary.cells, ["0.05", "0.8"]) {
                let values = perRate[rate]!, oracle = expected(values)
                let spread = try #require(cell.spread)
                #expect(spread.count == 3 && cell.isComplete)
                #expect(abs(spread.mean - oracle.mean) <= 1e-15 * abs(oracle.mean))
                #expect(abs(spread.standardError - oracle.se) <= 1e-12 * oracle.se)
                #expect(spread.min == values.min()! && spread.max == values.max()!)
            }
            let means = ["0.05": expected(perRate["0.05"]!).mean, "0.8": expected(perRate["0.8"]!).mean]
            #expect(means["0.05"] != means["0.8"])
            let winner = goal == "max" ? means.max { $0.value < $1.value }!.key : means.min { $0.value < $1.value }!.key
            #expect(summary.best.count == 1)
            #expect(summary.best[0].name == "lr=\(winner)" && summary.best[0].objective == summary.best[0].spread.mean)
            #expect(summary.best[0].spread == summary.cells.first { $0.name == "lr=\(winner)" }!.spread)
            #expect(summary.table.contains("best (\(summary.goal.rawValue)): lr=\(winner) with mean final:train_loss = "))
            #expect(summary.table.contains("SE over 3 seeds"))
            #expect(summary.averagesSeeds && summary.cellHeader == ["cell", "seeds", "mean final:train_loss", "se", "min", "max"])
            let oracle = expected(perRate["0.05"]!)
            #expect(summary.cellRows[0] == ["lr=0.05", "3/3", String(format: "%.5g", oracle.mean), String(format: "%.5g", oracle.se),
                                            String(format: "%.5g", perRate["0.05"]!.min()!), String(format: "%.5g", perRate["0.05"]!.max()!)])
        }
    }

    /// A cell with a seed missing from the store keeps its spread over the seeds that ran but cannot be best.
    @Test func incompleteCellsAreNotCandidates() throws {
        let url = try Self.runStore()
        let spec = try Self.spec(Self.sweep(goal: "max"))
        let points = try spec.points()
        let store = try RunStore(url: url)
        // A fourth seed: the store holds runs of seeds 0–2 only.
        let lonely = try Self.spec(Self.sweep(goal: "max").replacingOccurrences(of: "seed: [0, 1, 2]", with: "seed: [0, 1, 2, 3]"))
        let summary = try SweepSummary(spec: lonely, points: try lonely.points(), store: store)
        #expect(summary.cells.allSatisfy { $0.spread?.count == 3 && $0.indices.count == 4 && !$0.isComplete })
        #expect(summary.best.isEmpty)
        #expect(try SweepSummary(spec: spec, points: points, store: store).best.count == 1)
    }

    /// `summary.goal` is an enum (min | max); `summary.metric` takes METRIC alone for final:METRIC.
    @Test func goalAndMetricSpellings() throws {
        let text = Self.sweep(goal: "max").replacingOccurrences(of: "\"final:train_loss\"", with: "test_accuracy")
        let spec = try Self.spec(text)
        #expect(spec.goal == .max && spec.metric == SummaryMetric(.final, "test_accuracy"))
        #expect(try Self.spec(Self.sweep(goal: nil)).goal == .min)
        #expect(try SummaryMetric(parsing: "max:test_accuracy", path: "m") == SummaryMetric(.max, "test_accuracy"))
        #expect(throws: ConfigError.self) { try Self.spec(Self.sweep(goal: "maximize")) }
        do {
            _ = try Self.spec(Self.sweep(goal: "maximize"))
        } catch {
            #expect("\(error)".contains("summary.goal") && "\(error)".contains("min, max"))
        }
        for bad in ["avg:train_loss", "min:", "final:a:b", ""] {
            #expect(throws: ConfigError.self) { try SummaryMetric(parsing: bad, path: "summary.metric") }
        }
        #expect(SummaryGoal.min.phrase == "lower is better" && SummaryGoal.max.phrase == "higher is better")
        #expect(SummaryGoal.max.prefers(2, over: 1) && !SummaryGoal.min.prefers(2, over: 1) && !SummaryGoal.min.prefers(1, over: 1))
    }

    /// Oracle: x = (1, 2, 4): mean 7/3, s² = ((4/3)² + (1/3)² + (5/3)²)/2 = 7/3, SE = √(7/9); one value: SE 0.
    @Test func seedSpreadFormulas() throws {
        let s = try #require(SeedSpread([1, 2, 4]))
        #expect(s.count == 3 && abs(s.mean - 7.0 / 3) < 1e-15 && abs(s.standardError - (7.0 / 9).squareRoot()) < 1e-15)
        #expect(s.min == 1 && s.max == 4)
        #expect(SeedSpread([5])?.standardError == 0 && SeedSpread([]) == nil)
    }
}
