import Tensor

/// Sparse linear regression, the data of the diagonal-linear-network experiment of Adam's
/// adaptive-sharpness paper (digest 002 §6.2, the paper's §5.2–5.3 and Fig. 2).
///
/// ```
/// S      = the first κ entries of a uniform permutation of 0..<d          (stream "…/support")
/// w*ⱼ    = 1 for j ∈ S (supportValues .ones; digest 002 §6.2 CPU check),
///          or N(0, 1) for j ∈ S (.gaussian; the paper leaves the values open)  (stream "…/values")
/// w*ⱼ    = 0 for j ∉ S
/// xᵢ     ~ i.i.d. Unif{±1}ᵈ (.rademacher, the paper's zᵢ) or N(0, I_d) (.gaussian)  (stream "…/features")
/// yᵢ     = ⟨w*, xᵢ⟩ + ξᵢ,  ξᵢ = 0 (.none), N(0, σ²) (.gaussian(σ)) or Unif{±δ} (.rademacher(δ))  (stream "…/noise")
/// ```
/// The held-out split (``split`` = `.test`, ``SyntheticSplit``) keeps S and w* and draws xᵢ and ξᵢ from the
/// streams "…/test/features" and "…/test/noise". With Rademacher or Gaussian features E xxᵀ = I_d, so the
/// expected clean test loss of a linear predictor w under the ½ squared loss is ½‖w − w*‖².
///
/// Every stream is `RandomGenerator(seed: seed, stream: "sparse-regression").stream(name)`, so changing
/// n leaves w* unchanged and the first samples' features identical (rows are drawn sample by sample).
/// The paper's label noise ±δ is drawn afresh at each training step; ``noise`` here is fixed once per
/// dataset — use it for static noise, and add per-step noise in the training loop. The paper's scale
/// is d = 10⁴, κ = 50, n ≈ 300–900; the CPU check uses d = 100, κ = 5.
/// x is [n, d], y is [n, 1], and `labels` is nil.
public struct SparseRegression: Equatable, Sendable {
    public enum Features: String, CaseIterable, Codable, Sendable {
        case gaussian, rademacher
    }

    public enum SupportValues: String, CaseIterable, Codable, Sendable {
        /// w*ⱼ = 1 on the support.
        case ones
        /// w*ⱼ ~ N(0, 1) on the support.
        case gaussian
    }

    /// Additive label noise, drawn once per sample.
    public enum Noise: Equatable, Sendable {
        case none
        /// N(0, σ²).
        case gaussian(Double)
        /// ±δ with probability ½ each.
        case rademacher(Double)
    }

    public var samples: Int
    public var dimension: Int
    /// κ, the number of non-zeros of w*.
    public var sparsity: Int
    public var features: Features
    public var supportValues: SupportValues
    public var noise: Noise
    public var seed: UInt64
    /// The training set or the held-out test set of the same w*.
    public var split: SyntheticSplit

    /// Checks 1 ≤ n, 1 ≤ d, 0 ≤ κ ≤ d and a non-negative noise scale.
    public init(samples: Int, dimension: Int, sparsity: Int, features: Features = .rademacher,
                supportValues: SupportValues = .ones, noise: Noise = .none, seed: UInt64 = 0,
                split: SyntheticSplit = .train) throws(DataError) {
        let source = "sparse-regression"
        guard samples >= 1 else { throw DataError(.invalidValue, source: source, "n must be ≥ 1, got \(samples)") }
        guard dimension >= 1 else { throw DataError(.invalidValue, source: source, "d must be ≥ 1, got \(dimension)") }
        guard (0...dimension).contains(sparsity) else {
            throw DataError(.invalidValue, source: source, "k must be in 0...d = 0...\(dimension), got \(sparsity)")
        }
        switch noise {
        case .gaussian(let s), .rademacher(let s):
            guard s >= 0 && s.isFinite else { throw DataError(.invalidValue, source: source, "noise scale must be finite and ≥ 0, got \(s)") }
        case .none: break
        }
        self.samples = samples
        self.dimension = dimension
        self.sparsity = sparsity
        self.features = features
        self.supportValues = supportValues
        self.noise = noise
        self.seed = seed
        self.split = split
    }

    var root: RandomGenerator { RandomGenerator(seed: seed, stream: "sparse-regression") }

    /// The sorted support S of w*.
    public func support() -> [Int] {
        var generator = root.stream("support")
        return generator.permutation(dimension).prefix(sparsity).sorted()
    }

    /// The ground truth w* ∈ ℝᵈ, shape [d].
    public func groundTruth() -> Tensor {
        var w = [Double](repeating: 0, count: dimension)
        var values = root.stream("values")
        for j in support() { w[j] = supportValues == .ones ? 1 : values.gaussian() }
        return Tensor(w)
    }

    /// The dataset: x [n, d], y [n, 1].
    public func generate() -> Dataset {
        var featureGenerator = root.stream(split.stream("features"))
        let x = Tensor(shape: [samples, dimension],
                       scalars: features == .gaussian ? featureGenerator.gaussians(samples * dimension)
                                                      : featureGenerator.rademachers(samples * dimension))
        var y = Tensor.matvec(x, groundTruth()).reshaped([samples, 1])
        var noiseGenerator = root.stream(split.stream("noise"))
        switch noise {
        case .none: break
        case .gaussian(let sigma): for i in 0..<samples { y.scalars[i] += sigma * noiseGenerator.gaussian() }
        case .rademacher(let delta): for i in 0..<samples { y.scalars[i] += delta * noiseGenerator.rademacher() }
        }
        return Dataset(name: split.datasetName("sparse-regression"), x: x, y: y)
    }
}
