import Autodiff

/// Element-wise activations of dense networks.
public enum Activation: String, Codable, Sendable, CaseIterable {
    /// tanh x
    case tanh
    /// max(x, 0), with relu′(0) = 0
    case relu
    /// x·Φ(x), the exact (erf) GELU, PyTorch's default
    case gelu
    /// log(1 + eˣ)
    case softplus
    /// x
    case identity

    public func apply(_ x: Variable) -> Variable {
        switch self {
        case .tanh: return x.tanh()
        case .relu: return x.relu()
        case .gelu: return x.gelu()
        case .softplus: return x.softplus()
        case .identity: return x
        }
    }
}
