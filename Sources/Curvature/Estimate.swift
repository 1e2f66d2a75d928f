import Tensor

/// A Monte-Carlo estimate with its uncertainty. No stochastic routine in `Curvature` returns a bare
/// number.
///
/// `standardError` is the estimated standard deviation of `value`: for an average of n i.i.d.
/// samples it is s/√n with the unbiased sample variance s² = Σ(xⱼ − x̄)²/(n − 1), and it is NaN when
/// n = 1 (one sample says nothing about its own spread). Tests assert |value − exact| ≤ z · SE for a
/// stated z.
public struct Estimate: Sendable, Codable, Equatable, CustomStringConvertible {
    /// The estimate.
    public let value: Double
    /// Its estimated standard error (NaN when it cannot be estimated from one sample).
    public let standardError: Double
    /// How many operator applications (matrix-vector products) or random draws it spent; each
    /// estimator's documentation says which.
    public let sampleCount: Int
    /// The seed the estimator's random stream was derived from.
    public let seed: UInt64

    public init(value: Double, standardError: Double, sampleCount: Int, seed: UInt64) {
        self.value = value
        self.standardError = standardError
        self.sampleCount = sampleCount
        self.seed = seed
    }

    /// The sample mean of `samples` with standard error s/√n. `sampleCount` defaults to the number of
    /// samples.
    public init(samples: [Double], sampleCount: Int? = nil, seed: UInt64) {
        precondition(!samples.isEmpty, "Estimate: at least one sample is needed")
        let moments = SampleMoments(samples)
        self.init(value: moments.mean, standardError: moments.standardErrorOfMean,
                  sampleCount: sampleCount ?? samples.count, seed: seed)
    }

    public var description: String { "\(value) ± \(standardError) (n = \(sampleCount), seed \(seed))" }
}

/// A vector of Monte-Carlo estimates (a diagonal) with one standard error per entry.
public struct VectorEstimate: Sendable, Codable, Equatable {
    /// The estimated entries.
    public let values: [Double]
    /// The standard error of each entry (NaN when it cannot be estimated from one sample).
    public let standardErrors: [Double]
    /// Operator applications spent.
    public let sampleCount: Int
    /// The seed the estimator's random stream was derived from.
    public let seed: UInt64

    public init(values: [Double], standardErrors: [Double], sampleCount: Int, seed: UInt64) {
        precondition(values.count == standardErrors.count,
                     "VectorEstimate: \(values.count) values but \(standardErrors.count) standard errors")
        self.values = values
        self.standardErrors = standardErrors
        self.sampleCount = sampleCount
        self.seed = seed
    }

    /// The entry-wise sample means of equally long sample vectors, with standard errors s/√n
    /// (`sampleCount` = the number of vectors).
    public init(samples: [[Double]], seed: UInt64) {
        precondition(!samples.isEmpty, "VectorEstimate: at least one sample is needed")
        let entries = samples[0].indices.map { i in Estimate(samples: samples.map { $0[i] }, seed: seed) }
        self.init(values: entries.map(\.value), standardErrors: entries.map(\.standardError), sampleCount: samples.count, seed: seed)
    }

    /// Entry i as a scalar ``Estimate``.
    public subscript(_ i: Int) -> Estimate {
        Estimate(value: values[i], standardError: standardErrors[i], sampleCount: sampleCount, seed: seed)
    }
}

/// The distribution of the random probe vectors z of a Hutchinson-type estimator. Both have
/// E[z zᵀ] = I, which is all unbiasedness needs; they differ in variance.
public enum ProbeDistribution: String, CaseIterable, Codable, Sendable {
    /// Independent ±1 entries (Hutchinson 1989). The lower-variance choice for a trace: on symmetric
    /// A, Var(zᵀAz) = 2(‖A‖_F² − Σᵢ Aᵢᵢ²). PyHessian and curvlinops use it.
    case rademacher
    /// Independent N(0, 1) entries (Girard 1989). Var(zᵀAz) = 2‖A‖_F² on symmetric A.
    case gaussian

    /// Draws one probe vector of length `dimension`.
    func draw(_ dimension: Int, using generator: inout RandomGenerator) -> [Double] {
        switch self {
        case .rademacher: generator.rademachers(dimension)
        case .gaussian: generator.gaussians(dimension)
        }
    }

    /// Draws `count` probes as the rows of a count × dimension block.
    func drawBlock(count: Int, dimension: Int, using generator: inout RandomGenerator) -> Tensor {
        var scalars = [Double]()
        scalars.reserveCapacity(count * dimension)
        for _ in 0..<count { scalars.append(contentsOf: draw(dimension, using: &generator)) }
        return Tensor(shape: [count, dimension], scalars: scalars)
    }
}

/// Mean and spread of a sample, by Welford's update (stable when the mean dwarfs the spread).
struct SampleMoments {
    private(set) var count = 0
    private(set) var mean = 0.0
    private var sumOfSquaredDeviations = 0.0

    init() {}

    init(_ samples: [Double]) {
        for x in samples { add(x) }
    }

    mutating func add(_ x: Double) {
        count += 1
        let delta = x - mean
        mean += delta / Double(count)
        sumOfSquaredDeviations += delta * (x - mean)
    }

    /// The unbiased sample variance (NaN for fewer than two samples).
    var variance: Double { count < 2 ? .nan : sumOfSquaredDeviations / Double(count - 1) }

    /// s/√n.
    var standardErrorOfMean: Double { (variance / Double(count)).squareRoot() }
}

/// The random stream of one estimator: (seed, "curvature/<name>"), so that estimators sharing a seed
/// never share numbers.
func estimatorGenerator(seed: UInt64, name: String) -> RandomGenerator {
    RandomGenerator(seed: seed, stream: "curvature/\(name)")
}

extension Estimate {
    /// The ratio of means R = x̄/ȳ of paired samples (xⱼ, yⱼ), with the delta-method standard error
    /// ```
    /// SE(R)² ≈ (s_x² − 2R s_xy + R² s_y²) / (n ȳ²)
    /// ```
    /// R is consistent but biased by O(1/n) (a ratio estimator). NaN standard error for n = 1.
    public static func ratioOfMeans(numerators x: [Double], denominators y: [Double], seed: UInt64) -> Estimate {
        precondition(!x.isEmpty && x.count == y.count,
                     "Estimate.ratioOfMeans: need equally many numerators and denominators, got \(x.count) and \(y.count)")
        let n = Double(x.count)
        let (mx, my) = (x.reduce(0, +) / n, y.reduce(0, +) / n)
        let ratio = mx / my
        guard x.count > 1 else { return Estimate(value: ratio, standardError: .nan, sampleCount: 1, seed: seed) }
        var (sxx, syy, sxy) = (0.0, 0.0, 0.0)
        for (a, b) in zip(x, y) {
            sxx += (a - mx) * (a - mx)
            syy += (b - my) * (b - my)
            sxy += (a - mx) * (b - my)
        }
        let variance = (sxx - 2 * ratio * sxy + ratio * ratio * syy) / (n - 1) / (n * my * my)
        return Estimate(value: ratio, standardError: max(variance, 0).squareRoot(), sampleCount: x.count, seed: seed)
    }
}
