/// Adafactor without update clipping (Shazeer & Stern 2018, Alg. 2 as adopted by paper 002): the second
/// moment of each weight matrix is stored as its row and column sums, V̂ = R Cᵀ / (1ᵀR).
///
/// | Symbol | Parameter | Key |
/// |---|---|---|
/// | η, β₁, β₂, ε, λ | `hyperparameters` (as `Adam`) | `lr`, `beta1`, `beta2`, `eps`, `weight_decay` |
/// | ε₁ | `epsilon1` | `eps1` |
///
/// Initial state: t = 0, m₀ = 0 ∈ ℝ^d; for every factored n×k matrix R₀ = 0 ∈ ℝⁿ, C₀ = 0 ∈ ℝᵏ (stored
/// R then C); for every other coordinate v₀ = 0. Storage is in θ order.
///
/// Step t, for a matrix block G (n×k, row-major in θ):
/// ```
/// (weight decay as in Adam)
/// m ← β₁ m + (1 − β₁) g                        (β₁ = 0 gives Shazeer & Stern's momentum-free form)
/// R ← β₂ R + (1 − β₂) (G² + ε₁ 1 1ᵀ) 1_k
/// C ← β₂ C + (1 − β₂) 1_nᵀ (G² + ε₁ 1 1ᵀ)
/// V_{rc} ← R_r C_c / Σ_r R_r
/// θ ← θ − η_t (m/(1 − β₁ᵗ)) / (√(V/(1 − β₂ᵗ)) + ε)     ◀ biasCorrection = off drops both factors
/// ```
/// and for vectors (and coordinates in no matrix), v ← β₂ v + (1 − β₂)(g² + ε₁) in place of V.
/// The ε placement option of Adam applies to the final division.
///
/// - Parameters: as `Adam`; ε₁ ≥ 0; `shapes` must not overlap and lie inside 0..<d.
///
/// References:
/// - N. Shazeer, M. Stern, "Adafactor: Adaptive Learning Rates with Sublinear Memory Cost", ICML 2018,
///   arXiv 1804.04235, Alg. 2–3 (factored second moment; update clipping and relative step size omitted).
/// - Li, Wen, Lyu, arXiv 2511.02773, Table 1 and footnote "we adopt the Algorithm 2" (digest 002 §3.4):
///   S = Diag(1/(√(R_r C_c/Σ_r R_r) + ε)), applied to m after the moment updates.
///
/// Differs from: optax/PyTorch `adafactor` add update clipping, a relative step size, β̂₂ₜ = 1 − t^{−0.8}
/// and only factor matrices with both sides ≥ 128; none of that is here.
public struct Adafactor: AdamVariant {
    public var hyperparameters: Adam.Hyperparameters
    public let epsilon1: Double
    public let shapes: [MatrixShape]
    public var schedules: Schedules

    public init(_ hyperparameters: Adam.Hyperparameters, epsilon1: Double = 1e-30, shapes: [MatrixShape],
                schedules: Schedules = .constant) throws {
        try Validate.nonNegative(epsilon1, "eps1")
        self.hyperparameters = hyperparameters
        self.epsilon1 = epsilon1
        self.shapes = shapes
        self.schedules = schedules
    }

    func adjust(_ rule: inout AdaptiveRule) { rule.grouping = .factored(shapes, epsilon1: epsilon1) }

    public func preconditionerDiagonal(state: MomentState) -> [Double]? {
        rule.preconditionerDiagonal(state: state, dimension: state.firstMoment.count)
    }
}
