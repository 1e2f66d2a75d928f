import DataIO
import Foundation
import NN

/// Builds the objective of `--model/--params/--data/--loss`, the one place the CLI does so:
/// `mlp:W0-W1-…-Wk:activation` (a `DenseNetwork`, activation tanh|relu|gelu|softplus|identity), θ from a
/// 1-D float64 .npy of the network's parameter count (PyTorch order), data through `DataSource(parsing:)`,
/// loss `Loss.parse` (mse | ce). Every failure is a `UsageError` naming the input.
func loadObjective(model: String, params: String, data: String, loss: String) throws -> (objective: SupervisedObjective, parameters: [Double]) {
    let parts = model.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
    guard parts.count == 3, parts[0] == "mlp" else {
        throw UsageError("--model '\(model)': expected mlp:W0-W1-…-Wk:activation, e.g. mlp:784-200-10:tanh")
    }
    let widths = parts[1].split(separator: "-").map { Int($0) }
    guard widths.count >= 2, widths.allSatisfy({ ($0 ?? 0) > 0 }) else {
        throw UsageError("--model '\(model)': widths must be two or more positive integers separated by '-'")
    }
    guard let activation = Activation(rawValue: parts[2]) else {
        throw UsageError("--model '\(model)': activation must be one of \(Activation.allCases.map(\.rawValue).joined(separator: ", "))")
    }
    let network = DenseNetwork(widths: widths.map { $0! }, activation: activation)
    let parsedLoss: Loss
    do { parsedLoss = try Loss.parse(loss) } catch { throw UsageError("--loss: \(error)") }
    let dataset: Dataset
    do { dataset = try DataSource(parsing: data).load() } catch { throw UsageError("--data: \(error.description)") }
    guard dataset.inputShape.reduce(1, *) == widths[0]! else {
        throw UsageError("--data '\(data)': \(dataset.inputShape.reduce(1, *)) input features, but --model expects \(widths[0]!)")
    }
    guard dataset.y.count == dataset.count * widths.last!! else {
        throw UsageError("--data '\(data)': targets have \(dataset.y.count / max(dataset.count, 1)) columns, but --model has \(widths.last!!) outputs")
    }
    let theta: [Double]
    do { theta = try NPY.read(URL(fileURLWithPath: params)).scalars } catch { throw UsageError("--params: \(error.description)") }
    guard theta.count == network.parameterCount else {
        throw UsageError("--params '\(params)': \(theta.count) values, but \(model) has \(network.parameterCount) parameters")
    }
    let objective = SupervisedObjective(model: network, loss: parsedLoss, inputs: dataset.x,
                                        targets: dataset.y.reshaped([dataset.count, widths.last!!]), labels: dataset.labels)
    return (objective, theta)
}
