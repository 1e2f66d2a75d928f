import Foundation

/// A dataset named by a one-line spec, shared by the CLI (`biaslab data describe SOURCE`) and configs.
///
/// Syntax:
/// ```
/// SOURCE := NAME | NAME ":" PARAM ("," PARAM)* | PATH.npz
/// PARAM  := KEY "=" VALUE | WORD          a bare WORD sets the source's first key (fashion-mnist: split)
/// lists  := VALUE ("+" VALUE)*            e.g. hidden=128+128, classes=0+6
/// ```
/// A spec ending in `.npz` (any case) is a file read by ``Dataset/load(npz:name:)``. Keys may come in
/// any order; each may appear once; unknown names or keys throw a ``DataError`` (`.invalidSpec`) that
/// names them and lists the valid ones. Sources, keys and defaults:
///
/// | name | keys (default) |
/// |---|---|
/// | `fashion-mnist` | `split` (train \| test), `n` (all; the first n), `per-class` (none; n per class, seeded), `seed` (0), `classes` (all; e.g. 0+6), `layout` (flat \| image), `center` (none \| training-mean) |
/// | `sparse-regression` | `n` (100), `d` (100), `k` (5), `features` (rademacher \| gaussian), `values` (ones \| gaussian), `noise` (0), `noise-kind` (rademacher \| gaussian), `seed` (0), `split` (train \| test) |
/// | `teacher-student` | `n` (512), `d` (20), `hidden` (128+128), `out` (4), `targets` (one-hot \| regression), `noise` (0), `seed` (0), `split` (train \| test) |
/// | `matrix-sensing` | `n` (100), `rows` (5), `cols` (5), `rank` (1), `noise` (0), `seed` (0), `split` (train \| test) |
/// | `gaussian-mixture` | `n` (512), `d` (20), `classes` (2), `sigma` (1), `separation` (3), `seed` (0) |
/// | `chebyshev` | `degree` (3), `n` (20) |
/// | `text` | `file` (the fortunes corpus; a path to a UTF-8 text file), `context` (64), `stride` (= context), `split` (train \| validation), `validation` (0.1), `n` (all windows; the first n) |
///
/// `split=test` draws a held-out set from the same teacher (w*, teacher network, M*) with inputs and noise
/// of its own (``SyntheticSplit``); ``groundTruth`` is the teacher of the linear sources.
///
/// Examples: `fashion-mnist:test`, `fashion-mnist:train,per-class=100,seed=3,classes=0+6`,
/// `sparse-regression:n=100,d=50,k=5,features=gaussian,seed=1`, `chebyshev:degree=4`, `runs/data.npz`,
/// `text:context=32,n=256` (byte windows of Debian's fortunes), `text:notes.txt,context=16,split=validation`.
/// The meaning of each key is in the doc comment of the type it fills (``FashionMNIST``,
/// ``SparseRegression``, ``TeacherStudent``, ``MatrixSensing``, ``GaussianMixture``, ``Chebyshev``, ``TextCorpus``).
public enum DataSource: Equatable, Sendable {
    case fashionMNIST(split: FashionMNIST.Split, options: FashionMNIST.Options)
    case sparseRegression(SparseRegression)
    case teacherStudent(TeacherStudent)
    case matrixSensing(MatrixSensing)
    case gaussianMixture(GaussianMixture)
    case chebyshev(Chebyshev)
    case text(TextCorpus)
    case npz(URL)

    /// Every source name with its keys, in the order errors list them.
    public static let keys: KeyValuePairs<String, [String]> = [
        "fashion-mnist": ["split", "n", "per-class", "seed", "classes", "layout", "center"],
        "sparse-regression": ["n", "d", "k", "features", "values", "noise", "noise-kind", "seed", "split"],
        "teacher-student": ["n", "d", "hidden", "out", "targets", "noise", "seed", "split"],
        "matrix-sensing": ["n", "rows", "cols", "rank", "noise", "seed", "split"],
        "gaussian-mixture": ["n", "d", "classes", "sigma", "separation", "seed"],
        "chebyshev": ["degree", "n"],
        "text": ["file", "context", "stride", "split", "validation", "n"],
    ]

    /// Parses a spec (see the type's documentation). Every error names the spec as its source.
    public init(parsing spec: String) throws(DataError) {
        do {
            self = try DataSource.parse(spec)
        } catch where error.source != spec {
            throw DataError(.invalidSpec, source: spec, error.problem)
        }
    }

    private static func parse(_ spec: String) throws(DataError) -> DataSource {
        let trimmed = spec.trimmingCharacters(in: .whitespaces)
        if trimmed.lowercased().hasSuffix(".npz") {
            return .npz(URL(fileURLWithPath: trimmed))
        }
        let name = String(trimmed.prefix { $0 != ":" })
        guard let validKeys = DataSource.keys.first(where: { $0.key == name })?.value else {
            throw DataError(.invalidSpec, source: spec,
                            "unknown data source '\(name)' (expected one of \(DataSource.keys.map(\.key).joined(separator: ", ")), or a path ending in .npz)")
        }
        let p = try SpecParameters(spec: spec, name: name, validKeys: validKeys)
        switch name {
        case "fashion-mnist":
            let split = try p.choice("split", default: FashionMNIST.Split.train)
            let seed = try p.seed()
            var options = FashionMNIST.Options()
            let first = try p.optionalInteger("n"), perClass = try p.optionalInteger("per-class")
            switch (first, perClass) {
            case (let n?, nil): options.selection = .first(n)
            case (nil, let n?): options.selection = .perClass(n, seed: seed)
            case (nil, nil): break
            case (_?, _?): throw DataError(.invalidSpec, source: spec, "keys 'n' and 'per-class' exclude each other; give one")
            }
            options.classes = try p.optionalIntegerList("classes")
            options.layout = try p.choice("layout", default: FashionMNIST.Layout.flat)
            options.centering = try p.choice("center", default: FashionMNIST.Centering.none,
                                             spelled: ["none": .none, "training-mean": .trainingMean])
            return .fashionMNIST(split: split, options: options)
        case "sparse-regression":
            let scale = try p.double("noise", default: 0)
            let noiseKind = try p.choice("noise-kind", default: SparseRegression.Features.rademacher)
            return .sparseRegression(try SparseRegression(
                samples: try p.integer("n", default: 100), dimension: try p.integer("d", default: 100),
                sparsity: try p.integer("k", default: 5),
                features: try p.choice("features", default: SparseRegression.Features.rademacher),
                supportValues: try p.choice("values", default: SparseRegression.SupportValues.ones),
                noise: scale == 0 ? .none : noiseKind == .gaussian ? .gaussian(scale) : .rademacher(scale),
                seed: try p.seed(), split: try p.choice("split", default: SyntheticSplit.train)))
        case "teacher-student":
            return .teacherStudent(try TeacherStudent(
                samples: try p.integer("n", default: 512), inputDimension: try p.integer("d", default: 20),
                hidden: try p.optionalIntegerList("hidden") ?? [128, 128], outputs: try p.integer("out", default: 4),
                targets: try p.choice("targets", default: TeacherStudent.Targets.oneHot),
                noise: try p.double("noise", default: 0), seed: try p.seed(), split: try p.choice("split", default: SyntheticSplit.train)))
        case "matrix-sensing":
            return .matrixSensing(try MatrixSensing(
                samples: try p.integer("n", default: 100), rows: try p.integer("rows", default: 5), columns: try p.integer("cols", default: 5),
                rank: try p.integer("rank", default: 1), noise: try p.double("noise", default: 0), seed: try p.seed(),
                split: try p.choice("split", default: SyntheticSplit.train)))
        case "gaussian-mixture":
            return .gaussianMixture(try GaussianMixture(
                samples: try p.integer("n", default: 512), dimension: try p.integer("d", default: 20),
                classes: try p.integer("classes", default: 2), sigma: try p.double("sigma", default: 1),
                separation: try p.double("separation", default: 3), seed: try p.seed()))
        case "text":
            let context = try p.integer("context", default: 64)
            let validation = try p.double("validation", default: 0.1)
            guard validation < 1 else { throw p.bad("validation", "a fraction in [0, 1)") }
            return .text(try TextCorpus(corpus: p.values["file"].map { .file(URL(fileURLWithPath: $0)) } ?? .fortunes,
                                        split: try p.choice("split", default: TextCorpus.Split.train), context: context,
                                        stride: try p.optionalInteger("stride"), validation: validation,
                                        limit: try p.optionalInteger("n")))
        default:  // "chebyshev"
            return .chebyshev(try Chebyshev(degree: try p.integer("degree", default: 3), points: try p.integer("n", default: 20)))
        }
    }

    /// Loads or generates the dataset.
    public func load() throws(DataError) -> Dataset {
        switch self {
        case .fashionMNIST(let split, let options): try FashionMNIST.load(split: split, options: options)
        case .sparseRegression(let generator): generator.generate()
        case .teacherStudent(let generator): generator.generate()
        case .matrixSensing(let generator): generator.generate()
        case .gaussianMixture(let generator): generator.generate()
        case .chebyshev(let generator): generator.generate()
        case .text(let corpus): try corpus.generate()
        case .npz(let url): try Dataset.load(npz: url)
        }
    }
}

extension DataSource {
    /// The teacher of a linear synthetic source, flattened: w* (`sparse-regression`) or vec(M*) row-major
    /// (`matrix-sensing`); nil for every other source. The same for both splits and every n.
    public var groundTruth: [Double]? {
        switch self {
        case .sparseRegression(let generator): generator.groundTruth().scalars
        case .matrixSensing(let generator): generator.groundTruth().scalars
        default: nil
        }
    }
}

/// The `key=value` pairs of one spec, read by type; errors name the spec and the key.
struct SpecParameters {
    let spec: String
    var values: [String: String] = [:]

    init(spec: String, name: String, validKeys: [String]) throws(DataError) {
        self.spec = spec
        let body = spec.dropFirst(name.count).drop { $0 == ":" }
        for (index, field) in body.split(separator: ",", omittingEmptySubsequences: true).enumerated() {
            let parts = field.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = parts.count == 2 ? String(parts[0]).trimmingCharacters(in: .whitespaces) : validKeys[0]
            let value = String(parts.count == 2 ? parts[1] : parts[0]).trimmingCharacters(in: .whitespaces)
            guard parts.count == 2 || index == 0 else {
                throw DataError(.invalidSpec, source: spec, "'\(field)' is not key=value (only the first parameter may be a bare value, for '\(validKeys[0])')")
            }
            guard validKeys.contains(key) else {
                throw DataError(.invalidSpec, source: spec, "unknown key '\(key)' for \(name) (valid keys: \(validKeys.joined(separator: ", ")))")
            }
            guard values[key] == nil else { throw DataError(.invalidSpec, source: spec, "key '\(key)' is given twice") }
            values[key] = value
        }
    }

    func bad(_ key: String, _ expected: String) -> DataError {
        DataError(.invalidSpec, source: spec, "key '\(key)' expects \(expected), got '\(values[key] ?? "")'")
    }

    func optionalInteger(_ key: String) throws(DataError) -> Int? {
        guard let text = values[key] else { return nil }
        guard let value = Int(text), value >= 0 else { throw bad(key, "a non-negative integer") }
        return value
    }

    func integer(_ key: String, default value: Int) throws(DataError) -> Int {
        try optionalInteger(key) ?? value
    }

    func seed() throws(DataError) -> UInt64 {
        guard let text = values["seed"] else { return 0 }
        guard let value = UInt64(text) else { throw bad("seed", "an integer in 0...\(UInt64.max)") }
        return value
    }

    func double(_ key: String, default value: Double) throws(DataError) -> Double {
        guard let text = values[key] else { return value }
        guard let parsed = Double(text), parsed.isFinite, parsed >= 0 else { throw bad(key, "a finite number ≥ 0") }
        return parsed
    }

    func optionalIntegerList(_ key: String) throws(DataError) -> [Int]? {
        guard let text = values[key] else { return nil }
        let items = text.split(separator: "+").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !items.isEmpty, items.allSatisfy({ $0 != nil && $0! >= 0 }) else {
            throw bad(key, "non-negative integers joined by '+' (e.g. 0+6)")
        }
        return items.map { $0! }
    }

    /// A value of a `String`-backed enum, spelled by its raw value unless `spelled` gives the spellings.
    func choice<T: RawRepresentable & CaseIterable>(_ key: String, default value: T, spelled: [String: T]? = nil) throws(DataError) -> T
    where T.RawValue == String {
        guard let text = values[key] else { return value }
        let spellings = spelled ?? Dictionary(uniqueKeysWithValues: T.allCases.map { ($0.rawValue, $0) })
        guard let parsed = spellings[text] else { throw bad(key, "one of \(spellings.keys.sorted().joined(separator: ", "))") }
        return parsed
    }
}
