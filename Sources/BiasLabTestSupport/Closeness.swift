import Tensor

/// Error measures the tests compare against their stated tolerances.
public enum Closeness {
    /// max_i |a_i − b_i| / max(max_i |b_i|, floor): the error relative to the reference's scale, so a
    /// tiny entry of a large vector is not judged on its own.
    public static func relativeError(_ a: [Double], _ reference: [Double], floor: Double = 1e-300) -> Double {
        precondition(a.count == reference.count, "relativeError: lengths \(a.count) and \(reference.count) differ")
        var diff = 0.0, scale = 0.0
        for (x, y) in zip(a, reference) {
            diff = max(diff, abs(x - y))
            scale = max(scale, abs(y))
        }
        return diff / max(scale, floor)
    }

    /// |a − b| / max(|b|, floor).
    public static func relativeError(_ a: Double, _ reference: Double, floor: Double = 1e-300) -> Double {
        abs(a - reference) / max(abs(reference), floor)
    }

    public static func relativeError(_ a: Tensor, _ reference: Tensor) -> Double {
        precondition(a.shape == reference.shape, "relativeError: shapes \(a.shape) and \(reference.shape) differ")
        return relativeError(a.scalars, reference.scalars)
    }
}
