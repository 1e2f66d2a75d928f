import Tensor

/// Gaussian-mixture classification: k isotropic Gaussian clusters in ℝᵈ, one per class. A synthetic
/// stand-in for image classification at CPU scale (digest 003 §8: real image data cannot be downloaded
/// at run time, "use synthetic data"); the papers themselves do not use it.
///
/// ```
/// μ_c    = r · g_c / √d,  g_c ~ N(0, I_d),  c = 0..<k        (stream "…/means"; so ‖μ_c‖ ≈ r)
/// labels = (0, 1, …, k−1, 0, 1, …) of length n, then shuffled by a uniform permutation   (stream "…/order")
///          — balanced: each class has ⌊n/k⌋ or ⌈n/k⌉ samples
/// xᵢ     = μ_{labelᵢ} + σ εᵢ,  εᵢ ~ N(0, I_d)                 (stream "…/inputs")
/// yᵢ     = one-hot(labelᵢ) ∈ ℝᵏ
/// ```
/// Streams are `RandomGenerator(seed: seed, stream: "gaussian-mixture").stream(name)`.
public struct GaussianMixture: Equatable, Sendable {
    public var samples: Int
    public var dimension: Int
    public var classes: Int
    /// σ, the within-class standard deviation per coordinate.
    public var sigma: Double
    /// r, the typical norm of a class mean.
    public var separation: Double
    public var seed: UInt64

    public init(samples: Int, dimension: Int, classes: Int = 2, sigma: Double = 1, separation: Double = 3,
                seed: UInt64 = 0) throws(DataError) {
        let source = "gaussian-mixture"
        guard samples >= 1, dimension >= 1, classes >= 1 else {
            throw DataError(.invalidValue, source: source, "n, d and classes must be ≥ 1, got n=\(samples) d=\(dimension) classes=\(classes)")
        }
        if let problem = InputSizeLimit.problem("x (n × d)", [samples, dimension]) ?? InputSizeLimit.problem("the class means (classes × d)", [classes, dimension])
            ?? Dataset.oneHotProblem(samples: samples, classes: classes) {
            throw DataError(.invalidValue, source: source, problem)
        }
        guard sigma >= 0 && sigma.isFinite && separation >= 0 && separation.isFinite else {
            throw DataError(.invalidValue, source: source, "sigma and separation must be finite and ≥ 0, got \(sigma) and \(separation)")
        }
        self.samples = samples
        self.dimension = dimension
        self.classes = classes
        self.sigma = sigma
        self.separation = separation
        self.seed = seed
    }

    var root: RandomGenerator { RandomGenerator(seed: seed, stream: "gaussian-mixture") }

    /// The class means, [k, d].
    public func means() -> Tensor {
        var generator = root.stream("means")
        let scale = separation / Double(dimension).squareRoot()
        return Tensor(shape: [classes, dimension], scalars: generator.gaussians(classes * dimension).map { $0 * scale })
    }

    /// The dataset: x [n, d], y one-hot [n, k], labels.
    public func generate() -> Dataset {
        var order = root.stream("order")
        let permutation = order.permutation(samples)
        let labels = permutation.map { $0 % classes }
        let mu = means()
        var inputs = root.stream("inputs")
        var x = Tensor(shape: [samples, dimension], scalars: inputs.gaussians(samples * dimension).map { $0 * sigma })
        for (i, label) in labels.enumerated() {
            for j in 0..<dimension { x.scalars[i * dimension + j] += mu.scalars[label * dimension + j] }
        }
        return Dataset(name: "gaussian-mixture", x: x, labels: labels, classes: classes)
    }
}
