import DataIO
import NN

/// A study's problem as the study declares it — the model spec, the training-data spec, the held-out data
/// spec (when the study measures on one) and the loss spec, in the grammars of `--model`, `--data` and
/// `--loss` — built in one place, through ``ProblemSpec``'s one validation path.
///
/// The texts are the study's declaration (its edge, like a run config's keys); they enter the study's
/// configuration text, which keys its stored runs, exactly as written.
struct StudyProblem: CustomStringConvertible {
    let model: String
    let train: String
    let test: String?
    let loss: String

    init(model: String, train: String, test: String? = nil, loss: String) {
        self.model = model
        self.train = train
        self.test = test
        self.loss = loss
    }

    /// "model; train; test; loss" (the test part left out when there is none).
    var description: String { ([model, train] + (test.map { [$0] } ?? []) + [loss]).joined(separator: "; ") }

    /// The model, training data and loss, each text parsed once.
    func spec() throws -> ProblemSpec { try ProblemSpec(model: model, data: train, loss: loss) }

    /// The built problem: the objective on `train` and, when the study has held-out data, on `test`.
    func build() throws -> Problem { try build(spec()) }

    /// The problem `spec` (this declaration's ``spec()``) builds, with the held-out data.
    func build(_ spec: ProblemSpec) throws -> Problem { try spec.build(testData: try test.map { try DataSource(parsing: $0) }) }

    /// The training and test objectives of a classifier study with held-out data, and the problem (for θ₀).
    func objectives() throws -> (train: SupervisedObjective, test: SupervisedObjective, problem: Problem) {
        let problem = try build()
        guard let objective = problem.objective as? SupervisedObjective, let test = problem.testObjective as? SupervisedObjective
        else { preconditionFailure("a study problem with objectives() trains a model on data and has held-out data") }
        return (objective, test, problem)
    }
}
