import NN

/// Builds the model named by a config's `model` key. This is the ONE place a model spec becomes a
/// model, so that the full `ModelSpec` parser (branch `models`) can replace it.
///
/// Accepted for now: `mlp:W0-W1-…-WL:ACTIVATION[:nobias]` — a ``DenseNetwork`` with widths W0…WL
/// (input first), activation one of tanh, relu, gelu, softplus, identity, PyTorch's default init.
/// Example: `mlp:784-200-200-10:tanh` (Cohen et al.'s fc-tanh on flattened 28×28 inputs).
public enum ModelFactory {
    public static func makeModel(spec: String, path: String = "model") throws(ConfigError) -> any Model {
        let parts = spec.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 2, parts.count <= 4, parts[0] == "mlp" else {
            throw ConfigError(path: path, "expected mlp:WIDTHS:ACTIVATION, e.g. mlp:784-200-200-10:tanh, got '\(spec)'")
        }
        let widths = parts[1].split(separator: "-").map { Int($0) }
        guard widths.count >= 2, widths.allSatisfy({ ($0 ?? 0) > 0 }) else {
            throw ConfigError(path: path, "widths must be at least two positive integers joined by '-', e.g. 784-200-10, got '\(parts[1])'")
        }
        let activationName = parts.count > 2 ? parts[2] : "tanh"
        guard let activation = Activation(rawValue: activationName) else {
            throw ConfigError(path: path, "activation must be one of \(Activation.allCases.map(\.rawValue).joined(separator: ", ")), got '\(activationName)'")
        }
        var hasBias = true
        if parts.count == 4 {
            guard parts[3] == "nobias" else { throw ConfigError(path: path, "the fourth field may only be 'nobias', got '\(parts[3])'") }
            hasBias = false
        }
        return DenseNetwork(widths: widths.map { $0! }, activation: activation, hasBias: hasBias)
    }
}
