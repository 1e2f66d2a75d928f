import Foundation
import Tensor

/// A supervised dataset held in memory: N inputs and N targets, with integer class labels when the task
/// is classification.
///
/// - `x`: inputs, shape [N, …] (e.g. [N, 784] or [N, 1, 28, 28]).
/// - `y`: real-valued targets, shape [N, k] — one-hot rows for classification trained with MSE, or
///   regression targets (k = 1 for scalar regression).
/// - `labels`: the class index of each sample (0..<k) for classification, nil for regression.
///
/// A plain value: copying is cheap (copy-on-write tensors), and every helper returns a new dataset.
public struct Dataset: Sendable, Equatable {
    /// A short name for reports and logs, e.g. `fashion-mnist:train` or `sparse-regression`.
    public var name: String
    public var x: Tensor
    public var y: Tensor
    public var labels: [Int]?

    /// A dataset over `x` [N, …] and `y` [N, k]. Traps when the sample counts disagree, or when
    /// `labels` is given with a count other than N (a programming error; loaders check files first).
    public init(name: String, x: Tensor, y: Tensor, labels: [Int]? = nil) {
        precondition(x.rank >= 1 && y.rank >= 1, "Dataset \(name): x and y need a sample axis, got shapes \(x.shape) and \(y.shape)")
        precondition(x.shape[0] == y.shape[0], "Dataset \(name): x has \(x.shape[0]) samples but y has \(y.shape[0])")
        precondition(labels.map { $0.count == x.shape[0] } ?? true,
                     "Dataset \(name): \(labels?.count ?? 0) labels for \(x.shape[0]) samples")
        self.name = name
        self.x = x
        self.y = y
        self.labels = labels
    }

    /// A classification dataset whose targets are the one-hot rows of `labels` over `classes` classes.
    public init(name: String, x: Tensor, labels: [Int], classes: Int) {
        self.init(name: name, x: x, y: Dataset.oneHot(labels, classes: classes), labels: labels)
    }

    /// Number of samples N.
    public var count: Int { x.shape[0] }

    /// The shape of one input (x's shape without the sample axis).
    public var inputShape: [Int] { Array(x.shape.dropFirst()) }

    /// The samples at `indices`, in that order (repeats allowed).
    public func subset(_ indices: [Int], name: String? = nil) -> Dataset {
        Dataset(name: name ?? self.name, x: x.rows(indices), y: y.rows(indices), labels: labels.map { l in indices.map { l[$0] } })
    }

    /// How many samples carry each label (nil for regression data).
    public var labelCounts: [Int: Int]? {
        labels.map { Dictionary($0.map { ($0, 1) }, uniquingKeysWith: +) }
    }

    /// The most classes a classification dataset may have (2²⁰): its one-hot targets are dense [N, classes],
    /// so the class count read from a file or spec is bounded before they are built.
    public static let maxClasses = 1 << 20

    /// nil when `classes` one-hot targets for `samples` samples can be built; otherwise the problem in one line.
    public static func oneHotProblem(samples: Int, classes: Int) -> String? {
        guard classes <= maxClasses else { return "\(classes) classes, more than the limit of \(maxClasses) (2²⁰) for one-hot targets" }
        return InputSizeLimit.problem("the one-hot target matrix", [samples, classes])
    }

    /// The [N, classes] matrix whose row i is the indicator of `labels[i]`. Traps on a label outside
    /// 0..<classes (callers check input with ``oneHotProblem(samples:classes:)`` and the label range).
    public static func oneHot(_ labels: [Int], classes: Int) -> Tensor {
        var out = Tensor.zeros([labels.count, classes])
        for (i, label) in labels.enumerated() {
            precondition(label >= 0 && label < classes, "oneHot: label \(label) outside 0..<\(classes)")
            out.scalars[i * classes + label] = 1
        }
        return out
    }
}

extension Dataset {
    /// Loads a dataset from an `.npz` archive holding arrays `x` and `y` (as written by
    /// `np.savez(path, x=x, y=y)` or ``write(npz:)``).
    ///
    /// - `x` keeps its shape [N, …].
    /// - An **integer** `y` (int64, uint8 or int8) of shape [N] is read as class labels: `labels` gets its
    ///   values and `y` becomes their one-hot float64 matrix [N, max(label)+1] (the MSE target).
    ///   Negative labels throw.
    /// - A float `y` of shape [N] becomes [N, 1]; [N, k] is kept as it is. `labels` is then nil, unless
    ///   the archive also has an integer 1-D array `labels` (as ``write(npz:)`` stores it).
    ///
    /// Missing `x` or `y`, or sample counts that disagree, throw a ``DataError`` naming the file.
    public static func load(npz url: URL, name: String? = nil) throws(DataError) -> Dataset {
        let source = url.path
        let arrays = try NPZ.readArrays(from: url)
        func array(_ key: String) throws(DataError) -> NPYArray {
            guard let array = arrays[key] else {
                throw DataError(.missingKey, source: source,
                                "missing key '\(key)' (expected arrays 'x' and 'y'; found \(arrays.keys.sorted().map { "'\($0)'" }.joined(separator: ", ")))")
            }
            return array
        }
        let x = try array("x"), y = try array("y")
        guard x.tensor.rank >= 1, y.tensor.rank >= 1, x.tensor.shape[0] == y.tensor.shape[0] else {
            throw DataError(.corrupt, source: source, "'x' has shape \(x.tensor.shape) and 'y' has shape \(y.tensor.shape); expected the same first extent N")
        }
        let datasetName = name ?? url.deletingPathExtension().lastPathComponent
        if y.dtype.isInteger && y.tensor.rank == 1 {
            let labels = y.integers ?? []
            if let negative = labels.first(where: { $0 < 0 }) {
                throw DataError(.invalidValue, source: source, "integer 'y' holds the label \(negative); expected labels ≥ 0")
            }
            let classes = (labels.max() ?? -1) + 1
            if let problem = oneHotProblem(samples: labels.count, classes: classes) {
                throw DataError(.invalidValue, source: source, "integer 'y' holds the label \(classes - 1): \(problem)")
            }
            return Dataset(name: datasetName, x: x.tensor, labels: labels, classes: classes)
        }
        let targets = y.tensor.rank == 1 ? y.tensor.reshaped([y.tensor.shape[0], 1]) : y.tensor
        var labels: [Int]? = nil
        if let stored = arrays["labels"], stored.dtype.isInteger, stored.tensor.shape == [x.tensor.shape[0]] {
            labels = stored.integers
        }
        return Dataset(name: datasetName, x: x.tensor, y: targets, labels: labels)
    }

    /// Writes `x` and `y` as float64 and, for classification data, `labels` as int64, to an
    /// uncompressed `.npz` archive that ``load(npz:name:)`` and `np.load` read back.
    public func write(npz url: URL) throws(DataError) {
        var arrays = ["x": NPYArray(x), "y": NPYArray(y)]
        if let labels { arrays["labels"] = NPYArray(Tensor(labels.map(Double.init)), dtype: .int64) }
        try NPZ.write(arrays: arrays, to: url)
    }
}
