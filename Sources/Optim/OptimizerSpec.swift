import Tensor

/// A bad optimizer name, preset or setting. The message is one line naming the input and what was expected.
public struct OptimizerSpecError: Error, Equatable, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// What an optimizer needs to know about the problem besides θ: its dimension, its blocks (Adam-mini:
/// one v per block; Adalayer: one v per layer) and the matrix shapes Adafactor factors.
public struct ProblemStructure: Codable, Equatable, Sendable {
    public let dimension: Int
    public let blocks: [ParameterBlock]
    public let matrixShapes: [MatrixShape]

    /// `blocks` default to one block covering θ. `matrixShapes` default to the blocks of rank ≥ 2 (a
    /// block of shape [n₀, n₁, …] is the row-major matrix n₀ × Π n₁…, e.g. a dense weight [out, in] or a
    /// convolution kernel [O, C·kh·kw]); coordinates in no matrix get one v per entry from Adafactor.
    public init(dimension: Int, blocks: [ParameterBlock]? = nil, matrixShapes: [MatrixShape]? = nil) {
        self.dimension = dimension
        self.blocks = blocks ?? ParameterBlock.whole(dimension)
        self.matrixShapes = matrixShapes ?? self.blocks.compactMap { block in
            guard let shape = block.shape, shape.count >= 2 else { return nil }
            return MatrixShape(range: block.range, rows: shape[0], columns: block.count / shape[0])
        }
    }
}

/// An optimizer chosen by name: `NAME[:preset]` plus setting overrides, e.g.
/// `adam:torch,lr=0.01,eps_placement=insideSqrt`, resolved once into typed hyperparameters.
///
/// The name is looked up in `OptimizerCatalog.presets` (a bare family name like `adam` means its default
/// preset, `adam:torch`). Overrides replace the preset's settings through `ValidatedSettings.applying`, the
/// one path for every edge (the `key=value` text here, command-line flags, YAML, sweep grids); keys are the
/// lower-case names listed by `biaslab optimizers` (`lr`, `beta1`, `beta2`, `eps`, `weight_decay`,
/// `weight_decay_mode`, `eps_placement`, `bias_correction`, `v_timing`, …) and convention values are the
/// enums' raw values.
///
/// ```swift
/// let spec = try OptimizerSpec(parsing: "adamw:torch,lr=3e-4")
/// var run = try spec.makeInstance(structure: ProblemStructure(dimension: theta.count))
/// run.step(parameters: &theta, gradient: g)
/// ```
public struct OptimizerSpec: Equatable, Sendable {
    /// The full preset name, e.g. `adam:torch`.
    public let preset: String
    /// The preset's hyperparameters with the overrides applied, validated.
    public let hyperparameters: any OptimizerSettings

    /// `name` is `NAME[:preset]`; throws listing the valid names when it is unknown, naming the key when
    /// an override is unknown, not of its key's type or out of range.
    public init(name: String, overrides: [String: SettingValue] = [:]) throws {
        guard let entry = OptimizerCatalog.entry(named: name.lowercased()) else {
            throw OptimizerSpecError("unknown optimizer '\(name)'; valid names: \(OptimizerCatalog.validNames.joined(separator: ", "))")
        }
        self.preset = entry.name
        self.hyperparameters = try entry.hyperparameters.applying(overrides, optimizer: entry.name)
    }

    /// Overrides given as text (`lr` = `"0.01"`), each read once as its key's type.
    public init(name: String, overrides: [String: String]) throws {
        try self.init(name: name, overrides: overrides.mapValues { SettingValue.text($0) })
    }

    /// Parses `NAME[:preset][,key=value]…`.
    public init(parsing text: String) throws {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingWhitespace() }
        var overrides: [String: SettingValue] = [:]
        for part in parts.dropFirst() {
            let pair = part.split(separator: "=", maxSplits: 1).map { $0.trimmingWhitespace() }
            guard pair.count == 2, !pair[0].isEmpty, !pair[1].isEmpty else {
                throw OptimizerSpecError("optimizer setting '\(part)' must be key=value, e.g. lr=0.01")
            }
            overrides[pair[0].lowercased()] = .text(pair[1])
        }
        try self.init(name: parts.first ?? "", overrides: overrides)
    }

    /// This optimizer with more overrides (e.g. command-line flags after a spec string).
    public func applying(_ overrides: [String: SettingValue]) throws -> OptimizerSpec {
        try OptimizerSpec(preset: preset, hyperparameters: hyperparameters.applying(overrides, optimizer: preset))
    }

    private init(preset: String, hyperparameters: any OptimizerSettings) {
        self.preset = preset
        self.hyperparameters = hyperparameters
    }

    /// The settings in display order (what `biaslab optimizers` prints for this spec).
    public var orderedSettings: [Setting] { hyperparameters.settings }

    /// The settings as text, for display and for comparing with reference implementations.
    public var settings: [String: String] {
        Dictionary(orderedSettings.map { ($0.key, $0.value.description) }, uniquingKeysWith: { _, b in b })
    }

    /// η, the base learning rate.
    public var learningRate: Double { hyperparameters.learningRate }

    /// Builds the optimizer (constant schedules) from the typed hyperparameters.
    public func makeOptimizer(structure: ProblemStructure) throws -> AnyOptimizer {
        try hyperparameters.makeOptimizer(structure: structure)
    }

    /// The optimizer with its initial state.
    public func makeInstance(structure: ProblemStructure) throws -> OptimizerInstance {
        OptimizerInstance(optimizer: try makeOptimizer(structure: structure), dimension: structure.dimension)
    }

    public static func == (a: OptimizerSpec, b: OptimizerSpec) -> Bool {
        a.preset == b.preset && a.orderedSettings == b.orderedSettings
    }
}

extension Substring {
    func trimmingWhitespace() -> String {
        String(drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}
