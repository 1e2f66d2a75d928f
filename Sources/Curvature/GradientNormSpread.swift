/// The spread of the per-sample gradient norms ‖∇ℓᵢ(θ)‖ over the N training samples (paper 003,
/// Lee & Jang, ICLR 2023, Fig. 36: E‖∇ℓ‖ is 2–3 times std‖∇ℓ‖, which makes R̄_b² ≈ ρ_b, eq. (125)):
///
/// ```
/// mean = (1/N) Σᵢ ‖∇ℓᵢ‖,   std = √((1/N) Σᵢ (‖∇ℓᵢ‖ − mean)²)
/// ```
///
/// Both are over the whole training set (the population standard deviation, 1/N), from the squared
/// norms `Objective.perSampleGradientSquaredNorms(at:)` returns, without the N × d matrix.
public struct GradientNormSpread: Sendable, Codable, Equatable {
    public let sampleCount: Int
    /// (1/N) Σᵢ ‖∇ℓᵢ‖.
    public let mean: Double
    /// √((1/N) Σᵢ (‖∇ℓᵢ‖ − mean)²).
    public let standardDeviation: Double

    /// From ‖∇ℓᵢ‖² for i = 1…N (N ≥ 1, each ≥ 0).
    public init(perSampleSquaredNorms squaredNorms: [Double]) {
        precondition(!squaredNorms.isEmpty, "GradientNormSpread: at least one sample is needed")
        let norms = squaredNorms.map { $0.squareRoot() }
        let n = Double(norms.count)
        let mean = norms.reduce(0, +) / n
        sampleCount = norms.count
        self.mean = mean
        standardDeviation = (norms.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / n).squareRoot()
    }
}
