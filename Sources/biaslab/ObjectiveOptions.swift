import ArgumentParser
import DataIO
import Foundation
import NN
import Tensor

/// `--model SPEC [--params P.npy] [--data SOURCE] [--loss mse|ce] [--init-seed s]`: the objective and θ a
/// command works on, shared by every command that measures or trains a model.
///
/// - `--model`: a model spec (`biaslab models` lists them), e.g. `mlp:784-200-10:tanh` or `toy-quadratic`.
/// - `--params`: θ as a float64/float32 .npy of length d in the model's flat order (PyTorch's for MLPs).
///   Without it θ is the model's initialization drawn with `--init-seed` (analytic objectives: their
///   documented start, see `ModelSpec.analyticStart`).
/// - `--data`: a data source (`biaslab data describe` accepts the same): a .npz with arrays `x` and `y`,
///   `fashion-mnist:train,n=1000`, or a synthetic generator. Required for models that need data;
///   analytic objectives (quadratic, toy-quadratic, ellipse) take none.
struct ObjectiveOptions: ParsableArguments {
    @Option(help: "Model spec, e.g. mlp:784-200-10:tanh (see 'biaslab models').")
    var model: String
    @Option(help: "θ as a .npy of length d (default: the model's initialization with --init-seed).")
    var params: String?
    @Option(help: "Data source: a .npz with x and y, fashion-mnist[:train|test][,n=…], or a synthetic spec.")
    var data: String?
    @Option(help: "Loss: mse (= (1/n)Σ½‖f−y‖²), mse:scale=<s>, or ce (cross-entropy).")
    var loss = "mse"
    @Option(help: "Seed of the initialization when --params is not given.")
    var initSeed: UInt64 = 0

    /// The objective and θ, or a one-line `UsageError` naming the bad input.
    func load() throws -> (objective: any Objective, theta: [Double]) {
        try loadObjective(model: model, params: params, data: data, loss: loss, initSeed: initSeed)
    }
}

/// `--model --params --data [--loss]`, all or none (--loss defaults to mse).
struct ModelOptions: ParsableArguments {
    @Option(name: .long, help: "Model spec, e.g. mlp:4-8-1:tanh (see 'biaslab models').")
    var model: String?

    @Option(name: .long, help: "The flat parameters θ as an .npy file.")
    var params: String?

    @Option(name: .long, help: "Data spec or .npz file (arrays x, y).")
    var data: String?

    @Option(name: .long, help: "Loss: mse or ce (default mse).")
    var loss: String?

    /// Whether any of the four was given.
    var isGiven: Bool { model != nil || params != nil || data != nil || loss != nil }

    func validate() throws {
        if isGiven, model == nil || params == nil || data == nil {
            throw ValidationError("--model, --params and --data go together (--loss optional, default mse)")
        }
    }

    /// The objective and θ, or nil when no model was given.
    func load() throws -> (any Objective, [Double])? {
        guard let model, let params, let data else { return nil }
        let loaded = try loadObjective(model: model, params: params, data: data, loss: loss ?? "mse")
        return (loaded.objective, loaded.theta)
    }
}

/// The objective of `--model SPEC [--params P.npy] [--data SOURCE] [--loss L]` and θ (see
/// ``ObjectiveOptions``), or a one-line `UsageError` naming the bad input. The one place the CLI turns
/// these options into an objective.
func loadObjective(model: String, params: String?, data: String?, loss: String, initSeed: UInt64 = 0) throws -> (objective: any Objective, theta: [Double]) {
        let spec: ModelSpec
        do { spec = try ModelSpec.parse(model) } catch { throw UsageError("--model: \(error)") }
        let objective: any Objective
        let initialize: (inout RandomGenerator) -> [Double]
        switch spec.build() {
        case .objective(let analytic):
            if data != nil { throw UsageError("--data: model '\(model)' is an analytic objective and takes no data") }
            objective = analytic
            let start = spec.analyticStart ?? [Double](repeating: 1, count: analytic.dimension)
            initialize = { _ in start }
        case .model(let network):
            guard let data else { throw UsageError("--data: model '\(model)' needs a data source (.npz, fashion-mnist, or a synthetic spec)") }
            let dataset: Dataset
            do { dataset = try DataSource(parsing: data).load() } catch { throw UsageError("--data: \(error)") }
            let lossFunction: Loss
            do { lossFunction = try Loss.parse(loss) } catch { throw UsageError("--loss: \(error)") }
            if case .crossEntropy = lossFunction, dataset.labels == nil {
                throw UsageError("--loss: cross-entropy needs integer class labels, but '\(data)' has real-valued targets")
            }
            let expectedInputs = dataset.x.count / max(dataset.count, 1)
            if let dense = network as? DenseNetwork, dense.widths[0] != expectedInputs {
                throw UsageError("--data: '\(data)' has \(expectedInputs) input features per sample, model '\(model)' expects \(dense.widths[0])")
            }
            if dataset.y.shape.count == 2, dataset.y.shape[1] != network.outputCount, lossFunction != .crossEntropy {
                throw UsageError("--data: '\(data)' has targets of width \(dataset.y.shape[1]), model '\(model)' outputs \(network.outputCount)")
            }
            objective = SupervisedObjective(model: network, loss: lossFunction, inputs: dataset.x, targets: dataset.y, labels: dataset.labels)
            initialize = { network.initialParameters(using: &$0) }
        }
        guard let params else {
            var generator = RandomGenerator(seed: initSeed, stream: "init")
            return (objective, initialize(&generator))
        }
        let theta: Tensor
        do { theta = try NPY.read(URL(fileURLWithPath: params)) } catch { throw UsageError("--params: \(error)") }
        guard theta.count == objective.dimension else {
            throw UsageError("--params: '\(params)' holds \(theta.count) values, model '\(model)' has d = \(objective.dimension)")
        }
        return (objective, theta.scalars)
    }
