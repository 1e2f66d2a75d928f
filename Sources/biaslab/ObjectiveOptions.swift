import ArgumentParser
import DataIO
import Foundation
import NN
import Tensor

/// `--model SPEC [--params P.npy] [--data SOURCE] [--loss mse|ce] [--init-seed s]`: the objective and θ a
/// command works on, shared by every command that measures or trains a model.
///
/// - `--model`: a model spec (`biaslab models` lists them), e.g. `mlp:784-200-10:tanh` or `toy-quadratic`.
/// - `--params`: θ as a float64/float32 .npy of length d in the model's flat order (PyTorch's for MLPs),
///   or a `.safetensors` file of the network's tensors by their state_dict names (``StateDict``).
///   Without it θ is the model's initialization drawn with `--init-seed` (analytic objectives: their
///   documented start, see `ModelSpec.analyticStart`).
/// - `--data`: a data source (`biaslab data describe` accepts the same): a .npz with arrays `x` and `y`,
///   `fashion-mnist:train,n=1000`, or a synthetic generator. Required for models that need data;
///   analytic objectives (quadratic, toy-quadratic, ellipse) take none.
struct ObjectiveOptions: ParsableArguments {
    @Option(help: "Model spec, e.g. mlp:784-200-10:tanh (see 'biaslab models').")
    var model: String
    @Option(help: "θ as a .npy of length d, or a network's PyTorch state_dict as .safetensors (default: the model's initialization with --init-seed).")
    var params: String?
    @Option(help: "Data source: a .npz with x and y, fashion-mnist[:train|test][,n=…], or a synthetic spec.")
    var data: String?
    @Option(help: "Loss: mse (= (1/n)Σ½‖f−y‖²), mse:scale=<s>, ce (cross-entropy), or next-token-ce (a transformer on text:…).")
    var loss = "mse"
    @Option(help: "Seed of the initialization when --params is not given.")
    var initSeed: UInt64 = 0

    /// The objective and θ, or a one-line `UsageError` naming the bad input.
    func load() throws -> (objective: any Objective, theta: [Double]) {
        try loadObjective(model: model, params: params, data: data, loss: loss, initSeed: initSeed)
    }
}

/// The same flags as ``ObjectiveOptions`` for commands where a model is optional (theory commands that
/// also work from given numbers): nothing, or `--model` with the same rules (`--params` defaults to the
/// initialization of `--init-seed`, analytic objectives take no `--data`, `--loss` defaults to mse).
struct ModelOptions: ParsableArguments {
    @Option(name: .long, help: "Model spec, e.g. mlp:4-8-1:tanh or toy-quadratic (see 'biaslab models').")
    var model: String?

    @Option(name: .long, help: "θ as a .npy of length d, or a network's PyTorch state_dict as .safetensors (default: the model's initialization with --init-seed).")
    var params: String?

    @Option(name: .long, help: "Data source: a .npz with x and y, fashion-mnist[:train|test][,n=…], or a synthetic spec.")
    var data: String?

    @Option(name: .long, help: "Loss: mse (default), mse:scale=<s>, ce, or next-token-ce.")
    var loss: String?

    @Option(name: .long, help: "Seed of the initialization when --params is not given.")
    var initSeed: UInt64?

    /// Whether a model was given.
    var isGiven: Bool { model != nil }

    func validate() throws {
        if model == nil, params != nil || data != nil || loss != nil || initSeed != nil {
            throw ValidationError("--params, --data, --loss and --init-seed need --model")
        }
    }

    /// The objective and θ, or nil when no model was given.
    func load() throws -> (any Objective, [Double])? {
        guard let model else { return nil }
        let loaded = try loadObjective(model: model, params: params, data: data, loss: loss ?? "mse", initSeed: initSeed ?? 0)
        return (loaded.objective, loaded.theta)
    }
}

/// The objective of `--model SPEC [--params P.npy] [--data SOURCE] [--loss L]` and θ (see
/// ``ObjectiveOptions``), or a one-line `UsageError` naming the bad input (``loadProblem``).
func loadObjective(model: String, params: String?, data: String?, loss: String, initSeed: UInt64 = 0) throws -> (objective: any Objective, theta: [Double]) {
    let (problem, theta) = try loadProblem(model: model, params: params, data: data, loss: loss, labelNoise: nil, initSeed: initSeed)
    return (problem.objective, theta)
}

/// The problem of `--model --data --loss [--label-noise]` and θ: the flags become a ``ProblemSpec`` (the
/// one path run configs take too), θ comes from `--params` or θ₀ of `--init-seed`; every error is a
/// one-line `UsageError` naming its flag.
func loadProblem(model: String, params: String?, data: String?, loss: String, labelNoise: String?,
                 initSeed: UInt64 = 0) throws -> (problem: Problem, theta: [Double]) {
    let problem: Problem
    do { problem = try ProblemSpec(model: model, data: data, loss: loss, labelNoise: labelNoise).build() } catch {
        let flag = switch error.field {
        case .model: "--model"; case .data, .testData: "--data"; case .loss: "--loss"; case .labelNoise: "--label-noise"
        }
        throw UsageError("\(flag): \(error.message)")
    }
    guard let params else { return (problem, problem.initialParameters(seed: initSeed)) }
    if params.lowercased().hasSuffix(".safetensors") { return (problem, try safetensorsParameters(params, problem: problem, model: model)) }
    let theta: Tensor
    do { theta = try NPY.read(URL(fileURLWithPath: params)) } catch { throw UsageError("--params: \(error)") }
    guard theta.count == problem.objective.dimension else {
        throw UsageError("--params: '\(params)' holds \(theta.count) values, model '\(model)' has d = \(problem.objective.dimension)")
    }
    if let i = theta.scalars.firstIndex(where: { !$0.isFinite }) {
        throw UsageError("--params: '\(params)' holds \(theta.scalars[i]) at index \(i); expected finite parameters")
    }
    return (problem, theta.scalars)
}

/// θ of `--params model.safetensors`: the model's tensors by their PyTorch state_dict names (``StateDict``).
private func safetensorsParameters(_ path: String, problem: Problem, model spec: String) throws -> [Double] {
    guard let model = problem.model else {
        throw UsageError("--params: '\(path)' holds a network's weights, but model '\(spec)' is an analytic objective; give θ as .npy")
    }
    let tensors: [String: Tensor]
    do { tensors = try Safetensors.read(URL(fileURLWithPath: path)) } catch { throw UsageError("--params: \(error)") }
    do { return try StateDict.parameters(of: model, from: tensors) } catch {
        throw UsageError("--params: '\(path)' for model '\(spec)': \(error)")
    }
}
