@testable import Experiments
import NN
import Testing

@Suite struct StudyProblemTests {
    static let train = "teacher-student:n=8,d=3,out=2,targets=regression"
    static let test = "teacher-student:n=5,d=3,out=2,targets=regression,split=test"

    @Test func descriptionListsTheSpecsInOrderAndLeavesOutAMissingTestSet() {
        #expect(StudyProblem(model: "mlp:3-4-2:tanh", train: Self.train, test: Self.test, loss: "mse").description
            == "mlp:3-4-2:tanh; \(Self.train); \(Self.test); mse")
        #expect(StudyProblem(model: "mlp:3-4-2:tanh", train: Self.train, loss: "mse").description == "mlp:3-4-2:tanh; \(Self.train); mse")
    }

    @Test func buildsTheTrainingAndHeldOutObjectivesOfOneNetwork() throws {
        let problem = try StudyProblem(model: "mlp:3-4-2:tanh", train: Self.train, test: Self.test, loss: "mse").build()
        #expect(problem.objective.sampleCount == 8 && problem.testObjective?.sampleCount == 5)
        let (train, test, _) = try StudyProblem(model: "mlp:3-4-2:tanh", train: Self.train, test: Self.test, loss: "mse").objectives()
        let theta = problem.initialParameters(seed: 3)
        // Same network, same θ: the two objectives differ only by their data (the held-out loss is its own).
        #expect(train.loss(at: theta) == problem.objective.loss(at: theta))
        #expect(test.loss(at: theta) == problem.testObjective!.loss(at: theta))
        #expect(try StudyProblem(model: "mlp:3-4-2:tanh", train: Self.train, loss: "mse").build().testObjective == nil)
    }

    /// `spec()` parses each text once; the problem built from it is the one `build()` gives, and its data
    /// source is the training spec's (a recovery study reads its teacher there).
    @Test func theParsedSpecBuildsTheSameProblem() throws {
        let declared = StudyProblem(model: "mlp:3-4-2:tanh", train: Self.train, test: Self.test, loss: "mse")
        let spec = try declared.spec()
        #expect(spec == (try ProblemSpec(model: "mlp:3-4-2:tanh", data: Self.train, loss: "mse")))
        let (a, b) = (try declared.build(spec), try declared.build())
        let theta = a.initialParameters(seed: 1)
        #expect(a.objective.loss(at: theta) == b.objective.loss(at: theta) && a.testObjective?.loss(at: theta) == b.testObjective?.loss(at: theta))
        let sparse = try StudyProblem(model: "dln:6", train: "sparse-regression:n=4,d=6,k=2,seed=1", loss: "mse").spec()
        #expect(sparse.data?.groundTruth?.count == 6)
    }

    @Test func aSpecThatDoesNotFitIsTheProblemSpecError() {
        #expect(throws: ProblemSpecError.self) { try StudyProblem(model: "mlp:4-4-2:tanh", train: Self.train, loss: "mse").build() }
        #expect(throws: ProblemSpecError.self) { try StudyProblem(model: "mlp:3-4-2:tanh", train: Self.train, loss: "hinge").build() }
    }

    /// The runs of 003-gd and 003-sgd store the text Swift printed for their former settings struct; a
    /// change of it would re-measure every stored run.
    @Test func edgeStudiesStoreTheConfigurationTextOfEarlierVersions() {
        #expect(GradientDescentEdgeStudy.setting(quick: true).description
            == #"Setting(model: "mlp:784-16-10:tanh", data: "fashion-mnist:train,n=100", eta: 0.05714285714285714, steps: 120, every: 10, settle: 20)"#)
        #expect(StochasticEdgeStudy.setting(quick: false).description
            == #"Setting(model: "mlp:784-32-10:tanh", data: "fashion-mnist:train,n=256", samples: 256, batchSizes: [8, 32, 128], eta: 0.05714285714285714, steps: 3000, every: 25)"#)
        #expect(MemoryBetaTwoStudy.setting(quick: true).description.hasPrefix(
            "model=mlp:784-8-10:gelu data=fashion-mnist:train,n=32 test=fashion-mnist:test,n=64 loss=ce h="))
    }
}
