import NN

/// `train`: loss and accuracy on the whole training set, L(θ) = (1/N) Σᵢ ℓᵢ(θ) (``SupervisedObjective/metrics(at:batch:)``).
/// The runner checks the stop conditions `train_loss_below` / `train_accuracy_above` on these values.
/// No options; metrics: ``documentation``.
public struct TrainMetricsProbe: Probe {
    public static let documentation = ProbeDescription(
        name: "train", summary: "loss and accuracy on the whole training set", reference: reference,
        metrics: metrics(prefix: "train", set: "the N training samples"))
    static let reference = "the mean loss of README § Conventions (Losses)"
    /// `train_loss` and `train_accuracy` (the stop conditions read them).
    static let loss = documentation.metrics[0], accuracy = documentation.metrics[1]
    public init(options: inout ConfigReader) throws(ConfigError) {}

    public mutating func measure(_ context: ProbeContext) throws -> [String: Double] {
        Self.values(context.objective.metrics(at: context.parameters), prefix: "train")
    }

    /// The metrics of a loss/accuracy probe over `set`: loss, accuracy, and a language model's perplexity.
    static func metrics(prefix: String, set: String) -> [ProbeMetric] {
        [ProbeMetric("\(prefix)_loss", "(1/N) Σᵢ ℓᵢ(θ) over \(set)"),
         ProbeMetric("\(prefix)_accuracy", "the fraction of \(set) whose argmax output is the label (per position for next-token-ce)",
                     only: "classification data and next-token-ce"),
         ProbeMetric("\(prefix)_perplexity", "exp(\(prefix)_loss), the perplexity", only: "next-token-ce")]
    }

    static func values(_ metrics: Metrics, prefix: String) -> [String: Double] {
        let names = Self.metrics(prefix: prefix, set: "").map(\.name)
        var out = [names[0]: metrics.loss]
        if let accuracy = metrics.accuracy { out[names[1]] = accuracy }
        if let perplexity = metrics.perplexity { out[names[2]] = perplexity }
        return out
    }
}

/// `test`: loss and accuracy on the held-out set (`data.test`). Metrics: ``documentation``.
public struct TestMetricsProbe: Probe {
    public static let documentation = ProbeDescription(
        name: "test", summary: "loss and accuracy on the held-out set (needs data.test)", reference: TrainMetricsProbe.reference,
        metrics: TrainMetricsProbe.metrics(prefix: "test", set: "the held-out samples of data.test"))
    /// `test_loss` and `test_accuracy`.
    static let loss = documentation.metrics[0], accuracy = documentation.metrics[1]
    public init(options: inout ConfigReader) throws(ConfigError) {}

    public func check(_ setup: ProbeSetup) throws(ConfigError) {
        guard setup.hasTestData else { throw ConfigError(path: setup.path, "the test probe needs data.test") }
    }

    public mutating func measure(_ context: ProbeContext) throws -> [String: Double] {
        guard let test = context.testObjective else { return [:] }
        return TrainMetricsProbe.values(test.metrics(at: context.parameters), prefix: "test")
    }
}
