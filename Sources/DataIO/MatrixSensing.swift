import Tensor

/// Matrix sensing, the data of the deep-matrix-factorization experiment of Adam's adaptive-sharpness paper
/// (paper 002 App. B, Fig. 4; digest 002 §6.3; Gatmiry et al. 2023 §7), for the model
/// `deeplinear:<cols>-…-<rows>:sensing` (f(A) = ⟨A, W_L⋯W_1⟩):
///
/// ```
/// M*   = U Vᵀ / √r,  U ∈ ℝ^{rows×r}, V ∈ ℝ^{cols×r} with i.i.d. N(0, 1) entries      (stream "…/teacher")
/// Aᵢ   ∈ ℝ^{rows×cols} with i.i.d. N(0, 1) entries                                   (stream "…/measurements")
/// bᵢ   = ⟨Aᵢ, M*⟩ + σ εᵢ,  εᵢ ~ N(0, 1)                                              (stream "…/noise")
/// ```
/// Streams are `RandomGenerator(seed: seed, stream: "matrix-sensing").stream(name)`; the held-out split
/// (``split`` = `.test`, ``SyntheticSplit``) keeps M* and draws Aᵢ and εᵢ from "…/test/measurements" and
/// "…/test/noise". x is [n, rows·cols] (each Aᵢ row-major, the `:sensing` readout's layout), y is [n, 1],
/// `labels` is nil. With E vec(A)vec(A)ᵀ = I, the expected clean test loss of an estimate M under the ½
/// squared loss is ½‖M − M*‖²_F. The paper gives none of the sizes; the study's are in its doc comment.
public struct MatrixSensing: Equatable, Sendable {
    public var samples: Int
    /// d_L: the rows of M*.
    public var rows: Int
    /// d_0: the columns of M*.
    public var columns: Int
    /// r, the rank of M*.
    public var rank: Int
    /// σ, the standard deviation of the Gaussian noise on bᵢ (drawn once per sample).
    public var noise: Double
    public var seed: UInt64
    public var split: SyntheticSplit

    /// Checks n, rows, columns ≥ 1, 1 ≤ r ≤ min(rows, columns) and σ ≥ 0.
    public init(samples: Int = 100, rows: Int = 5, columns: Int = 5, rank: Int = 1, noise: Double = 0, seed: UInt64 = 0,
                split: SyntheticSplit = .train) throws(DataError) {
        let source = "matrix-sensing"
        guard samples >= 1, rows >= 1, columns >= 1 else {
            throw DataError(.invalidValue, source: source, "n, rows and cols must be ≥ 1, got n=\(samples) rows=\(rows) cols=\(columns)")
        }
        guard (1...min(rows, columns)).contains(rank) else {
            throw DataError(.invalidValue, source: source, "rank must be in 1...min(rows, cols) = 1...\(min(rows, columns)), got \(rank)")
        }
        guard noise >= 0 && noise.isFinite else { throw DataError(.invalidValue, source: source, "noise must be finite and ≥ 0, got \(noise)") }
        self.samples = samples
        self.rows = rows
        self.columns = columns
        self.rank = rank
        self.noise = noise
        self.seed = seed
        self.split = split
    }

    var root: RandomGenerator { RandomGenerator(seed: seed, stream: "matrix-sensing") }

    /// M* = UVᵀ/√r, shape [rows, columns] (the same for both splits and every n).
    public func groundTruth() -> Tensor {
        var generator = root.stream("teacher")
        let u = Tensor(shape: [rows, rank], scalars: generator.gaussians(rows * rank))
        let v = Tensor(shape: [columns, rank], scalars: generator.gaussians(columns * rank))
        return Tensor.matmul(u, v, transposeB: true) * (1 / Double(rank).squareRoot())
    }

    /// The dataset: x [n, rows·columns] (the Aᵢ, row-major), y [n, 1].
    public func generate() -> Dataset {
        let m = groundTruth().reshaped([rows * columns])
        var measurements = root.stream(split.stream("measurements"))
        let x = Tensor(shape: [samples, rows * columns], scalars: measurements.gaussians(samples * rows * columns))
        var y = Tensor.matvec(x, m).reshaped([samples, 1])
        var noiseGenerator = root.stream(split.stream("noise"))
        if noise > 0 { for i in 0..<samples { y.scalars[i] += noise * noiseGenerator.gaussian() } }
        return Dataset(name: split.datasetName("matrix-sensing"), x: x, y: y)
    }
}
