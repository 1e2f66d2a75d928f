import BiasLabTestSupport
import DataIO
import Foundation
import NN
import Optim
import Tensor
import Testing
@testable import Experiments

/// Paper 003's probes: the momentum threshold (Theorem 2), the one-step loss change (eq. (7), Fig. 1),
/// the alignment cosines (Figs. 22, 24) and the per-sample gradient-norm spread (Fig. 36), each against
/// an oracle; and all of them in a run config that resumes bit for bit.
@Suite struct Paper003ProbeTests {
    static func probe<P: Probe>(_ type: P.Type, _ options: [String: ConfigValue] = [:]) throws -> P {
        var reader = try ConfigReader(.map(options), path: "probes[0].options")
        return try P(options: &reader)
    }

    static func context(_ objective: any Objective, _ theta: [Double], optimizer: String = "sgd", lr: Double,
                        batchSize: Int, sampling: BatchSampling = .withoutReplacement, seed: UInt64 = 1) throws -> ProbeContext {
        let spec = try OptimizerSpec(parsing: "\(optimizer),lr=\(lr)")
        return ProbeContext(step: 0, parameters: theta, objective: objective, testObjective: nil,
                            optimizer: try spec.makeInstance(structure: ProblemStructure(dimension: objective.dimension)),
                            hyperparameters: spec.hyperparameters, learningRate: lr, batchSize: batchSize, sampling: sampling, seed: seed)
    }

    static func runURL() throws -> URL { try CLIRunner.temporaryDirectory().appendingPathComponent("runs.sqlite") }

    static func config(_ yaml: String, _ overrides: [String] = []) throws -> RunConfig {
        var document = try ConfigValue.parse(yaml: yaml, source: "test")
        try RunConfig.applyOverrides(overrides, to: &document)
        return try RunConfig(document: document)
    }

    // MARK: momentum threshold

    static let fullBatch = """
        name: m
        model: mlp:2-3-2:tanh
        data: gaussian-mixture:n=16,d=2,classes=2,seed=1
        optimizer: {name: sgd, lr: 0.05}
        training: {steps: 2}
        probes:
          - {name: sharpness, every: 2}
          - {name: interaction, every: 2}
        """

    static let momentumCases: [(String, Double)] = [
        ("{name: \"momentum:paper\", lr: 0.05, momentum: 0.9}", 76.0),
        ("{name: \"nesterov:torch\", lr: 0.05, momentum: 0.9}", 40.0 * 1.9 / 2.8),
        ("{name: \"generalized-momentum:polyak\", lr: 0.05, beta1: 0.5, beta2: 0.2}", 40.0 * 1.5 / 1.4),
        ("{name: \"nesterov:paper003\", lr: 0.05, beta1: 0.9, beta2: 0.9}", 40.0 * 1.9 / 2.8),
        ("{name: sgd, lr: 0.05}", Double.nan),
        ("{name: \"momentum:ema\", lr: 0.05}", Double.nan),
    ]

    /// Oracle, η = 0.05 (2/η = 40), full batch (ρ_N = 1): Polyak β = 0.9: 40 · 1.9 = 76; PyTorch Nesterov
    /// β = 0.9: 40 · 1.9/2.8; generalized momentum (0.5, 0.2): 40 · 1.5/1.4; paper 003's Nesterov preset
    /// (β₁ = β₂ = 0.9): 40 · 1.9/2.8. SGD records no momentum threshold and ias_threshold = 2/η = 40; EMA
    /// momentum (dampening 0.9) is not of paper 003's form and records none either.
    @Test(arguments: momentumCases)
    func momentumThresholdComesFromTheTypedSettings(optimizer: String, expected: Double) throws {
        let url = try Self.runURL()
        let outcome = try Runner.start(try Self.config(Self.fullBatch, ["optimizer=\(optimizer)"]), store: url,
                                       options: RunOptions(softwareVersion: "test"))
        let store = try RunStore(url: url)
        let momentum = try store.metrics(runID: outcome.runID, name: "momentum_threshold")
        let ias = try store.metrics(runID: outcome.runID, name: "ias_threshold")
        let gd = try store.metrics(runID: outcome.runID, name: "gd_threshold")
        #expect(ias.count == 2 && gd.allSatisfy { abs($0.value - 40) < 1e-12 })
        if expected.isNaN {
            #expect(momentum.isEmpty)
            #expect(ias.allSatisfy { abs($0.value - 40) <= 1e-12 })
        } else {
            // Recorded by both probes (same name, same value) at steps 0 and 2.
            #expect(momentum.map(\.step) == [0, 2] && momentum.allSatisfy { abs($0.value - expected) <= 1e-12 * expected })
            #expect(ias.allSatisfy { abs($0.value - expected) <= 1e-12 * expected })
        }
    }

    // MARK: loss change

    /// Oracle: on a quadratic with per-sample noise (N = 5, d = 3) the expectation over all C(5, 2) = 10
    /// batches of L(θ − ηg_B) − L(θ), enumerated, equals the recorded prediction −η‖∇L‖² + (η²/2) tr(H S_b)
    /// to 1e-10, and the recorded Monte-Carlo mean lies within 4 recorded standard errors of it; in mode
    /// sampled the prediction lies within 4 of its recorded standard errors of it.
    @Test func lossChangeMatchesTheEnumeratedExpectation() throws {
        let objective = QuadraticObjective.withGaussianOffsets(hessian: .diagonal([5, 2, 0.5]), minimizer: [0.2, 0.1, -0.3],
                                                               samples: 5, standardDeviation: 1.0, seed: 2)
        let theta = [0.9, -0.4, 0.6], eta = 0.3
        var probe = try Self.probe(LossChangeProbe.self, ["batch_count": .integer(500)])
        let values = try probe.measure(try Self.context(objective, theta, lr: eta, batchSize: 2))
        let start = objective.loss(at: theta)
        var expected = 0.0, count = 0
        for i in 0..<5 {
            for j in (i + 1)..<5 {
                var moved = theta
                VectorOps.axpy(-eta, objective.gradient(at: theta, batch: [i, j]), &moved)
                expected += objective.loss(at: moved) - start
                count += 1
            }
        }
        expected /= Double(count)
        let predicted = try #require(values["loss_change_predicted"])
        let measured = try #require(values["loss_change"]), se = try #require(values["loss_change_se"])
        #expect(count == 10 && abs(predicted - expected) <= 1e-10 * max(1, abs(expected)), "\(predicted) vs \(expected)")
        #expect(se > 0 && abs(measured - expected) <= 4 * se, "\(measured) ± \(se) vs \(expected)")
        #expect(values["loss_change_predicted_se"] == nil)

        // mode sampled: tr(H S_b) from K = 500 random batches, the prediction within 4 of its standard errors.
        var sampled = try Self.probe(LossChangeProbe.self, ["mode": .string("sampled"), "batch_count": .integer(500)])
        let sampledValues = try sampled.measure(try Self.context(objective, theta, lr: eta, batchSize: 2))
        let sampledPrediction = try #require(sampledValues["loss_change_predicted"])
        let predictionError = try #require(sampledValues["loss_change_predicted_se"])
        #expect(predictionError > 0 && abs(sampledPrediction - expected) <= 4 * predictionError,
                "\(sampledPrediction) ± \(predictionError) vs \(expected)")
        #expect(sampledValues["loss_change"] == measured)  // the measured change does not depend on the mode
    }

    // MARK: alignment

    /// Oracle: the dense Hessian (d = 17, every column an exact Hessian–vector product) eigendecomposed by
    /// LAPACK at two points θ_a and θ_b = θ_a − 0.3∇L(θ_a) of a tanh MLP: |q₁ᵀ∇L|/‖∇L‖ at each,
    /// cos(∇L_a, ∇L_b) and |q₁(a)ᵀq₁(b)| between them, to 1e-7. A probe restored from the first one's
    /// checkpointed state records the second measurement bit for bit.
    @Test func alignmentMatchesDenseEigenvectors() throws {
        let data = try DataSource(parsing: "gaussian-mixture:n=12,d=2,classes=2,seed=4").load()
        let model = DenseNetwork(widths: [2, 3, 2], activation: .tanh)
        let objective = SupervisedObjective(model: model, loss: .mse, inputs: data.x, targets: data.y, labels: data.labels)
        var generator = RandomGenerator(seed: 9, stream: "init")
        let thetaA = model.initialParameters(using: &generator)
        var thetaB = thetaA
        VectorOps.axpy(-0.3, objective.gradient(at: thetaA), &thetaB)
        let options: [String: ConfigValue] = ["tolerance": .number(1e-12), "max_iterations": .integer(17)]
        var probe = try Self.probe(AlignmentProbe.self, options)
        let first = try probe.measure(try Self.context(objective, thetaA, lr: 0.1, batchSize: 12))
        let state = try #require(try probe.encodedState())
        let second = try probe.measure(try Self.context(objective, thetaB, lr: 0.1, batchSize: 12, seed: 2))

        func top(_ theta: [Double]) throws -> [Double] {
            let eig = try objective.denseHessian(at: theta).symmetricEigen()
            let d = theta.count
            return (0..<d).map { eig.eigenvectors.scalars[$0 * d + d - 1] }  // last column: the largest eigenvalue
        }
        func cosine(_ u: [Double], _ v: [Double]) -> Double {
            VectorOps.dot(u, v) / (VectorOps.dot(u, u) * VectorOps.dot(v, v)).squareRoot()
        }
        let (qA, qB) = (try top(thetaA), try top(thetaB))
        let (gA, gB) = (objective.gradient(at: thetaA), objective.gradient(at: thetaB))
        #expect(first["gradient_cosine"] == nil && first["eigenvector_cosine"] == nil)
        #expect(abs(try #require(first["gradient_top_alignment"]) - abs(cosine(qA, gA))) <= 1e-7)
        #expect(abs(try #require(second["gradient_top_alignment"]) - abs(cosine(qB, gB))) <= 1e-7)
        #expect(abs(try #require(second["gradient_cosine"]) - cosine(gA, gB)) <= 1e-12)
        #expect(abs(try #require(second["eigenvector_cosine"]) - abs(cosine(qA, qB))) <= 1e-7)
        #expect(abs(cosine(qA, qB)) < 0.999, "the test needs the eigenvector to turn")

        var restored = try Self.probe(AlignmentProbe.self, options)
        try restored.restoreState(from: state)
        #expect(try restored.measure(try Self.context(objective, thetaB, lr: 0.1, batchSize: 12, seed: 2)) == second)
    }

    // MARK: per-sample gradient norms

    /// Oracle: the row norms of the N × d per-sample gradient matrix, their mean and population
    /// standard deviation written out.
    @Test func gradientNoiseRecordsThePerSampleNormSpread() throws {
        let data = try DataSource(parsing: "gaussian-mixture:n=10,d=2,classes=2,seed=3").load()
        let model = DenseNetwork(widths: [2, 4, 2], activation: .tanh)
        let objective = SupervisedObjective(model: model, loss: .crossEntropy, inputs: data.x, targets: data.y, labels: data.labels)
        var generator = RandomGenerator(seed: 1, stream: "init")
        let theta = model.initialParameters(using: &generator)
        var probe = try Self.probe(GradientNoiseProbe.self)
        let values = try probe.measure(try Self.context(objective, theta, lr: 0.1, batchSize: 4))
        let g = objective.perSampleGradients(at: theta, batch: nil)
        let d = theta.count
        let norms = (0..<10).map { i in (0..<d).map { g.scalars[i * d + $0] * g.scalars[i * d + $0] }.reduce(0, +).squareRoot() }
        let mean = norms.reduce(0, +) / 10
        let std = (norms.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 10).squareRoot()
        #expect(abs(try #require(values["per_sample_gradient_norm_mean"]) - mean) <= 1e-12 * mean)
        let recordedStd = try #require(values["per_sample_gradient_norm_std"])
        #expect(abs(recordedStd - std) <= 1e-9 * mean && std > 0)
    }

    // MARK: in a run config

    static let run = """
        name: probes-003
        model: mlp:3-5-2:tanh
        data: gaussian-mixture:n=24,d=3,classes=2,seed=2
        optimizer: {name: "momentum:paper", lr: 0.05, momentum: 0.5}
        training: {steps: 12, batch_size: 8, sampling: without-replacement, checkpoint_every: 4}
        seed: 5
        probes:
          - {name: interaction, every: 3}
          - {name: loss_change, every: 2, options: {batch_count: 4}}
          - {name: alignment, every: 2}
          - {name: gradient_noise, every: 3}
          - {name: sharpness, every: 4}
        """

    static let newMetrics = ["ias", "ias_threshold", "momentum_threshold", "loss_change", "loss_change_se", "loss_change_predicted",
                             "gradient_cosine", "eigenvector_cosine", "gradient_top_alignment",
                             "per_sample_gradient_norm_mean", "per_sample_gradient_norm_std"]

    /// Every new metric is recorded and finite; a run stopped at step 6 (the alignment probe's memory in
    /// the checkpoint) and resumed records exactly the rows of an uninterrupted run.
    @Test func newProbesRunFromAConfigAndResumeBitIdentically() throws {
        let url = try Self.runURL()
        let config = try Self.config(Self.run)
        let straight = try Runner.start(config, store: url, options: RunOptions(softwareVersion: "test"))
        let stopped = try Runner.start(config, store: url, options: RunOptions(softwareVersion: "test", shouldStop: { $0 == 6 }))
        #expect(straight.status == .completed && stopped.status == .interrupted)
        let resumed = try Runner.resume(runID: stopped.runID, store: url, options: RunOptions(softwareVersion: "test"))
        #expect(resumed.status == .completed && resumed.step == 12)
        let store = try RunStore(url: url)
        let rowsA = try store.metrics(runID: straight.runID), rowsB = try store.metrics(runID: resumed.runID)
        #expect(rowsA == rowsB)
        let byName = Dictionary(grouping: rowsA, by: \.name)
        for name in Self.newMetrics {
            let rows = byName[name] ?? []
            #expect(!rows.isEmpty && rows.allSatisfy { $0.value.isFinite }, "\(name)")
        }
        // Alignment every 2 steps: cosines from the second measurement (t = 2) on, one per measurement.
        #expect(byName["gradient_cosine"]?.map(\.step) == [2, 4, 6, 8, 10, 12])
        #expect(byName["eigenvector_cosine"]?.allSatisfy { $0.value >= 0 && $0.value <= 1 + 1e-12 } == true)
        // Polyak β = 0.5 at η = 0.05: 40 · 1.5 = 60.
        #expect(byName["momentum_threshold"]?.allSatisfy { abs($0.value - 60) <= 1e-12 } == true)

        // The report charts the measured loss change with its ± SE band and the prediction dashed, at every measurement.
        let run = try #require(try store.run(id: straight.runID))
        let chart = try #require(RunCharts(entries: [RunCharts.Entry(run: run, series: byName)]).charts().first { $0.id == "run-loss_change" })
        let elements = try ElementCollector.parse(chart.svg())
        let prediction = try #require(elements.first { $0.name == "polyline" && $0.attributes["data-prediction"] == "loss_change_predicted" })
        #expect(prediction.points.count == byName["loss_change_predicted"]?.count && prediction.points.count == 7)
        #expect(elements.contains { $0.name == "polygon" && $0.attributes["data-band"] == "loss_change_se" })
        #expect(!RunCharts(entries: [RunCharts.Entry(run: run, series: byName)]).charts().contains { $0.id == "run-loss_change_predicted" })
    }
}
