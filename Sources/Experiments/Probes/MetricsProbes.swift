import NN

/// `train`: loss and accuracy on the whole training set, L(θ) = (1/N) Σᵢ ℓᵢ(θ) (``SupervisedObjective/metrics(at:batch:)``).
/// Metrics: `train_loss`, `train_accuracy` (classification data only). The runner checks the stop
/// conditions `train_loss_below` / `train_accuracy_above` on these values. No options.
public struct TrainMetricsProbe: Probe {
    public static let name = "train"
    public static let summary = "full training-set loss and accuracy: train_loss, train_accuracy"
    public init(options: inout ConfigReader) throws(ConfigError) {}

    public mutating func measure(_ context: ProbeContext) throws -> [String: Double] {
        Self.values(context.objective.metrics(at: context.parameters), prefix: "train")
    }

    static func values(_ metrics: Metrics, prefix: String) -> [String: Double] {
        var out = ["\(prefix)_loss": metrics.loss]
        if let accuracy = metrics.accuracy { out["\(prefix)_accuracy"] = accuracy }
        return out
    }
}

/// `test`: loss and accuracy on the held-out set (`data.test`). Metrics: `test_loss`, `test_accuracy`.
public struct TestMetricsProbe: Probe {
    public static let name = "test"
    public static let summary = "held-out loss and accuracy (needs data.test): test_loss, test_accuracy"
    public init(options: inout ConfigReader) throws(ConfigError) {}

    public func check(_ setup: ProbeSetup) throws(ConfigError) {
        guard setup.hasTestData else { throw ConfigError(path: setup.path, "the test probe needs data.test") }
    }

    public mutating func measure(_ context: ProbeContext) throws -> [String: Double] {
        guard let test = context.testObjective else { return [:] }
        return TrainMetricsProbe.values(test.metrics(at: context.parameters), prefix: "test")
    }
}
