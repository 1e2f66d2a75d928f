/// What a ``DataSource`` does to its raw data before training sees it, stated in words and formulas
/// for `biaslab data describe` (human and JSON output): which samples are kept, how inputs are scaled,
/// whether they are centred, and how targets are formed. Derived from the parsed source, so it states
/// exactly the options in effect (defaults included).
public struct DataPreprocessing: Codable, Equatable, Sendable {
    /// Which samples are kept, and in what order.
    public let subset: String
    /// How inputs x are produced or rescaled, and their layout.
    public let scaling: String
    /// Whether x is centred, and on which statistics.
    public let centering: String
    /// How targets y (and labels) are formed.
    public let targets: String
}

extension DataSource {
    /// The preprocessing this source applies (see each generator's documentation for the formulas).
    public var preprocessing: DataPreprocessing {
        switch self {
        case .fashionMNIST(let split, let options): Self.fashionMNIST(split, options)
        case .sparseRegression(let s):
            DataPreprocessing(
                subset: "all n = \(s.samples) generated samples" + Self.describe(s.split),
                scaling: "x ~ i.i.d. \(s.features == .gaussian ? "N(0, I_d)" : "Unif{±1}^d"), d = \(s.dimension), not rescaled",
                centering: "none",
                targets: "y = ⟨w*, x⟩ + ξ, w* \(s.sparsity)-sparse (\(s.supportValues == .ones ? "ones" : "N(0, 1)") on its support), \(Self.describe(s.noise))")
        case .teacherStudent(let t):
            DataPreprocessing(
                subset: "all n = \(t.samples) generated samples" + Self.describe(t.split),
                scaling: "x ~ N(0, I_d), d = \(t.inputDimension), not rescaled",
                centering: "none",
                targets: t.targets == .oneHot
                    ? "y = one-hot(argmax(teacher(x) + σε)), σ = \(t.noise), teacher a tanh MLP \(([t.inputDimension] + t.hidden + [t.outputs]).map(String.init).joined(separator: "-"))"
                    : "y = teacher(x) + σε, σ = \(t.noise), teacher a tanh MLP \(([t.inputDimension] + t.hidden + [t.outputs]).map(String.init).joined(separator: "-"))")
        case .matrixSensing(let m):
            DataPreprocessing(
                subset: "all n = \(m.samples) generated measurements" + Self.describe(m.split),
                scaling: "x = vec(A), A ∈ ℝ^\(m.rows)×\(m.columns) with i.i.d. N(0, 1) entries (row-major), not rescaled",
                centering: "none",
                targets: "y = ⟨A, M*⟩ + σε, σ = \(m.noise), M* = UVᵀ/√r of rank r = \(m.rank) (U, V i.i.d. N(0, 1))")
        case .gaussianMixture(let g):
            DataPreprocessing(
                subset: "all n = \(g.samples) generated samples, classes balanced (⌊n/k⌋ or ⌈n/k⌉ each), shuffled",
                scaling: "x = μ_label + σε, σ = \(g.sigma), μ_c = r·g_c/√d with r = \(g.separation), d = \(g.dimension); not rescaled",
                centering: "none",
                targets: "y = one-hot(label) ∈ ℝ^\(g.classes)")
        case .chebyshev(let c):
            DataPreprocessing(
                subset: "all n = \(c.points) points",
                scaling: "x_i = −1 + 2i/(n − 1), evenly spaced on [−1, 1]",
                centering: "none",
                targets: "y = T_\(c.degree)(x), the Chebyshev polynomial of the first kind")
        case .text(let t):
            DataPreprocessing(
                subset: "the \(t.split.rawValue) documents of \(t.corpus.name) (documents cut at `%` lines, else blank lines; validation = FNV-1a hash mod 10000 < \(t.validation)·10000), joined with newlines; windows at stride \(t.stride)" + (t.limit.map { ", the first \($0)" } ?? ""),
                scaling: "x = \(t.context) UTF-8 byte ids (vocabulary 256) per window, not rescaled",
                centering: "none",
                targets: "y = the next byte at each of the \(t.context) positions (next-token cross-entropy)")
        case .npz:
            DataPreprocessing(
                subset: "all samples of the file, in file order",
                scaling: "none: x as stored (converted to float64)",
                centering: "none",
                targets: "an integer y of shape [N] is read as labels and one-hot encoded; a float y is kept ([N] becomes [N, 1])")
        }
    }

    /// "" for the training split; the held-out convention for the test split.
    private static func describe(_ split: SyntheticSplit) -> String {
        split == .train ? "" : " (held-out test split: the same teacher, inputs and noise from the streams test/…)"
    }

    private static func describe(_ noise: SparseRegression.Noise) -> String {
        switch noise {
        case .none: "ξ = 0"
        case .gaussian(let sigma): "ξ ~ N(0, σ²), σ = \(sigma), fixed per sample"
        case .rademacher(let delta): "ξ ~ Unif{±δ}, δ = \(delta), fixed per sample"
        }
    }

    private static func fashionMNIST(_ split: FashionMNIST.Split, _ options: FashionMNIST.Options) -> DataPreprocessing {
        let classes = options.classes.map { Array(Set($0)).sorted() }
        let filter = classes.map { "classes \($0.map(String.init).joined(separator: "+")) only, then " } ?? ""
        let selection = switch options.selection {
        case .all: "every image of the \(split.rawValue) split"
        case .first(let n): "the first \(n) images of the \(split.rawValue) split in file order"
        case .perClass(let n, let seed):
            "\(n) images per class of the \(split.rawValue) split, a uniform random subset of each class "
                + "(Fisher–Yates, seed \(seed), stream fashion-mnist/\(split.rawValue)/class-<c>), kept in file order"
        }
        let layout = options.layout == .flat ? "flat [N, 784]" : "image [N, 1, 28, 28]"
        let centering = switch options.centering {
        case .none: "none (x ∈ [0, 1])"
        case .trainingMean: "x − μ, μ the per-pixel mean of the training images these options select (for the test split too)"
        }
        let target = classes.map { "y = one-hot(label) ∈ ℝ^\($0.count), labels renumbered 0..<\($0.count) by rank" }
            ?? "y = one-hot(label) ∈ ℝ^10"
        return DataPreprocessing(subset: filter + selection, scaling: "x = byte/255 ∈ [0, 1], \(layout)",
                                 centering: centering, targets: target)
    }
}
