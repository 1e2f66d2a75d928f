import Foundation

/// The spread of one cell's objective over its seeds x₁ … x_n (n ≥ 1):
/// ```
/// mean x̄ = (1/n) Σᵢ xᵢ
/// standard error SE = s/√n,  s² = Σᵢ (xᵢ − x̄)²/(n − 1)   (SE = 0 when n = 1)
/// min = minᵢ xᵢ, max = maxᵢ xᵢ
/// ```
public struct SeedSpread: Codable, Sendable, Equatable {
    /// n, the seeds averaged.
    public let count: Int
    public let mean: Double
    public let standardError: Double
    public let min: Double
    public let max: Double

    /// nil when `values` is empty.
    public init?(_ values: [Double]) {
        guard let lo = values.min(), let hi = values.max() else { return nil }
        let n = Double(values.count)
        let mean = values.reduce(0, +) / n
        let squares = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        count = values.count
        self.mean = mean
        standardError = values.count > 1 ? (squares / (n - 1)).squareRoot() / n.squareRoot() : 0
        min = lo
        max = hi
    }
}
