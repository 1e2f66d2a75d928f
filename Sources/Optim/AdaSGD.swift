/// AdaSGD (Wang & Wiens 2020): Adam with a single second-moment value for all of θ, the mean of g² over
/// the coordinates, i.e. SGD with momentum and one adaptive global step size.
///
/// Symbols, keys and ranges are Adam's (`Adam.Hyperparameters`).
///
/// Initial state: t = 0, m₀ = 0 ∈ ℝ^d, v₀ = 0 ∈ ℝ.
///
/// Step t:
/// ```
/// (weight decay as in Adam)
/// m ← β₁ m + (1 − β₁) g
/// v ← β₂ v + (1 − β₂) ‖g‖²/d
/// θ ← θ − η_t (m/(1 − β₁ᵗ)) / (√(v/(1 − β₂ᵗ)) + ε)
/// ```
/// It equals Adam-mini with one block (tested).
///
/// - Parameters: as `Adam`.
///
/// References:
/// - J. Wang, J. Wiens, "AdaSGD: Bridging the gap between SGD and Adam", arXiv 2006.16541.
/// - Li, Wen, Lyu, arXiv 2511.02773, Table 1 (V(M)_i = tr(M)/d; digest 002 §3.4).
///
/// Differs from: Wang & Wiens state it with a sum rather than a mean of g² in some versions (a rescaling
/// of ε and η).
public struct AdaSGD: AdamVariant {
    public var hyperparameters: Adam.Hyperparameters
    public let dimension: Int
    public var schedules: Schedules

    public init(_ hyperparameters: Adam.Hyperparameters, dimension: Int, schedules: Schedules = .constant) {
        self.hyperparameters = hyperparameters
        self.dimension = dimension
        self.schedules = schedules
    }

    func adjust(_ rule: inout AdaptiveRule) { rule.grouping = .groups([[0..<dimension]]) }
}
