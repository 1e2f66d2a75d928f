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
/// `adam:torch,lr=0.01,eps_placement=insideSqrt`.
///
/// The name is looked up in `OptimizerCatalog.presets` (a bare family name like `adam` means its default
/// preset, `adam:torch`). Overrides replace the preset's settings; keys are the lower-case names listed by
/// `biaslab optimizers` (`lr`, `beta1`, `beta2`, `eps`, `weight_decay`, `weight_decay_mode`,
/// `eps_placement`, `bias_correction`, `v_timing`, …) and convention values are the enums' raw values.
///
/// ```swift
/// let spec = try OptimizerSpec(parsing: "adamw:torch,lr=3e-4")
/// var run = try spec.makeInstance(structure: ProblemStructure(dimension: theta.count))
/// run.step(parameters: &theta, gradient: g)
/// ```
public struct OptimizerSpec: Codable, Equatable, Sendable {
    /// The full preset name, e.g. `adam:torch`.
    public let preset: String
    /// Settings that replace the preset's.
    public let overrides: [String: String]

    /// `name` is `NAME[:preset]`; throws listing the valid names when it is unknown.
    public init(name: String, overrides: [String: String] = [:]) throws {
        let key = name.lowercased()
        guard let entry = OptimizerCatalog.entry(named: key) else {
            throw OptimizerSpecError("unknown optimizer '\(name)'; valid names: \(OptimizerCatalog.validNames.joined(separator: ", "))")
        }
        self.preset = entry.name
        self.overrides = overrides
        _ = try makeOptimizer(structure: ProblemStructure(dimension: 1))  // validates the overrides early
    }

    /// Parses `NAME[:preset][,key=value]…`.
    public init(parsing text: String) throws {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingWhitespace() }
        var overrides: [String: String] = [:]
        for part in parts.dropFirst() {
            let pair = part.split(separator: "=", maxSplits: 1).map { $0.trimmingWhitespace() }
            guard pair.count == 2, !pair[0].isEmpty, !pair[1].isEmpty else {
                throw OptimizerSpecError("optimizer setting '\(part)' must be key=value, e.g. lr=0.01")
            }
            overrides[pair[0].lowercased()] = pair[1]
        }
        try self.init(name: parts.first ?? "", overrides: overrides)
    }

    /// The preset's settings with the overrides applied.
    public var settings: [String: String] {
        var out = OptimizerCatalog.entry(named: preset)!.settingsDictionary
        for (k, v) in overrides { out[k] = v }
        return out
    }

    /// Builds the optimizer; throws on unknown setting keys and on values out of range.
    public func makeOptimizer(structure: ProblemStructure) throws -> AnyOptimizer {
        let entry = OptimizerCatalog.entry(named: preset)!
        var reader = SettingReader(values: settings, optimizer: preset)
        let optimizer = try entry.family.build(&reader, structure)
        try reader.finish()
        return optimizer
    }

    /// The optimizer with its initial state.
    public func makeInstance(structure: ProblemStructure) throws -> OptimizerInstance {
        OptimizerInstance(optimizer: try makeOptimizer(structure: structure), dimension: structure.dimension)
    }
}

/// Reads typed settings and remembers which keys were used, so unknown keys can be reported.
struct SettingReader {
    let values: [String: String]
    let optimizer: String
    private var used: Set<String> = []
    private var known: [String] = []

    init(values: [String: String], optimizer: String) {
        self.values = values
        self.optimizer = optimizer
    }

    mutating func double(_ key: String, _ fallback: Double) throws -> Double {
        note(key)
        guard let text = values[key] else { return fallback }
        guard let value = Double(text) else {
            throw OptimizerSpecError("\(key) must be a number, got '\(text)'")
        }
        return value
    }

    mutating func choice<E: RawRepresentable & CaseIterable>(_ key: String, _ fallback: E) throws -> E where E.RawValue == String {
        note(key)
        guard let text = values[key] else { return fallback }
        guard let value = E.allCases.first(where: { $0.rawValue.lowercased() == text.lowercased() }) else {
            let valid = E.allCases.map(\.rawValue).joined(separator: ", ")
            throw OptimizerSpecError("\(key) must be one of \(valid), got '\(text)'")
        }
        return value
    }

    private mutating func note(_ key: String) {
        used.insert(key)
        if !known.contains(key) { known.append(key) }
    }

    func finish() throws {
        if let unknown = values.keys.sorted().first(where: { !used.contains($0) }) {
            throw OptimizerSpecError("unknown setting '\(unknown)' for \(optimizer); valid settings: \(known.joined(separator: ", "))")
        }
    }
}

extension Substring {
    func trimmingWhitespace() -> String {
        String(drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}
