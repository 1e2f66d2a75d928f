import DataIO
import NN
import Tensor
import Testing

/// ``ProblemSpec``: the one path from model, data and loss to an objective, with every mismatch named by
/// its field.
struct ProblemSpecTests {
    @Test func modelOnDataBuildsTheSupervisedObjective() throws {
        let problem = try ProblemSpec(model: "mlp:4-6-2:tanh", data: "gaussian-mixture:n=24,d=4,classes=2,seed=1", loss: "mse").build()
        #expect(problem.objective.sampleCount == 24 && problem.objective.dimension == 4 * 6 + 6 + 6 * 2 + 2)
        #expect(problem.trainingSet?.count == 24 && problem.model != nil)
        var generator = RandomGenerator(seed: 5, stream: "init")
        #expect(problem.initialParameters(seed: 5) == problem.model!.initialParameters(using: &generator))
    }

    @Test func analyticObjectiveTakesNoData() throws {
        let problem = try ProblemSpec(model: "toy-quadratic", data: nil, loss: "mse").build()
        #expect(problem.model == nil && problem.initialParameters(seed: 9) == [3, 0.1])
        #expect(problem.objective.loss(at: [3, 0.1]) == 9 + 17.6 * 0.01)
    }

    @Test func mismatchesNameTheirField() {
        func failure(_ model: String, _ data: String?, _ loss: String = "mse", test: DataSource? = nil) -> ProblemSpecError? {
            do { _ = try ProblemSpec(model: model, data: data, loss: loss).build(testData: test); return nil } catch { return error }
        }
        #expect(failure("mlp:4-6-2", nil)?.field == .data)
        #expect(failure("toy-quadratic", "gaussian-mixture:n=8,d=4,classes=2")?.field == .data)
        #expect(failure("mlp:5-6-2", "gaussian-mixture:n=8,d=4,classes=2")?.message.contains("4 input features") == true)
        #expect(failure("mlp:4-6-3", "gaussian-mixture:n=8,d=4,classes=2")?.message.contains("targets of width 2") == true)
        #expect(failure("mlp:4-6-1", "sparse-regression:n=8,d=4,k=2", "ce")?.field == .loss)
        #expect(failure("mlp:4-6-2", "gaussian-mixture:n=8,d=4,classes=2", "hinge")?.field == .loss)
        #expect(failure("mlp:4-x-2", "gaussian-mixture:n=8,d=4,classes=2")?.field == .model)
        #expect(failure("mlp:4-6-2", "no-such-source:n=3")?.field == .data)
        #expect(failure("mlp:4-6-2", "gaussian-mixture:n=8,d=4,classes=2",
                        test: try? DataSource(parsing: "gaussian-mixture:n=8,d=5,classes=2"))?.field == .testData)
    }
}

extension ProblemSpecTests {
    /// `needsData` agrees with what the spec builds, for every kind.
    @Test func needsDataMatchesTheBuild() throws {
        for text in ["mlp:4-6-2", "cnn:fashion-small", "linear:4-2", "dln:5", "deeplinear:3-3-3", "quadratic:diag=1,2",
                     "toy-quadratic", "ellipse"] {
            let spec = try ModelSpec.parse(text)
            #expect(spec.needsData == (spec.model != nil), "\(text)")
        }
    }
}

/// Label noise through the problem: unbiased gradients, a loss raised by exactly ½δ² per target entry in
/// expectation (E‖f − y − ξ‖²/2 = ‖f − y‖²/2 + kδ²/2 with E ξ = 0, E ξ² = δ²), and draws that depend on
/// (seed, step) only.
struct LabelNoiseProblemTests {
    @Test func noisyEvaluationIsUnbiasedAndReproducible() throws {
        let delta = 0.3
        let problem = try ProblemSpec(model: "mlp:4-5-2:tanh", data: "gaussian-mixture:n=12,d=4,classes=2,seed=2", loss: "mse",
                                      labelNoise: "gaussian:\(delta)").build()
        let theta = problem.initialParameters(seed: 1)
        let evaluate = problem.trainingEvaluation(seed: 5)
        let clean = problem.objective.valueAndGradient(at: theta, batch: nil)
        let steps = 4000
        var losses: [Double] = [], gradients = [Double](repeating: 0, count: theta.count), squares = gradients
        for t in 0..<steps {
            let (loss, gradient) = evaluate(t, theta, nil)
            losses.append(loss!)
            for j in gradient.indices { gradients[j] += gradient[j] / Double(steps); squares[j] += gradient[j] * gradient[j] / Double(steps) }
        }
        let meanLoss = losses.reduce(0, +) / Double(steps)
        let lossSE = (losses.map { ($0 - meanLoss) * ($0 - meanLoss) }.reduce(0, +) / Double(steps - 1) / Double(steps)).squareRoot()
        #expect(abs(meanLoss - (clean.value + 2 * delta * delta / 2)) < 5 * lossSE)
        for j in theta.indices {
            let se = max((squares[j] - gradients[j] * gradients[j]) / Double(steps), 0).squareRoot()
            #expect(abs(gradients[j] - clean.gradient[j]) < 5 * se + 1e-12, "coordinate \(j)")
        }
        #expect(evaluate(7, theta, [1, 3]).gradient == problem.trainingEvaluation(seed: 5)(7, theta, [1, 3]).gradient)
        #expect(evaluate(7, theta, [1, 3]).gradient != evaluate(8, theta, [1, 3]).gradient)
    }

    @Test func labelNoiseNeedsAModelAndSquaredError() {
        func field(_ model: String, _ data: String?, _ loss: String, _ noise: String) -> ProblemSpecError.Field? {
            do { _ = try ProblemSpec(model: model, data: data, loss: loss, labelNoise: noise).build(); return nil } catch { return error.field }
        }
        #expect(field("toy-quadratic", nil, "mse", "rademacher:0.1") == .labelNoise)
        #expect(field("mlp:4-5-2", "gaussian-mixture:n=12,d=4,classes=2", "ce", "rademacher:0.1") == .labelNoise)
        #expect(field("mlp:4-5-2", "gaussian-mixture:n=12,d=4,classes=2", "mse", "uniform:0.1") == .labelNoise)
        #expect(field("mlp:4-5-2", "gaussian-mixture:n=12,d=4,classes=2", "mse", "rademacher:0.1") == nil)
    }
}
