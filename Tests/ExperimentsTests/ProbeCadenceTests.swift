import BiasLabTestSupport
import Experiments
import Foundation
import Optim
import Testing

/// Probe cadence in epochs (`every_epochs`) next to steps (`every`), and run length in epochs, on
/// the tiny Gaussian mixture (N = 24): one sweep varies the batch size at a fixed number of epochs.
@Suite struct ProbeCadenceTests {
    static let sweep = """
        name: epochs
        base:
          model: mlp:2-3-2:tanh
          data: gaussian-mixture:n=24,d=2,classes=2,seed=1
          optimizer: {name: sgd, lr: 0.05}
          training: {epochs: 3, batch_size: 8}
          probes: [{name: train, every_epochs: 1}, {name: sharpness, every: 4}]
        list:
          - {name: b5-keep, training.batch_size: 5}
          - {name: b5-drop, training.batch_size: 5, training.last_batch: drop}
          - {name: b8, training.batch_size: 8}
          - {name: full, training.batch_size: full}
        """

    /// Oracle: steps per epoch written out by hand for N = 24 — b = 5 keep: ⌈24/5⌉ = 5; drop: ⌊24/5⌋ = 4;
    /// b = 8: 3; full batch: 1 — so 3 epochs are 15, 12, 9 and 3 steps, and the epoch probe records at
    /// 0, P, 2P, 3P (the last one after the final update); the step probe at multiples of 4 and at the end.
    @Test func epochCadenceRecordsAtEpochBoundaries() throws {
        let spec = try SweepSpec.parse(yaml: Self.sweep, source: "test", defaultName: "x", directory: URL(fileURLWithPath: "/"))
        let points = try spec.points()
        let url = try CLIRunner.temporaryDirectory().appendingPathComponent("epochs.sqlite")
        try SweepTests.execute(points, into: url)
        let store = try RunStore(url: url)
        let expected: [String: (perEpoch: Int, train: [Int], sharpness: [Int])] = [
            "epochs/b5-keep": (5, [0, 5, 10, 15], [0, 4, 8, 12, 15]),
            "epochs/b5-drop": (4, [0, 4, 8, 12], [0, 4, 8, 12]),
            "epochs/b8": (3, [0, 3, 6, 9], [0, 4, 8, 9]),
            "epochs/full": (1, [0, 1, 2, 3], [0, 3]),
        ]
        for point in points {
            let oracle = try #require(expected[point.name])
            #expect(point.config.stepsPerEpoch(sampleCount: 24) == oracle.perEpoch)
            #expect(point.config.totalSteps(sampleCount: 24) == 3 * oracle.perEpoch)
            let run = try #require(try store.runs().first { $0.name == point.name })
            #expect(run.status == .completed && run.step == 3 * oracle.perEpoch)
            #expect(try store.metrics(runID: run.id, name: "train_loss").map(\.step) == oracle.train, "\(point.name)")
            #expect(try store.metrics(runID: run.id, name: "lambda_max").map(\.step) == oracle.sharpness, "\(point.name)")
        }
        #expect(points[0].config.probes.map(\.cadence) == [.epochs(1), .steps(4)])
        #expect(ProbeCadence.epochs(2).period(stepsPerEpoch: 5) == 10 && ProbeCadence.steps(3).period(stepsPerEpoch: 5) == 3)
    }

    /// `every` and `every_epochs` exclude each other; both take integers ≥ 1; errors name the key path.
    @Test func cadenceErrorsNameTheKey() throws {
        func error(_ probe: String) -> String? {
            let yaml = "model: toy-quadratic\noptimizer: sgd\ntraining: {steps: 3}\nprobes: [\(probe)]"
            do { _ = try RunConfig(document: try ConfigValue.parse(yaml: yaml, source: "t")); return nil } catch { return "\(error)" }
        }
        #expect(error("{name: sharpness, every: 2, every_epochs: 1}")?.hasPrefix("probes[0].every_epochs: give either every") == true)
        #expect(error("{name: sharpness, every_epochs: 0}")?.hasPrefix("probes[0].every_epochs:") == true)
        #expect(error("{name: sharpness, every_epochs: 2}") == nil)
    }
}

/// Schedules with step counts in epochs (`optimizer.schedule_unit: epochs`).
@Suite struct ScheduleUnitTests {
    /// Oracle: N = 24, b = 8 → 3 steps per epoch, so a milestone at epoch 2 is step 6: the recorded
    /// 2/η_t is 2/0.1 = 20 before step 6 and 2/0.01 = 200 from step 6 on (3 epochs = 9 steps).
    @Test func milestonesInEpochsFallOnEpochBoundaries() throws {
        let yaml = """
            model: mlp:2-3-2:tanh
            data: gaussian-mixture:n=24,d=2,classes=2,seed=1
            optimizer: {name: sgd, lr: 0.1, schedule: "step-decay:milestones=2,factor=0.1", schedule_unit: epochs}
            training: {epochs: 3, batch_size: 8}
            probes: [{name: sharpness, every: 1}]
            """
        let config = try RunConfig(document: try ConfigValue.parse(yaml: yaml, source: "t"))
        #expect(config.scheduleUnit == .epochs && config.resolvedSchedules(sampleCount: 24).learningRate == .stepDecay(milestones: [6], factor: 0.1))
        let url = try CLIRunner.temporaryDirectory().appendingPathComponent("unit.sqlite")
        let outcome = try Runner.start(config, store: url, options: RunOptions(softwareVersion: "test"))
        let rows = try RunStore(url: url).metrics(runID: outcome.runID, name: "gd_threshold")
        #expect(rows.map(\.step) == Array(0...9))
        for row in rows { #expect(abs(row.value - (row.step < 6 ? 20 : 200)) <= 1e-12 * row.value, "step \(row.step)") }
        let steps = try RunConfig(document: try ConfigValue.parse(yaml: yaml.replacingOccurrences(of: ", schedule_unit: epochs", with: ""), source: "t"))
        #expect(steps.scheduleUnit == .steps && steps.resolvedSchedules(sampleCount: 24).learningRate == .stepDecay(milestones: [2], factor: 0.1))
        #expect(ScheduleUnit.epochs.resolve(Schedules(learningRate: .product(.linearWarmup(steps: 1, initialFraction: 0),
                                                                             .linearDecay(start: 1, end: 3, finalFraction: 0)),
                                                      weightDecay: .exponentialWarmup(steps: 2, initialFactor: 1e-3)), stepsPerEpoch: 5)
                == Schedules(learningRate: .product(.linearWarmup(steps: 5, initialFraction: 0), .linearDecay(start: 5, end: 15, finalFraction: 0)),
                             weightDecay: .exponentialWarmup(steps: 10, initialFactor: 1e-3)))
        do {
            _ = try RunConfig(document: try ConfigValue.parse(yaml: yaml.replacingOccurrences(of: "schedule_unit: epochs", with: "schedule_unit: days"), source: "t"))
            Issue.record("schedule_unit: days was accepted")
        } catch {
            #expect("\(error)" == "optimizer.schedule_unit: must be one of steps, epochs, got days")
        }
    }
}
