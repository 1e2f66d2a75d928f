import Foundation
import Tensor

/// Fashion-MNIST (Xiao, Rasul & Vollgraf 2017, arXiv:1708.07747): 28×28 grey-scale images of clothing
/// in 10 classes, 60 000 for training (6 000 per class) and 10 000 for testing (1 000 per class), read
/// from Debian's `dataset-fashion-mnist` package (IDX files, gzip) at
/// `/usr/share/datasets/fashion-mnist/{train,t10k}-{images-idx3,labels-idx1}-ubyte.gz`.
///
/// ``load(split:directory:options:)`` applies exactly these steps, in this order:
/// 1. **Class filter** (`options.classes`): keep the images whose label is in the set.
/// 2. **Selection** (`options.selection`): `.all`; `.first(n)`, the first n remaining images in file
///    order; or `.perClass(n, seed:)`, for each kept class c a uniformly random n-subset of its images —
///    the first n entries of a Fisher–Yates permutation of that class's images (in file order) drawn from
///    `RandomGenerator(seed: seed, stream: "fashion-mnist/<split>/class-<c>")`. The selected images are
///    returned in file order.
/// 3. **Scaling**: x = byte / 255 ∈ [0, 1].
/// 4. **Centering** (`options.centering`): `.trainingMean` subtracts from each pixel j its mean μⱼ over
///    the *training* images chosen by steps 1–2 with the same options (for the test split too, so no
///    test statistics leak in). `.none` leaves x in [0, 1].
/// 5. **Labels and targets**: with a class subset, labels are renumbered 0..<C by their rank in the
///    sorted class list (classes [2, 7] become 0 and 1); y is the one-hot [N, C] matrix (C = 10 without
///    a subset), the MSE target.
/// 6. **Layout**: `.flat` gives x of shape [N, 784] (row-major pixels); `.image` gives [N, 1, 28, 28].
public enum FashionMNIST {
    public enum Split: String, CaseIterable, Codable, Sendable {
        case train, test

        /// The file-name prefix Debian (and the original release) uses.
        var filePrefix: String { self == .train ? "train" : "t10k" }
    }

    /// Which images of the split to keep (after the class filter).
    public enum Selection: Equatable, Sendable {
        case all
        /// The first n images in file order.
        case first(Int)
        /// n images of each class, chosen uniformly at random with the seed (see the type's doc).
        case perClass(Int, seed: UInt64)
    }

    public enum Layout: String, CaseIterable, Codable, Sendable {
        /// [N, 784].
        case flat
        /// [N, 1, 28, 28] (channels first).
        case image
    }

    public enum Centering: String, CaseIterable, Codable, Sendable {
        /// x ∈ [0, 1].
        case none
        /// x − μ, with μ the per-pixel mean of the selected training images.
        case trainingMean
    }

    public struct Options: Equatable, Sendable {
        public var selection: Selection
        /// The classes to keep (any order; duplicates ignored), or nil for all ten.
        public var classes: [Int]?
        public var layout: Layout
        public var centering: Centering

        public init(selection: Selection = .all, classes: [Int]? = nil, layout: Layout = .flat, centering: Centering = .none) {
            self.selection = selection
            self.classes = classes
            self.layout = layout
            self.centering = centering
        }
    }

    /// The images of a split as bytes, before any preprocessing.
    public struct RawSplit: Sendable {
        /// count × 784 bytes, image after image, row-major.
        public var pixels: [UInt8]
        public var labels: [Int]
        public var count: Int { labels.count }
    }

    public static let directory = URL(fileURLWithPath: "/usr/share/datasets/fashion-mnist")
    public static let pixelsPerImage = 28 * 28
    public static let classNames = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]

    /// The preprocessed split; see the type's documentation for the exact steps.
    public static func load(split: Split = .train, directory: URL = directory, options: Options = Options()) throws(DataError) -> Dataset {
        let (raw, source) = try readSplit(split, directory: directory)
        let classes = try classList(options.classes, source: directory.path)
        let indices = try select(labels: raw.labels, classes: classes, selection: options.selection, split: split, source: source)
        let d = pixelsPerImage
        var scalars = [Double](repeating: 0, count: indices.count * d)
        raw.pixels.withUnsafeBufferPointer { pixels in
            for (row, index) in indices.enumerated() {
                for j in 0..<d { scalars[row * d + j] = Double(pixels[index * d + j]) / 255 }
            }
        }
        if options.centering == .trainingMean {
            let mean = try trainingMean(split == .train ? (raw, indices) : nil, directory: directory, classes: classes, options: options)
            for row in 0..<indices.count {
                for j in 0..<d { scalars[row * d + j] -= mean[j] }
            }
        }
        let rank = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, $0) })
        let labels = indices.map { rank[raw.labels[$0]]! }
        let shape = options.layout == .flat ? [indices.count, d] : [indices.count, 1, 28, 28]
        return Dataset(name: "fashion-mnist:\(split.rawValue)", x: Tensor(shape: shape, scalars: scalars),
                       labels: labels, classes: classes.count)
    }

    /// The bytes and labels of a split, with the counts and label range checked.
    public static func loadRaw(split: Split, directory: URL = directory) throws(DataError) -> RawSplit {
        try readSplit(split, directory: directory).raw
    }

    static func readSplit(_ split: Split, directory: URL) throws(DataError) -> (raw: RawSplit, source: String) {
        guard FileManager.default.fileExists(atPath: directory.path) else {
            throw DataError(.notFound, source: directory.path,
                            "Fashion-MNIST not found; install it with `apt-get install dataset-fashion-mnist`")
        }
        let imagesURL = directory.appendingPathComponent("\(split.filePrefix)-images-idx3-ubyte.gz")
        let labelsURL = directory.appendingPathComponent("\(split.filePrefix)-labels-idx1-ubyte.gz")
        let images = try IDX.read(imagesURL)
        let labels = try IDX.read(labelsURL)
        guard images.shape.count == 3, images.shape[1] == 28, images.shape[2] == 28 else {
            throw DataError(.corrupt, source: imagesURL.path, "images have shape \(images.shape); expected [N, 28, 28]")
        }
        guard labels.shape == [images.shape[0]] else {
            throw DataError(.corrupt, source: labelsURL.path, "labels have shape \(labels.shape); expected [\(images.shape[0])] to match the images")
        }
        if let bad = labels.bytes.first(where: { $0 > 9 }) {
            throw DataError(.corrupt, source: labelsURL.path, "label \(bad) outside 0–9")
        }
        return (RawSplit(pixels: images.bytes, labels: labels.bytes.map(Int.init)), imagesURL.path)
    }

    /// The sorted distinct class list, checked to lie in 0–9.
    static func classList(_ classes: [Int]?, source: String) throws(DataError) -> [Int] {
        guard let classes else { return Array(0..<10) }
        let list = Array(Set(classes)).sorted()
        guard !list.isEmpty, list.allSatisfy({ (0..<10).contains($0) }) else {
            throw DataError(.invalidValue, source: source, "class subset \(classes) must be non-empty and within 0–9")
        }
        return list
    }

    /// Steps 1–2: the indices (file order) kept by the class filter and the selection.
    static func select(labels: [Int], classes: [Int], selection: Selection, split: Split, source: String) throws(DataError) -> [Int] {
        let allowed = Set(classes)
        let kept = labels.indices.filter { allowed.contains(labels[$0]) }
        switch selection {
        case .all:
            return kept
        case .first(let n):
            guard n >= 0 && n <= kept.count else {
                throw DataError(.invalidValue, source: source, "asked for the first \(n) images, but the \(split.rawValue) split has \(kept.count) in classes \(classes)")
            }
            return Array(kept.prefix(n))
        case .perClass(let n, let seed):
            var chosen: [Int] = []
            for c in classes {
                let members = kept.filter { labels[$0] == c }
                guard n >= 0 && n <= members.count else {
                    throw DataError(.invalidValue, source: source, "asked for \(n) images of class \(c), but the \(split.rawValue) split has \(members.count)")
                }
                var generator = RandomGenerator(seed: seed, stream: "fashion-mnist/\(split.rawValue)/class-\(c)")
                chosen += generator.permutation(members.count).prefix(n).map { members[$0] }
            }
            return chosen.sorted()
        }
    }

    /// Per-pixel mean (of byte / 255) over the training images the options select.
    static func trainingMean(_ selected: (RawSplit, [Int])?, directory: URL, classes: [Int], options: Options) throws(DataError) -> [Double] {
        let (raw, indices): (RawSplit, [Int])
        if let selected {
            (raw, indices) = selected
        } else {
            let (train, source) = try readSplit(.train, directory: directory)
            (raw, indices) = (train, try select(labels: train.labels, classes: classes, selection: options.selection, split: .train, source: source))
        }
        let d = pixelsPerImage
        var sums = [Int](repeating: 0, count: d)
        for index in indices {
            for j in 0..<d { sums[j] += Int(raw.pixels[index * d + j]) }
        }
        let n = Double(max(indices.count, 1))
        return sums.map { Double($0) / 255 / n }
    }
}
