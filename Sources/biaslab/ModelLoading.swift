import ArgumentParser
import DataIO
import Foundation
import NN
import Tensor

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
