import DataIO
import NN
import Optim
import Tensor

/// One run's problem in paper 002's label-noise recovery studies (§5.2 sparse regression on a diagonal
/// linear network, App. B matrix sensing on a depth-2 linear network): the network (a
/// ``LinearPredictor``), its training set, the held-out objective and the teacher w* of the synthetic
/// training source, built from the model spec and the two data specs with the ½ squared loss.
struct RecoveryProblem<Network: LinearPredictor> {
    let problem: Problem
    let network: Network
    let trainingSet: Dataset
    let test: any Objective
    /// w* (sparse regression) or vec(M*) (matrix sensing).
    let truth: [Double]

    /// `study` names the study in the message of a spec that does not build this network on a source with a teacher.
    init(model: String, data: (train: String, test: String), study: String) throws {
        let declared = StudyProblem(model: model, train: data.train, test: data.test, loss: "mse")
        let spec = try declared.spec()
        problem = try declared.build(spec)
        guard let network = problem.model as? Network, let train = problem.trainingSet, let test = problem.testObjective,
              let truth = spec.data?.groundTruth
        else { preconditionFailure("\(study): \(model) on a synthetic source with a teacher, \(data.train)") }
        (self.network, trainingSet, self.test, self.truth) = (network, train, test, truth)
    }

    /// θ₀ of the run's seed.
    func initialParameters(seed: UInt64) -> [Double] { problem.initialParameters(seed: seed) }

    /// The end of a run at θ: `test_loss`, `train_loss` (without label noise) and the recovery metrics of
    /// w(θ) against w* (``RecoveryProbe``).
    func endValues(at theta: [Double]) -> [String: Double] {
        var values = ["test_loss": test.metrics(at: theta).loss, "train_loss": problem.objective.metrics(at: theta).loss]
        values.merge(RecoveryProbe.values(effectiveWeights: network.effectiveWeights(theta), groundTruth: truth)) { $1 }
        return values
    }
}

/// A recovery run's end point as a study's analysis reads it back from the run's series: the held-out loss
/// and the two sharpness measures at the last step.
struct RecoveryEndPoint: Equatable {
    let testLoss: Double
    let sharpness: EndPointSharpness
}

extension RecoveryEndPoint {
    /// The values recorded at the last step of `series` (NaN when absent).
    init(last series: StudySeries) {
        self.init(testLoss: series.last("test_loss") ?? .nan, sharpness: EndPointSharpness(last: series))
    }

    /// The entrywise mean of `points` (for example over seeds).
    static func mean(_ points: [RecoveryEndPoint]) -> RecoveryEndPoint {
        let n = Double(points.count)
        func average(_ value: (RecoveryEndPoint) -> Double) -> Double { points.map(value).reduce(0, +) / n }
        return RecoveryEndPoint(testLoss: average(\.testLoss),
                                sharpness: EndPointSharpness(trace: average(\.sharpness.trace), adaptive: average(\.sharpness.adaptive)))
    }
}
