import ArgumentParser
import DataIO
import Foundation

/// `biaslab data`: inspect the datasets BiasLab can load or generate.
struct DataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data",
        abstract: "Inspect datasets: Fashion-MNIST, .npz files and the papers' synthetic generators.",
        discussion: """
            SOURCE is NAME[:KEY=VALUE,...] or a path ending in .npz. Names: \
            \(DataSource.keys.map(\.key).joined(separator: ", ")). Lists join values with '+'.

            Examples:
              biaslab data describe fashion-mnist:test --json
              biaslab data describe sparse-regression:n=100,d=50,k=5,features=gaussian,seed=1
              biaslab data describe text:context=32,n=100
              biaslab data describe runs/data.npz
            """,
        subcommands: [Describe.self])

    /// `biaslab data describe SOURCE [--json]`.
    struct Describe: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a dataset's sample count, shapes, label counts and preprocessing (subset, scaling, centring).",
            discussion: """
                Keys per source: \
                \(DataSource.keys.map { "\($0.key) (\($0.value.joined(separator: ", ")))" }.joined(separator: "; ")).

                With --json, prints one object: {"label_counts":{"0":…},"n":…,"name":…,"preprocessing":{"centering":…,
                "scaling":…,"subset":…,"targets":…},"x_shape":[…],"y_shape":[…]}; label_counts is null for regression
                data. preprocessing states which samples are kept, how x is scaled and centred, and how y is formed.

                Examples:
                  biaslab data describe fashion-mnist:train,per-class=100,seed=3 --json
                  biaslab data describe chebyshev:degree=4,n=20
                """)

        @Argument(help: "The data source: NAME[:KEY=VALUE,...] or a path ending in .npz.")
        var source: String

        @OptionGroup var output: OutputOptions

        func run() throws {
            let parsed: DataSource, dataset: Dataset
            do {
                parsed = try DataSource(parsing: source)
                dataset = try parsed.load()
            } catch {
                throw UsageError(error.description)
            }
            let summary = DatasetSummary(dataset, preprocessing: parsed.preprocessing)
            if output.json {
                try JSONOutput.print(summary)
            } else {
                print(summary.text)
            }
        }
    }
}

/// What `data describe` reports; `--json` prints it with snake_case keys.
struct DatasetSummary: Encodable {
    let name: String
    let n: Int
    let xShape: [Int]
    let yShape: [Int]
    /// Samples per label, keyed by the label as a string; null for regression data.
    let labelCounts: [String: Int]?
    /// The source's subset rule, scaling, centring and targets.
    let preprocessing: DataPreprocessing

    init(_ dataset: Dataset, preprocessing: DataPreprocessing) {
        self.preprocessing = preprocessing
        name = dataset.name
        n = dataset.count
        xShape = dataset.x.shape
        yShape = dataset.y.shape
        labelCounts = dataset.labelCounts.map { counts in
            Dictionary(uniqueKeysWithValues: counts.map { (String($0.key), $0.value) })
        }
    }

    enum CodingKeys: String, CodingKey { case name, n, xShape, yShape, labelCounts, preprocessing }

    func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(n, forKey: .n)
        try container.encode(xShape, forKey: .xShape)
        try container.encode(yShape, forKey: .yShape)
        try container.encode(labelCounts, forKey: .labelCounts)  // null when there are no labels
        try container.encode(preprocessing, forKey: .preprocessing)
    }

    var text: String {
        var lines = ["\(name): \(n) samples", "  x: \(xShape)", "  y: \(yShape)"]
        if let labelCounts {
            let sorted = labelCounts.sorted { Int($0.key)! < Int($1.key)! }
            lines.append("  labels: " + sorted.map { "\($0.key): \($0.value)" }.joined(separator: ", "))
        } else {
            lines.append("  labels: none (y holds the targets)")
        }
        lines += ["  subset: \(preprocessing.subset)", "  scaling: \(preprocessing.scaling)",
                  "  centering: \(preprocessing.centering)", "  targets: \(preprocessing.targets)"]
        return lines.joined(separator: "\n")
    }
}
