import Tensor

/// The Chebyshev regression data of Cohen et al. 2021's edge-of-stability code (`chebyshev-{3,4,5}-20`;
/// digest peers-and-conventions §2 item 1): n points evenly spaced on [−1, 1], endpoints included,
/// labelled by the Chebyshev polynomial of the first kind T_k.
///
/// ```
/// xᵢ = −1 + 2i/(n − 1),  i = 0..<n          (n = 1 gives x₀ = −1)
/// yᵢ = T_k(xᵢ),  T₀ = 1, T₁ = x, T_{j+1} = 2x T_j − T_{j−1}   (= cos(k arccos x) on [−1, 1])
/// ```
/// Deterministic (no seed). x is [n, 1], y is [n, 1], labels nil.
public struct Chebyshev: Equatable, Sendable {
    /// k, the degree of T_k.
    public var degree: Int
    /// n, the number of points (20 in Cohen et al.).
    public var points: Int

    public init(degree: Int = 3, points: Int = 20) throws(DataError) {
        guard degree >= 0 else { throw DataError(.invalidValue, source: "chebyshev", "degree must be ≥ 0, got \(degree)") }
        guard points >= 1 else { throw DataError(.invalidValue, source: "chebyshev", "n must be ≥ 1, got \(points)") }
        if let problem = InputSizeLimit.problem("x (n × 1)", [points, 1]) { throw DataError(.invalidValue, source: "chebyshev", problem) }
        self.degree = degree
        self.points = points
    }

    /// T_k(x) by the three-term recurrence.
    public static func polynomial(degree k: Int, at x: Double) -> Double {
        if k == 0 { return 1 }
        var (previous, current) = (1.0, x)
        for _ in 1..<k { (previous, current) = (current, 2 * x * current - previous) }
        return current
    }

    public func generate() -> Dataset {
        let xs = (0..<points).map { points == 1 ? -1 : -1 + 2 * Double($0) / Double(points - 1) }
        return Dataset(name: "chebyshev-\(degree)-\(points)", x: Tensor(shape: [points, 1], scalars: xs),
                       y: Tensor(shape: [points, 1], scalars: xs.map { Chebyshev.polynomial(degree: degree, at: $0) }))
    }
}
