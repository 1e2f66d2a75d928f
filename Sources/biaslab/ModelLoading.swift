import ArgumentParser
import DataIO
import Foundation
import NN
import Tensor

/// Builds the objective of `--model/--params/--data/--loss`.
///
/// Temporary model parser: accepts only `mlp:W0-W1-…-Wk[:activation]` (a `DenseNetwork`, activation
/// tanh|relu|gelu|softplus|identity, default tanh). It will be switched to the full `ModelSpec` parser.
/// `params` is an .npy holding the flat θ (PyTorch order, any shape with d entries); `data` is any
/// `DataSource` spec (e.g. `runs/data.npz`); `loss` is `mse` or `ce`. Every error is one `UsageError` line
/// naming the input and what was expected.
func loadObjective(model: String, params: String, data: String, loss: String) throws -> (SupervisedObjective, [Double]) {
    let parts = model.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
    guard parts.count >= 2, parts.count <= 3, parts[0] == "mlp" else {
        throw UsageError("--model '\(model)': expected mlp:W0-W1-...-Wk[:activation]")
    }
    let widths = parts[1].split(separator: "-", omittingEmptySubsequences: false).map { Int($0) }
    let sizes = widths.compactMap { $0 }
    guard sizes.count >= 2, sizes.count == widths.count, sizes.allSatisfy({ $0 > 0 }) else {
        throw UsageError("--model '\(model)': expected at least two positive widths W0-W1, got '\(parts[1])'")
    }
    var activation = Activation.tanh
    if parts.count == 3 {
        guard let parsed = Activation(rawValue: parts[2]) else {
            throw UsageError("--model '\(model)': activation must be one of \(Activation.allCases.map(\.rawValue).joined(separator: ", ")), got '\(parts[2])'")
        }
        activation = parsed
    }
    let network = DenseNetwork(widths: sizes, activation: activation)
    let lossFunction: Loss
    do { lossFunction = try Loss.parse(loss) } catch { throw UsageError("--loss '\(loss)': expected mse or ce") }
    let dataset: Dataset
    do { dataset = try DataSource(parsing: data).load() } catch { throw UsageError("--data: \(error)") }
    let theta: [Double]
    do { theta = try NPY.read(URL(fileURLWithPath: params)).scalars } catch { throw UsageError("--params: \(error)") }
    guard theta.count == network.parameterCount else {
        throw UsageError("--params '\(params)': expected \(network.parameterCount) values for \(model), got \(theta.count)")
    }
    let n = dataset.count
    let features = dataset.x.scalars.count / max(n, 1)
    guard features == sizes[0] else {
        throw UsageError("--data '\(data)': expected \(sizes[0]) input features for \(model), got \(features)")
    }
    let inputs = dataset.x.reshaped([n, features])
    switch lossFunction {
    case .crossEntropy:
        guard let labels = dataset.labels, labels.allSatisfy({ $0 < sizes.last! }) else {
            throw UsageError("--data '\(data)': --loss ce needs integer labels below \(sizes.last!)")
        }
    case .squaredError:
        guard dataset.y.shape.count == 2, dataset.y.shape[1] == sizes.last! else {
            throw UsageError("--data '\(data)': expected targets with \(sizes.last!) columns for --loss mse, got shape \(dataset.y.shape)")
        }
    }
    let objective = SupervisedObjective(model: network, loss: lossFunction, inputs: inputs, targets: dataset.y, labels: dataset.labels)
    return (objective, theta)
}

/// `--model --params --data --loss`, all or none.
struct ModelOptions: ParsableArguments {
    @Option(name: .long, help: "Model spec, e.g. mlp:4-8-1:tanh.")
    var model: String?

    @Option(name: .long, help: "The flat parameters θ as an .npy file.")
    var params: String?

    @Option(name: .long, help: "Data spec or .npz file (arrays x, y).")
    var data: String?

    @Option(name: .long, help: "Loss: mse or ce.")
    var loss: String?

    /// Whether any of the four was given.
    var isGiven: Bool { model != nil || params != nil || data != nil || loss != nil }

    func validate() throws {
        if isGiven, model == nil || params == nil || data == nil || loss == nil {
            throw ValidationError("--model, --params, --data and --loss go together")
        }
    }

    /// The objective and θ, or nil when no model was given.
    func load() throws -> (SupervisedObjective, [Double])? {
        guard let model, let params, let data, let loss else { return nil }
        return try loadObjective(model: model, params: params, data: data, loss: loss)
    }
}
