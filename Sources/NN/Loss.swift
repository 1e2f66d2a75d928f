import Autodiff
import Tensor

/// A per-sample loss ℓ_i(f(x_i), y_i). Objectives average it over a batch: L_B = (1/|B|) Σ_{i∈B} ℓ_i.
public enum Loss: Codable, Sendable, Equatable {
    /// Squared error ℓ_i = scale · ‖f(x_i) − y_i‖². The default scale ½ gives
    /// MSE = (1/n) Σ ½‖f(x_i) − y_i‖², the edge-of-stability convention (Cohen et al. 2021);
    /// scale 1 is Andreyev–Beneventano's and Cattaneo–Shigida's. The Hessian, and so λ_max and its
    /// comparison with 2/η, scales with it.
    case squaredError(scale: Double)
    /// Cross-entropy ℓ_i = −log softmax(f(x_i))_{y_i} = logsumexp(f(x_i)) − f(x_i)_{y_i}, from integer labels.
    case crossEntropy
    /// Next-token cross-entropy of a sequence model, averaged over positions: for outputs [B, T·V] (the
    /// logits of position t at columns t·V ..< (t+1)·V) and targets [B, T] (the next token ids, as Doubles),
    /// ℓ_i = −(1/T) Σ_t log softmax(f(x_i)_t)_{y_{i,t}}. One sample is one sequence, so per-sample
    /// gradients and every per-sample quantity are per sequence; exp(L) is the perplexity.
    case nextTokenCrossEntropy

    /// MSE with the default ½ scale.
    public static let mse = Loss.squaredError(scale: 0.5)

    /// Per-sample losses, shape [B], for outputs [B, k].
    /// - targets: [B, k] real targets (squared error); labels: B class indices (cross-entropy).
    public func perSample(outputs: Variable, targets: Tensor, labels: [Int]?) -> Variable {
        switch self {
        case .squaredError(let scale):
            precondition(outputs.shape == targets.shape,
                         "squared error: outputs \(outputs.shape) and targets \(targets.shape) differ")
            return (outputs - Variable(targets)).squared().sum(axis: 1) * scale
        case .crossEntropy:
            guard let labels else { preconditionFailure("cross-entropy needs integer labels") }
            return -outputs.logSoftmax().pick(labels: labels)
        case .nextTokenCrossEntropy:
            let (batch, length) = (targets.shape[0], targets.count / max(targets.shape[0], 1))
            precondition(targets.rank == 2 && length > 0 && outputs.value.count % (batch * length) == 0,
                         "next-token cross-entropy: outputs \(outputs.shape) do not hold logits for targets \(targets.shape)")
            let vocabulary = outputs.value.count / (batch * length)
            let tokens = targets.scalars.map { Int($0) }
            let logProbabilities = outputs.reshaped([batch * length, vocabulary]).logSoftmax().pick(labels: tokens)
            return logProbabilities.reshaped([batch, length]).sum(axis: 1) * (-1 / Double(length))
        }
    }

    /// Whether the loss is a squared error (of any scale).
    public var isSquaredError: Bool {
        if case .squaredError = self { return true }
        return false
    }

    /// A short name: "mse" (scale ½), "mse*<scale>", or "ce".
    public var name: String {
        switch self {
        case .squaredError(let s): return s == 0.5 ? "mse" : "mse*\(s)"
        case .crossEntropy: return "ce"
        case .nextTokenCrossEntropy: return "next-token-ce"
        }
    }

    /// Parses "mse", "mse:scale=1", "ce" / "cross-entropy", "next-token-ce".
    public static func parse(_ text: String) throws -> Loss {
        let lower = text.lowercased()
        if lower == "mse" { return .mse }
        if lower == "ce" || lower == "cross-entropy" { return .crossEntropy }
        if lower == "next-token-ce" { return .nextTokenCrossEntropy }
        if lower.hasPrefix("mse:scale="), let s = Double(lower.dropFirst("mse:scale=".count)), s > 0 {
            return .squaredError(scale: s)
        }
        throw SpecError("loss '\(text)': expected mse, mse:scale=<positive number>, ce, or next-token-ce")
    }
}

/// A bad model, loss or objective specification; the message names the input and what was expected.
public struct SpecError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
