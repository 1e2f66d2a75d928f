import DataIO
import Foundation
import NN
import Optim

/// One training run, read from YAML or JSON and validated; every error names its key path.
///
/// ```yaml
/// name: gd-eos-fashion
/// model: mlp:784-200-200-10:tanh
/// data: {train: "fashion-mnist:train,n=1000", test: "fashion-mnist:test,n=1000"}
/// optimizer: {name: sgd, lr: 0.04}
/// training: {steps: 2000, batch_size: full, sampling: without-replacement}
/// probes:
///   - {name: train, every: 10}
///   - {name: sharpness, every: 10, options: {method: lanczos}}
/// ```
///
/// Every key, its accepted values and default: docs/CONFIG.md, generated from ``ConfigReference``
/// (`biaslab config-reference`); the defaults are ``Defaults``.
///
/// Overrides (`--set optimizer.beta2=0.99`, `--set probes.1.every=5`) edit the tree before it is
/// read, so they are validated like the file. The resolved tree is kept in ``document`` and stored
/// with the run as JSON; ``init(document:registry:)`` rebuilds an identical config from it on resume.
public struct RunConfig: Sendable {
    public var name: String
    /// Model (or analytic objective), training data and loss (`model`, `data.train`, `loss`), parsed once.
    public var problem: ProblemSpec
    /// Held-out data (`data.test`).
    public var testData: DataSource?
    public var optimizer: OptimizerSpec
    /// The schedules as written, their step counts in ``scheduleUnit`` (``resolvedSchedules(sampleCount:)`` gives them in steps).
    public var schedules: Schedules
    public var scheduleUnit: ScheduleUnit
    /// nil: steps from ``epochs``.
    public var steps: Int?
    public var epochs: Int?
    /// nil: the full batch (gradient descent).
    public var batchSize: Int?
    /// How batches are drawn (`training.sampling`; `training.sampler` is read as an older name).
    public var sampling: BatchSampling
    public var lastBatch: LastBatchPolicy
    public var checkpointEvery: Int
    /// How many of a run's latest checkpoints the store keeps while the run is unfinished
    /// (`training.checkpoint_keep`, ≥ 1); a run with a result keeps only its final checkpoint.
    public var checkpointKeep: Int
    public var stop: StopConditions
    public var seed: UInt64
    public var probes: [ProbeConfig]
    public var store: String
    /// The resolved config tree (after overrides).
    public var document: ConfigValue

    /// The value of each optional key when it is absent (docs/CONFIG.md states them from here).
    public enum Defaults {
        public static let loss = "mse"
        public static let sampling = BatchSampling.withoutReplacement
        public static let lastBatch = LastBatchPolicy.keep
        public static let checkpointEvery = 100
        public static let checkpointKeep = 2
        public static let divergenceFactor = 1000.0
        public static let seed = 0
        public static let probeEvery = 1
        public static let store = "runs.sqlite"
    }

    /// When a run ends early.
    public struct StopConditions: Equatable, Sendable {
        public var trainLossBelow: Double?
        public var trainAccuracyAbove: Double?
        /// Diverged when the batch loss is NaN/±∞ or exceeds this factor times the first step's batch loss.
        public var divergenceFactor: Double
    }

    /// One probe: a registered name, its cadence (in steps or epochs), and its options (validated by the probe).
    public struct ProbeConfig: Sendable {
        public var name: String
        /// `every: k` (steps) or `every_epochs: k`.
        public var cadence: ProbeCadence
        public var options: ConfigValue
        /// The key path of this entry, `probes[i]`.
        public var path: String
    }

    /// Reads a config file (YAML, or JSON by the same parser), applies `overrides` (`key.path=value`),
    /// and validates. The file's base name is the default run name.
    public static func load(contentsOf url: URL, overrides: [String] = [], registry: ProbeRegistry = .standard) throws -> RunConfig {
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw ConfigError(path: "", "cannot read config file \(url.path)")
        }
        var document = try ConfigValue.parse(yaml: text, source: url.path)
        if case .map(let m) = document, m["name"] == nil {
            try document.set(.string(url.deletingPathExtension().lastPathComponent), at: "name")
        }
        try applyOverrides(overrides, to: &document)
        return try RunConfig(document: document, registry: registry)
    }

    /// Applies `key.path=value` overrides, values typed as YAML scalars.
    public static func applyOverrides(_ overrides: [String], to document: inout ConfigValue) throws(ConfigError) {
        for item in overrides {
            guard let eq = item.firstIndex(of: "="), eq != item.startIndex else {
                throw ConfigError(path: item, "--set expects key.path=value, e.g. optimizer.beta2=0.99")
            }
            try document.set(ConfigValue.parse(scalar: String(item[item.index(after: eq)...])), at: String(item[..<eq]))
        }
    }

    /// The longest run name (in characters); a name is a label in listings and reports, not data.
    public static let maxNameLength = 256

    /// nil for a usable run name: 1 to ``maxNameLength`` characters, none of them a control character.
    public static func nameProblem(_ name: String) -> String? {
        if name.isEmpty || name.count > maxNameLength { return "must have 1 to \(maxNameLength) characters, got \(name.count)" }
        if name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) { return "must not contain control characters" }
        return nil
    }

    /// Reads and validates a config tree.
    public init(document: ConfigValue, registry: ProbeRegistry = .standard) throws(ConfigError) {
        self.document = document
        var root = try ConfigReader(document, path: "")
        name = try root.string("name", default: "run")
        if let problem = Self.nameProblem(name) { throw ConfigError(path: "name", problem) }
        let modelText = try root.requiredString("model")
        let model: ModelSpec
        do { model = try ModelSpec.parse(modelText) } catch { throw ConfigError(path: "model", "\(error)") }

        var trainText: String?, testText: String?
        switch root.value("data") {
        case .string(let s)?:
            trainText = s
        case nil where !model.needsData:
            break  // an analytic objective takes no data
        case let other:
            var data = try ConfigReader(other ?? .null, path: "data")
            trainText = try data.requiredString("train")
            testText = try data.string("test")
            try data.finish()
        }
        if !model.needsData, trainText != nil {
            throw ConfigError(path: "data", "model '\(modelText)' is an analytic objective and takes no data; remove the data key")
        }
        func source(_ text: String?, key: String) throws(ConfigError) -> DataSource? {
            guard let text else { return nil }
            do { return try DataSource(parsing: text) } catch { throw ConfigError(path: "data.\(key)", error.problem) }
        }
        let train = try source(trainText, key: "train")
        testData = try source(testText, key: "test")

        let lossText = try root.string("loss", default: Defaults.loss)
        let loss: Loss
        do { loss = try Loss.parse(lossText) } catch {
            throw ConfigError(path: "loss", "expected mse, mse:scale=<positive number>, ce, or next-token-ce, got '\(lossText)'")
        }
        var labelNoise: LabelNoise?
        if let text = try root.string("label_noise") {
            do { labelNoise = try LabelNoise.parse(text) } catch { throw ConfigError(path: "label_noise", error.description) }
        }
        problem = ProblemSpec(model: model, data: train, loss: loss, labelNoise: labelNoise)
        do { try problem.validate(testData: testData) } catch { throw ConfigError(error) }

        (optimizer, schedules, scheduleUnit) = try Self.readOptimizer(root.value("optimizer"))

        var training = try root.mapping("training")
        steps = try training.integer("steps", in: 0...Int.max)
        epochs = try training.integer("epochs", in: 0...Int.max)
        switch (steps, epochs) {
        case (nil, nil): throw ConfigError(path: "training.steps", "is required (or give training.epochs)")
        case (_?, _?): throw ConfigError(path: "training.epochs", "give either training.steps or training.epochs, not both")
        default: break
        }
        if case .string("full")? = training.value("batch_size") {
            batchSize = nil
        } else {
            batchSize = try training.integer("batch_size", in: 1...Int.max)
            if batchSize == nil { training.consume("batch_size") }
        }
        sampling = try Self.readSampling(&training)
        lastBatch = try training.choice("last_batch", default: Defaults.lastBatch)
        checkpointEvery = try training.integer("checkpoint_every", default: Defaults.checkpointEvery, in: 1...Int.max)
        checkpointKeep = try training.integer("checkpoint_keep", default: Defaults.checkpointKeep, in: 1...Int.max)
        try training.finish()

        var stopReader = try root.mapping("stop")
        stop = StopConditions(
            trainLossBelow: try stopReader.number("train_loss_below", expected: "≥ 0") { $0 >= 0 },
            trainAccuracyAbove: try stopReader.number("train_accuracy_above", expected: "in [0, 1]") { (0...1).contains($0) },
            divergenceFactor: try stopReader.number("divergence_factor", expected: "> 1") { $0 > 1 } ?? Defaults.divergenceFactor)
        try stopReader.finish()

        seed = UInt64(try root.integer("seed", default: Defaults.seed, in: 0...Int.max))

        probes = []
        for (i, item) in try root.list("probes").enumerated() {
            let path = "probes[\(i)]"
            var entry = try ConfigReader(item, path: path)
            let config = ProbeConfig(name: try entry.requiredString("name"), cadence: try Self.readCadence(&entry),
                                     options: entry.value("options") ?? .map([:]), path: path)
            try entry.finish()
            _ = try registry.make(config)  // validates the name and the options
            probes.append(config)
        }
        store = try root.string("store", default: Defaults.store)
        try root.finish()
    }

    /// `every: k` or `every_epochs: k` (not both); `every: 1` when neither is given.
    private static func readCadence(_ entry: inout ConfigReader) throws(ConfigError) -> ProbeCadence {
        let steps = try entry.integer("every", in: 1...Int.max)
        let epochs = try entry.integer("every_epochs", in: 1...Int.max)
        switch (steps, epochs) {
        case (_?, _?): throw ConfigError(path: entry.path(of: "every_epochs"), "give either every (steps) or every_epochs, not both")
        case (nil, let k?): return .epochs(k)
        default: return .steps(steps ?? Defaults.probeEvery)
        }
    }

    /// `training.sampling`, or its older name `training.sampler` (kept so stored configs still resume).
    private static func readSampling(_ training: inout ConfigReader) throws(ConfigError) -> BatchSampling {
        let current: BatchSampling? = try training.choice("sampling")
        let older: BatchSampling? = try training.choice("sampler")
        if current != nil, older != nil {
            throw ConfigError(path: "training.sampler", "give training.sampling only (sampler is its older name)")
        }
        return current ?? older ?? Defaults.sampling
    }

    /// `optimizer:` as a spec string or a mapping {name, settings…, schedule, weight_decay_schedule, schedule_unit}.
    private static func readOptimizer(_ value: ConfigValue?) throws(ConfigError) -> (OptimizerSpec, Schedules, ScheduleUnit) {
        var name: String
        var overrides: [String: SettingValue] = [:]
        var schedules = Schedules.constant
        var unit = ScheduleUnit.steps
        switch value {
        case nil: throw ConfigError(path: "optimizer", "is required (an optimizer name such as sgd or adam:torch)")
        case .string(let s)?: name = s
        case let other?:
            var reader = try ConfigReader(other, path: "optimizer")
            name = try reader.requiredString("name")
            if let s = try reader.string("schedule") {
                schedules.learningRate = try ScheduleSpec.parse(s, path: "optimizer.schedule")
            }
            if let s = try reader.string("weight_decay_schedule") {
                schedules.weightDecay = try ScheduleSpec.parse(s, path: "optimizer.weight_decay_schedule")
            }
            unit = try reader.choice("schedule_unit", default: ScheduleUnit.steps)
            for key in reader.unreadKeys { overrides[key.lowercased()] = reader.value(key)?.settingValue }
        }
        do {
            return (try OptimizerSpec(parsing: name).applying(overrides), schedules, unit)
        } catch let error as HyperparameterError {
            throw ConfigError(path: "optimizer.\(error.parameter)", "must be \(error.expected), got \(error.value)")
        } catch {
            throw ConfigError(path: "optimizer", "\(error)")
        }
    }

    /// The number of optimizer steps for a training set of `sampleCount` samples: `training.steps`,
    /// or `training.epochs` × ``stepsPerEpoch(sampleCount:)``.
    public func totalSteps(sampleCount: Int) -> Int {
        steps ?? (epochs ?? 0) * stepsPerEpoch(sampleCount: sampleCount)
    }

    /// The schedules with their step counts in optimizer steps (``ScheduleUnit/resolve(_:stepsPerEpoch:)``).
    public func resolvedSchedules(sampleCount: Int) -> Schedules {
        scheduleUnit.resolve(schedules, stepsPerEpoch: stepsPerEpoch(sampleCount: sampleCount))
    }

    /// The batches of one epoch over N = `sampleCount` samples at batch size b (N for the full batch):
    /// ⌈N/b⌉ with `last_batch: keep`, ⌊N/b⌋ with `drop`, and at least 1. The same count for every
    /// sampling scheme (with replacement, an "epoch" is this many steps).
    public func stepsPerEpoch(sampleCount: Int) -> Int {
        let b = batchSize ?? sampleCount
        guard b > 0 else { return 1 }
        return max(lastBatch == .keep ? (sampleCount + b - 1) / b : sampleCount / b, 1)
    }
}

extension ConfigValue {
    /// An optimizer setting: YAML numbers stay numbers, anything else is text read as its key's type.
    var settingValue: SettingValue {
        switch self {
        case .integer(let i): .number(Double(i))
        case .number(let d): .number(d)
        default: .text(text)
        }
    }
}
