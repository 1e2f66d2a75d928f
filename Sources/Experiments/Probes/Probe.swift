import DataIO
import Curvature
import Foundation
import NN
import Optim
import Tensor

/// A measurement taken during training every k steps, registered by name in a ``ProbeRegistry``.
///
/// A probe reads its options once (``init(options:)``, which must reject bad ones with a
/// ``ConfigError`` naming the key path), may check the run it joins (``check(_:)``), and then
/// measures at θ_t before the update of step t (``measure(_:)``), returning named values that become
/// rows of the `metrics` table. A probe with memory (a warm-start eigenvector) saves it through
/// ``encodedState()`` so that a resumed run measures bit-identically. Stochastic probes draw from
/// ``ProbeContext/seed``, derived from (run seed, probe name, step), never from a shared generator.
///
/// To add a theory quantity: write a conforming type (one file in Probes/) and add it to
/// ``ProbeRegistry/standard``, or register it on a registry passed to the runner. Its
/// ``documentation`` lists its options (``ProbeOption``s, which are also how it reads them) and the
/// metrics it records (``ProbeMetric``s, whose names it writes); `biaslab probes` prints it.
public protocol Probe {
    /// Name, options with defaults, metrics with formulas.
    static var documentation: ProbeDescription { get }
    /// Reads the probe's `options` mapping; call `options.finish()` to reject unknown keys.
    init(options: inout ConfigReader) throws(ConfigError)
    /// Throws when the probe cannot run in this setting (no test set, a non-adaptive optimizer…).
    func check(_ setup: ProbeSetup) throws(ConfigError)
    /// The metric values at the context's θ.
    mutating func measure(_ context: ProbeContext) throws -> [String: Double]
    /// The probe's memory as JSON, or nil for a stateless probe.
    func encodedState() throws -> Data?
    /// Restores memory saved by ``encodedState()``.
    mutating func restoreState(from data: Data) throws
}

extension Probe {
    /// The name configs use (`sharpness`).
    public static var name: String { documentation.name }
    public func check(_ setup: ProbeSetup) throws(ConfigError) {}
    public func encodedState() throws -> Data? { nil }
    public mutating func restoreState(from data: Data) throws {}
}

/// What a probe may check before the run starts.
public struct ProbeSetup {
    /// The key path of the probe's config entry, for errors (`probes[2]`).
    public let path: String
    public let hasTestData: Bool
    /// True when the optimizer has a diagonal preconditioner (Adam, RMSprop, …).
    public let optimizerIsAdaptive: Bool
    /// How the run draws its batches (`training.sampling`).
    public let sampling: BatchSampling
    public let sampleCount: Int
    public let dimension: Int
    /// The model trained on data (nil for analytic objectives).
    public var model: (any Model)? = nil
    /// The training source's teacher (``DataSource/groundTruth``: w*, vec(M*)), nil when it has none.
    public var groundTruth: [Double]? = nil
}

extension ProbeSetup {
    /// Throws naming the probe's entry unless the run's batches are drawn at random (every scheme but
    /// `fixed-order`): the check of each probe that measures a batch moment (ρ_b, IAS, batch sharpness).
    public func requireRandomBatches(probe: String) throws(ConfigError) {
        do { try sampling.requireRandomBatches(for: "the \(probe) probe") } catch {
            throw ConfigError(path: path, "\(error.description); set training.sampling")
        }
    }
}

/// Everything a probe sees at one measurement: θ_t before step t's update, and the run around it.
public struct ProbeContext {
    /// t: the number of updates already applied.
    public let step: Int
    public let parameters: [Double]
    /// The training objective (mean loss over the training set).
    public let objective: any Objective
    public let testObjective: (any Objective)?
    /// The optimizer with its state after t updates.
    public let optimizer: OptimizerInstance
    /// The optimizer's hyperparameters (preset plus overrides), typed.
    public let hyperparameters: any OptimizerSettings
    /// η_t = η · s(t), the learning rate the update of step t uses.
    public let learningRate: Double
    /// b (N for full batch) and how batches are drawn, for noise and interaction measures.
    public let batchSize: Int
    public let sampling: BatchSampling
    /// The seed for this probe at this step.
    public let seed: UInt64
    /// The training source's teacher (``DataSource/groundTruth``), nil when it has none.
    public var groundTruth: [Double]? = nil
}

/// Probes by name. ``standard`` holds every built-in probe.
public struct ProbeRegistry {
    public private(set) var types: [String: any Probe.Type] = [:]
    /// The probes in registration order (the order `biaslab probes` lists them).
    public private(set) var ordered: [any Probe.Type] = []

    public init(_ types: [any Probe.Type]) {
        for t in types { register(t) }
    }

    public mutating func register(_ type: any Probe.Type) {
        ordered.removeAll { $0.name == type.name }
        ordered.append(type)
        types[type.name] = type
    }

    /// Every built-in probe.
    public static var standard: ProbeRegistry {
        ProbeRegistry([TrainMetricsProbe.self, TestMetricsProbe.self, SharpnessProbe.self,
                       PreconditionedSharpnessProbe.self, InteractionProbe.self, BatchSharpnessProbe.self,
                       HessianTraceProbe.self, AdaptiveSharpnessProbe.self, GradientNoiseProbe.self,
                       LossChangeProbe.self, AlignmentProbe.self, RecoveryProbe.self, TheoryProbe.self])
    }

    /// A probe built from its config entry; throws naming the entry on an unknown name or bad options.
    public func make(_ config: RunConfig.ProbeConfig) throws(ConfigError) -> any Probe {
        guard let type = types[config.name] else {
            throw ConfigError(path: "\(config.path).name", "unknown probe '\(config.name)' (valid probes: \(types.keys.sorted().joined(separator: ", ")))")
        }
        var options = try ConfigReader(config.options, path: "\(config.path).options")
        let probe = try type.init(options: &options)
        try options.finish()
        return probe
    }
}

extension ProbeContext {
    /// The eigenvector-like warm start kept by a probe, if it fits this problem.
    static func warmStart(_ vector: [Double]?, dimension: Int) -> [Double]? {
        guard let v = vector, v.count == dimension, v.allSatisfy(\.isFinite), v.contains(where: { $0 != 0 }) else { return nil }
        return v
    }
}
