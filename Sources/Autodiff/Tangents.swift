import Tensor

/// Helpers for tangent (JVP) rules: a nil tangent is zero.
enum Tangents {
    /// Σ of the non-nil terms, each broadcast to `shape` (at least one term is non-nil). The first two
    /// terms are added into a new tensor in one pass (adding into the first would copy it first: its
    /// storage is shared with the term), later ones into that sum in place.
    static func sum(_ terms: [Tensor?], shape: [Int]) -> Tensor {
        var total: Tensor? = nil, first: Tensor? = nil
        for case let term? in terms {
            let shaped = term.shape == shape ? term : term.broadcast(to: shape)
            if let a = first {
                total = Tensor.zipMap(a, shaped, +)
                first = nil
            } else if total == nil {
                first = shaped
            } else {
                total!.addInPlace(shaped)
            }
        }
        return total ?? first ?? Tensor.zeros(shape)
    }
}
