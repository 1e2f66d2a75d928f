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
