import BiasLabTestSupport
import Curvature
import DataIO
import Experiments
import Foundation
import NN
import Optim
import Tensor
import Testing

/// The training runner and the results store on a tiny Gaussian-mixture problem (24 samples,
/// MLP 4-6-2, d = 44), fast in debug builds.
@Suite struct RunnerTests {
    static let yaml = """
        name: tiny-adam
        model: mlp:4-6-2:tanh
        data: gaussian-mixture:n=24,d=4,classes=2,seed=1
        loss: mse
        optimizer: {name: adam:torch, lr: 0.02}
        training: {steps: 20, batch_size: 8, sampling: without-replacement, checkpoint_every: 5}
        seed: 3
        probes:
          - {name: train, every: 2}
          - {name: sharpness, every: 3}
          - {name: preconditioned_sharpness, every: 4, options: {method: power, tolerance: 1e-9, max_iterations: 500}}
          - {name: gradient_noise, every: 5}
          - {name: trace, every: 10, options: {probes: 4}}
        """

    static func config(_ yaml: String = yaml, _ overrides: [String] = []) throws -> RunConfig {
        var document = try ConfigValue.parse(yaml: yaml, source: "test")
        try RunConfig.applyOverrides(overrides, to: &document)
        return try RunConfig(document: document)
    }

    static func options(stopAt: Int? = nil) -> RunOptions {
        RunOptions(softwareVersion: "test", shouldStop: { step in step == stopAt })
    }

    static func store() throws -> URL {
        try CLIRunner.temporaryDirectory().appendingPathComponent("runs.sqlite")
    }

    /// Oracle: an uninterrupted run, and a hand-written loop of the same BatchSampler and optimizer
    /// (θ₀ from stream "init" of the seed) — the runner's final θ must equal the loop's bit for bit.
    @Test func resumeIsBitIdenticalToAnUninterruptedRun() throws {
        let url = try Self.store()
        let config = try Self.config()
        let straight = try Runner.start(config, store: url, options: Self.options())
        let stopped = try Runner.start(config, store: url, options: Self.options(stopAt: 8))
        #expect(straight.status == .completed && straight.step == 20)
        #expect(stopped.status == .interrupted && stopped.step == 8)
        let store = try RunStore(url: url)
        #expect(try store.lastCheckpoint(runID: stopped.runID)?.step == 8)
        let resumed = try Runner.resume(runID: stopped.runID, store: url, options: Self.options())
        #expect(resumed.status == .completed && resumed.step == 20)

        let a = try #require(try store.lastCheckpoint(runID: straight.runID))
        let b = try #require(try store.lastCheckpoint(runID: resumed.runID))
        #expect(ParameterBytes.encode(a.parameters) == ParameterBytes.encode(b.parameters))
        #expect(try StateArchive.encode(a.optimizerState) == StateArchive.encode(b.optimizerState))
        let rowsA = try store.metrics(runID: straight.runID), rowsB = try store.metrics(runID: resumed.runID)
        #expect(rowsA.count > 60 && rowsA == rowsB)
        #expect(try store.run(id: resumed.runID)?.status == .completed)

        // The hand-written loop.
        let data = try DataSource(parsing: "gaussian-mixture:n=24,d=4,classes=2,seed=1").load()
        let model = DenseNetwork(widths: [4, 6, 2], activation: .tanh)
        let objective = SupervisedObjective(model: model, loss: .mse, inputs: data.x, targets: data.y, labels: data.labels)
        var generator = RandomGenerator(seed: 3, stream: "init")
        var theta = model.initialParameters(using: &generator)
        var sampler = try BatchSampler(count: 24, batchSize: 8, scheme: .withoutReplacement, seed: 3)
        var optimizer = try OptimizerSpec(parsing: "adam:torch,lr=0.02")
            .makeInstance(structure: ProblemStructure(dimension: model.parameterCount, blocks: model.blocks))
        for _ in 0..<20 { optimizer.step(parameters: &theta, gradient: objective.gradient(at: theta, batch: sampler.next())) }
        #expect(ParameterBytes.encode(theta) == ParameterBytes.encode(a.parameters))
    }

    /// Oracle: dense Hessian eigenvalues (LAPACK) at the final θ; 2/η and (2 + 2β₁)/((1 − β₁)η) written out.
    @Test func sharpnessProbesMatchDenseEigenvalues() throws {
        let url = try Self.store()
        let outcome = try Runner.start(try Self.config(), store: url, options: Self.options())
        let store = try RunStore(url: url)
        let checkpoint = try #require(try store.lastCheckpoint(runID: outcome.runID))
        let data = try DataSource(parsing: "gaussian-mixture:n=24,d=4,classes=2,seed=1").load()
        let objective = SupervisedObjective(model: DenseNetwork(widths: [4, 6, 2]), loss: .mse, inputs: data.x, targets: data.y, labels: data.labels)
        let h = objective.denseHessian(at: checkpoint.parameters)
        let top = try h.symmetricEigen(computeVectors: false).eigenvalues.last!
        func value(_ name: String, at step: Int) throws -> Double {
            try #require(try store.metrics(runID: outcome.runID, name: name).first { $0.step == step }).value
        }
        let lambda = try value("lambda_max", at: 20)
        #expect(abs(lambda - top) <= 1e-6 * abs(top), "λ_max \(lambda) vs dense \(top)")
        #expect(try value("gd_threshold", at: 20) == 2 / 0.02)
        #expect(try value("aeos_threshold", at: 20) == (2 + 2 * 0.9) / ((1 - 0.9) * 0.02))
        // λ₁(P⁻¹H) from the dense P^{-1/2} H P^{-1/2}, P from the saved optimizer state.
        var optimizer = try OptimizerSpec(parsing: "adam:torch,lr=0.02").makeInstance(structure: ProblemStructure(dimension: 44))
        try optimizer.restoreState(checkpoint.optimizerState)
        let p = try #require(optimizer.preconditionerDiagonal)
        var scaled = h
        for i in 0..<44 { for j in 0..<44 { scaled.scalars[i * 44 + j] /= (p[i] * p[j]).squareRoot() } }
        let topP = try scaled.symmetricEigen(computeVectors: false).eigenvalues.last!
        let measured = try value("preconditioned_sharpness", at: 20)
        #expect(abs(measured - topP) <= 1e-5 * abs(topP), "λ₁(P⁻¹H) \(measured) vs dense \(topP)")
        // No preconditioner before the first update: nothing recorded at step 0.
        #expect(try store.metrics(runID: outcome.runID, name: "preconditioned_sharpness").map(\.step) == [4, 8, 12, 16, 20])
    }

    /// Oracle: GD with η = 1000 on this problem blows the loss up; the run must end `diverged`, not crash.
    @Test func divergenceIsAResult() throws {
        let url = try Self.store()
        let outcome = try Runner.start(try Self.config(Self.yaml, ["optimizer=sgd,lr=1000", "training.batch_size=full",
                                                                   "stop.divergence_factor=10", "probes=[]"]),
                                       store: url, options: Self.options())
        #expect(outcome.status == .diverged && outcome.step < 20)
        #expect(outcome.message?.contains("diverged at step \(outcome.step)") == true)
        #expect(try RunStore(url: url).run(id: outcome.runID)?.status == .diverged)
    }

    /// Oracle: train accuracy ≥ 0 holds at once, so the run stops at step 0 as completed.
    @Test func stopConditionEndsTheRun() throws {
        let outcome = try Runner.start(try Self.config(Self.yaml, ["stop.train_accuracy_above=0"]), store: try Self.store(),
                                       options: Self.options())
        #expect(outcome.status == .completed && outcome.step == 0)
        #expect(outcome.message?.hasPrefix("train accuracy") == true)
    }

    /// Oracle: row counts. Two writers (two connections, as two processes would have) share one
    /// store; every metric row of both runs must be there: 20 batch losses plus the probes' rows.
    @Test func concurrentRunsLoseNoRows() throws {
        let url = try Self.store()
        let config = try Self.config(Self.yaml, ["probes=[{name: train, every: 1}]", "training.checkpoint_every=1"])
        let outcomes = Mutex<[RunOutcome]>([])
        DispatchQueue.concurrentPerform(iterations: 2) { _ in
            if let o = try? Runner.start(config, store: url, options: Self.options()) { outcomes.withLock { $0.append(o) } }
        }
        let done = outcomes.withLock { $0 }
        #expect(done.count == 2)
        let store = try RunStore(url: url)
        for o in done {
            // Steps 0…19: batch_loss, train_loss, train_accuracy; step 20: train_loss, train_accuracy.
            #expect(try store.metrics(runID: o.runID).count == 20 * 3 + 2)
        }
        #expect(done.count == 2 && done[0].parametersDigest == done[1].parametersDigest)
    }

    /// A bad dataset fails before the store is touched: the store file is not even created.
    @Test func setupErrorsLeaveTheStoreAlone() throws {
        let dir = try CLIRunner.temporaryDirectory()
        let truncated = dir.appendingPathComponent("bad.npz")
        try Data([0x50, 0x4b, 0x03, 0x04, 0x00]).write(to: truncated)
        let url = dir.appendingPathComponent("runs.sqlite")
        for data in [truncated.path, dir.appendingPathComponent("missing.npz").path] {
            #expect(throws: ConfigError.self) {
                try Runner.start(try Self.config(Self.yaml, ["data=\(data)"]), store: url, options: Self.options())
            }
        }
        #expect(!FileManager.default.fileExists(atPath: url.path))
    }
}

import Synchronization
