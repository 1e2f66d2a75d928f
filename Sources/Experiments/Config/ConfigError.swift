import NN

/// A bad run config: one line `key.path: problem`, e.g. `optimizer.beta2: must be in [0, 1), got 1.5`.
public struct ConfigError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The dotted key path of the offending value (`probes[1].every`); empty for the whole document.
    public let path: String
    public let problem: String

    public init(path: String, _ problem: String) {
        self.path = path
        self.problem = problem
    }

    public var description: String { path.isEmpty ? problem : "\(path): \(problem)" }

    /// `parent.key`, or `key` at the top level.
    static func join(_ parent: String, _ key: String) -> String { parent.isEmpty ? key : "\(parent).\(key)" }
}

extension ConfigError {
    /// A problem that does not fit together, named by its config key (`model`, `data.train`, `data.test`,
    /// `loss`, `label_noise`).
    init(_ error: ProblemSpecError) {
        let path = switch error.field {
        case .model: "model"
        case .data: "data.train"
        case .testData: "data.test"
        case .loss: "loss"
        case .labelNoise: "label_noise"
        }
        self.init(path: path, error.message)
    }
}
