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
/// - A transformer takes token sequences (``TextCorpus``) and the loss next-token-ce, whose sequences fit
///   its context and whose tokens its vocabulary.
/// - Label noise (paper 002 §5.1, ``LabelNoise``) needs a model on data and a squared-error loss; training
///   then sees ỹ = y + ξ with fresh ξ at every step (``Problem/trainingEvaluation(seed:)``).
public struct ProblemSpec: Equatable, Sendable {
    public var model: ModelSpec
    public var data: DataSource?
    public var loss: Loss
    public var labelNoise: LabelNoise?

    public init(model: ModelSpec, data: DataSource? = nil, loss: Loss = .mse, labelNoise: LabelNoise? = nil) {
        self.model = model
        self.data = data
        self.loss = loss
        self.labelNoise = labelNoise
    }

    /// Parses the texts at the edge (flags, config keys); each error names its field.
    public init(model: String, data: String?, loss: String, labelNoise: String? = nil) throws(ProblemSpecError) {
        do { self.model = try ModelSpec.parse(model) } catch { throw ProblemSpecError(.model, "\(error)") }
        do { self.data = try data.map { text throws(DataError) in try DataSource(parsing: text) } } catch {
            throw ProblemSpecError(.data, error.description)
        }
        do { self.loss = try Loss.parse(loss) } catch { throw ProblemSpecError(.loss, "\(error)") }
        do { self.labelNoise = try labelNoise.map { text throws(SpecError) in try LabelNoise.parse(text) } } catch {
            throw ProblemSpecError(.labelNoise, "\(error)")
        }
    }

    /// Loads the data and builds the objective (and the objective on `testData`, held out, when given),
    /// checking that model, data and loss fit together.
    public func build(testData: DataSource? = nil) throws(ProblemSpecError) -> Problem {
        try validate(testData: testData)
        switch model.build() {
        case .objective(let analytic):
            let start = model.analyticStart ?? [Double](repeating: 1, count: analytic.dimension)
            return Problem(objective: analytic, testObjective: nil, model: nil, trainingSet: nil, analyticStart: start, labelNoise: nil)
        case .model(let network):
            guard let data else {
                throw ProblemSpecError(.data, "model '\(model)' needs a data source (.npz, fashion-mnist, or a synthetic spec)")
            }
            let train = try objective(network, on: data, field: .data)
            let test = try testData.map { source throws(ProblemSpecError) in try objective(network, on: source, field: .testData).objective }
            return Problem(objective: train.objective, testObjective: test, model: network, trainingSet: train.dataset,
                           analyticStart: nil, labelNoise: labelNoise)
        }
    }

    /// The checks that need no data loaded (``build(testData:)`` makes them first; a run config makes them
    /// when it is read): an analytic objective takes no data and no label noise, and label noise needs a
    /// squared-error loss.
    public func validate(testData: DataSource? = nil) throws(ProblemSpecError) {
        if !model.needsData {
            if data != nil { throw ProblemSpecError(.data, "model '\(model)' is an analytic objective and takes no data") }
            if testData != nil { throw ProblemSpecError(.testData, "model '\(model)' is an analytic objective and takes no data") }
            if labelNoise != nil { throw ProblemSpecError(.labelNoise, "model '\(model)' is an analytic objective; label noise needs a model on data") }
        } else if labelNoise != nil, !loss.isSquaredError {
            throw ProblemSpecError(.labelNoise, "label noise perturbs regression targets and needs a squared-error loss (mse), not \(loss.name)")
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
        if case .nextTokenCrossEntropy = loss {
            guard dataset.labels == nil, dataset.x.rank == 2, dataset.y.shape == dataset.x.shape else {
                throw ProblemSpecError(field, "\(dataset.name) is not token sequences (x and y of shape [N, T], as text:… gives); next-token-ce needs them")
            }
            guard let transformer = network as? Transformer else {
                throw ProblemSpecError(.loss, "next-token-ce is the loss of a language model; model '\(model)' is not a transformer")
            }
            let length = dataset.x.shape[1]
            guard length <= transformer.context else {
                throw ProblemSpecError(field, "\(dataset.name) has sequences of \(length) tokens, model '\(model)' has context \(transformer.context)")
            }
            if let token = (dataset.x.scalars + dataset.y.scalars).first(where: { $0 < 0 || $0 >= Double(transformer.vocabulary) || $0 != $0.rounded() }) {
                throw ProblemSpecError(field, "\(dataset.name) has the token \(ModelSpec.format(token)); model '\(model)' has vocabulary \(transformer.vocabulary) (ids 0…\(transformer.vocabulary - 1))")
            }
            return (SupervisedObjective(model: network, loss: loss, inputs: dataset.x, targets: dataset.y, labels: nil), dataset)
        }
        if network is Transformer {
            throw ProblemSpecError(.loss, "model '\(model)' is a language model; it trains with --loss next-token-ce (loss '\(loss.name)' given)")
        }
        if case .crossEntropy = loss {
            guard let labels = dataset.labels else {
                throw ProblemSpecError(.loss, "cross-entropy needs integer class labels, but \(dataset.name) has real-valued targets")
            }
            if let label = labels.first(where: { $0 < 0 || $0 >= network.outputCount }) {
                throw ProblemSpecError(field, "\(dataset.name) has the label \(label); model '\(model)' outputs \(network.outputCount) classes (labels 0…\(network.outputCount - 1))")
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
    /// The label noise training sees (nil: none).
    public let labelNoise: LabelNoise?

    /// θ₀: the model's initialization drawn from stream "init" of `seed`, or the analytic objective's
    /// documented start (``ModelSpec/analyticStart``; the seed is not used).
    public func initialParameters(seed: UInt64) -> [Double] {
        if let analyticStart { return analyticStart }
        var generator = RandomGenerator(seed: seed, stream: "init")
        return model!.initialParameters(using: &generator)
    }
}

extension Problem {
    /// What the training loop evaluates at step t: (L_{B_t}(θ), ∇L_{B_t}(θ)) of the objective, or, with label
    /// noise, of the batch with perturbed targets ỹ = y + ξ (``LabelNoise/noisyBatch(of:batch:using:)``),
    /// ξ drawn from stream "label-noise/t" of `seed` — a function of (seed, t) only, so a resumed run
    /// draws the same ξ as an uninterrupted one.
    public func trainingEvaluation(seed: UInt64) -> @Sendable (_ step: Int, _ parameters: [Double], _ batch: [Int]?)
        -> (loss: Double?, gradient: [Double]) {
        let objective = objective
        guard let labelNoise, let supervised = objective as? SupervisedObjective else {
            return { _, theta, batch in
                let (loss, gradient) = objective.valueAndGradient(at: theta, batch: batch)
                return (loss, gradient)
            }
        }
        return { t, theta, batch in
            var generator = RandomGenerator(seed: seed, stream: "label-noise/\(t)")
            let noisy = labelNoise.noisyBatch(of: supervised, batch: supervised.indices(of: batch), using: &generator)
            let (loss, gradient) = noisy.valueAndGradient(at: theta, batch: nil)
            return (loss, gradient)
        }
    }
}

/// A problem that does not fit together; the message is one line and ``field`` says which input is at fault,
/// so a command can name its flag (`--data`) and a config its key (`data.train`).
public struct ProblemSpecError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Field: String, Sendable {
        case model, data, testData = "test data", loss, labelNoise = "label noise"
    }

    public let field: Field
    public let message: String
    public init(_ field: Field, _ message: String) {
        self.field = field
        self.message = message
    }

    public var description: String { message }
}
