import Tensor

/// Helpers for tangent (JVP) rules: a nil tangent is zero.
enum Tangents {
    /// Σ of the non-nil terms, each broadcast to `shape` (at least one term is non-nil).
    static func sum(_ terms: [Tensor?], shape: [Int]) -> Tensor {
        var total: Tensor? = nil
        for case let term? in terms {
            let shaped = term.shape == shape ? term : term.broadcast(to: shape)
            if total == nil { total = shaped } else { total!.addInPlace(shaped) }
        }
        return total ?? Tensor.zeros(shape)
    }
}
