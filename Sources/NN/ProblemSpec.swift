import DataIO
import Tensor

/// What BiasLab trains or measures on: a model (or an analytic objective), its data, and the loss — the one
/// description every command (`--model --data --loss`) and every run config (`model:`, `data:`, `loss:`)
/// turns into an ``Objective``, through one validation path (``build(testData:)``).
///
/// - A model spec that needs data (mlp, cnn, linear, dln, deeplinear) takes a ``DataSource`` whose
///   feature count matches the model's input width and whose target width matches its outputs (squared
///   error); cross-entropy needs class labels.
/// - An analytic objective (quadratic, toy-quadratic, ellipse) takes no data; its loss is its own.
public struct ProblemSpec: Equatable, Sendable {
    public var model: ModelSpec
    public var data: DataSource?
    public var loss: Loss

    public init(model: ModelSpec, data: DataSource? = nil, loss: Loss = .mse) {
        self.model = model
        self.data = data
        self.loss = loss
    }

    /// Parses the three texts at the edge (flags, config keys); each error names its field.
    public init(model: String, data: String?, loss: String) throws(ProblemSpecError) {
        do { self.model = try ModelSpec.parse(model) } catch { throw ProblemSpecError(.model, "\(error)") }
        do { self.data = try data.map { text throws(DataError) in try DataSource(parsing: text) } } catch {
            throw ProblemSpecError(.data, error.description)
        }
        do { self.loss = try Loss.parse(loss) } catch { throw ProblemSpecError(.loss, "\(error)") }
    }

    /// Loads the data and builds the objective (and the objective on `testData`, held out, when given),
    /// checking that model, data and loss fit together.
    public func build(testData: DataSource? = nil) throws(ProblemSpecError) -> Problem {
        switch model.build() {
        case .objective(let analytic):
            if data != nil { throw ProblemSpecError(.data, "model '\(model)' is an analytic objective and takes no data") }
            if testData != nil { throw ProblemSpecError(.testData, "model '\(model)' is an analytic objective and takes no data") }
            let start = model.analyticStart ?? [Double](repeating: 1, count: analytic.dimension)
            return Problem(objective: analytic, testObjective: nil, model: nil, trainingSet: nil, analyticStart: start)
        case .model(let network):
            guard let data else {
                throw ProblemSpecError(.data, "model '\(model)' needs a data source (.npz, fashion-mnist, or a synthetic spec)")
            }
            let train = try objective(network, on: data, field: .data)
            let test = try testData.map { source throws(ProblemSpecError) in try objective(network, on: source, field: .testData).objective }
            return Problem(objective: train.objective, testObjective: test, model: network, trainingSet: train.dataset, analyticStart: nil)
        }
    }

    /// The supervised objective of `network` on `source`, or the error naming `field`.
    private func objective(_ network: any Model, on source: DataSource, field: ProblemSpecError.Field) throws(ProblemSpecError)
        -> (objective: SupervisedObjective, dataset: Dataset) {
        let dataset: Dataset
        do { dataset = try source.load() } catch { throw ProblemSpecError(field, error.description) }
        let n = dataset.count
        guard n > 0 else { throw ProblemSpecError(field, "\(dataset.name) has no samples") }
        let features = dataset.x.count / n
        if let dense = network as? DenseNetwork, dense.widths[0] != features {
            throw ProblemSpecError(field, "\(dataset.name) has \(features) input features per sample, model '\(model)' expects \(dense.widths[0])")
        }
        if case .crossEntropy = loss {
            guard dataset.labels != nil else {
                throw ProblemSpecError(.loss, "cross-entropy needs integer class labels, but \(dataset.name) has real-valued targets")
            }
        } else if dataset.y.rank == 2, dataset.y.shape[1] != network.outputCount {
            throw ProblemSpecError(field, "\(dataset.name) has targets of width \(dataset.y.shape[1]), model '\(model)' outputs \(network.outputCount)")
        }
        return (SupervisedObjective(model: network, loss: loss, inputs: dataset.x, targets: dataset.y, labels: dataset.labels), dataset)
    }
}

/// A built ``ProblemSpec``: the objective (and a held-out one), the model when there is one, and the
/// starting point.
public struct Problem: Sendable {
    public let objective: any Objective
    /// The objective on the held-out data, when the spec gave some.
    public let testObjective: (any Objective)?
    /// The network of a data-driven spec; nil for analytic objectives.
    public let model: (any Model)?
    /// The training data of a data-driven spec.
    public let trainingSet: Dataset?
    let analyticStart: [Double]?

    /// θ₀: the model's initialization drawn from stream "init" of `seed`, or the analytic objective's
    /// documented start (``ModelSpec/analyticStart``; the seed is not used).
    public func initialParameters(seed: UInt64) -> [Double] {
        if let analyticStart { return analyticStart }
        var generator = RandomGenerator(seed: seed, stream: "init")
        return model!.initialParameters(using: &generator)
    }
}

/// A problem that does not fit together; the message is one line and ``field`` says which input is at fault,
/// so a command can name its flag (`--data`) and a config its key (`data.train`).
public struct ProblemSpecError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Field: String, Sendable {
        case model, data, testData = "test data", loss
    }

    public let field: Field
    public let message: String
    public init(_ field: Field, _ message: String) {
        self.field = field
        self.message = message
    }

    public var description: String { message }
}
