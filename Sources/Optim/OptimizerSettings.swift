/// Hyperparameters that can be checked against their documented ranges and listed as settings. Their
/// coding keys are the setting names (`lr`, `beta1`, `eps_placement`, …), so `SettingsCoding` turns them
/// into settings and back; the defaults are written once, in each type's initializer.
public protocol ValidatedSettings: Codable, Equatable, Sendable {
    /// Throws `HyperparameterError` naming the first setting outside its documented range.
    func validate() throws
    /// η, the base learning rate (the schedule multiplies it).
    var learningRate: Double { get }
    /// β₁ of an optimizer whose numerator is a first-moment EMA m ← β₁m + (1 − β₁)g (Adam's family);
    /// nil for the others.
    var firstMomentDecay: Double? { get }
}

extension OptimizerSettings {
    /// The preset family and every setting, `name key=value …` in declaration order (e.g. `adam lr=0.001
    /// beta1=0.9 …`): a record of a configuration that depends only on the setting names and values, not on
    /// how the type is laid out in Swift (a study stores it with its runs).
    public var summary: String { ([Self.optimizerName] + settings.map { "\($0.key)=\($0.value)" }).joined(separator: " ") }
}

extension ValidatedSettings {
    public var firstMomentDecay: Double? { nil }
}

/// The hyperparameters of one optimizer family, complete: what a preset is, what overrides change and
/// what builds the optimizer.
public protocol OptimizerSettings: ValidatedSettings {
    /// The optimizer these settings build, as written in prose and errors (`Adam`, `heavy ball`, `Lion-𝒦`).
    static var optimizerName: String { get }
    /// The update in one line with these settings' conventions (printed by `biaslab optimizers`); it is
    /// written from the same convention values the step branches on.
    var formula: String { get }
    /// The optimizer with these settings and constant schedules, for a problem of this structure.
    func makeOptimizer(structure: ProblemStructure) throws -> AnyOptimizer
}

extension ValidatedSettings {
    /// The settings, in declaration order (the keys `biaslab optimizers` lists and overrides accept).
    public var settings: [Setting] {
        // Encoding a settings type cannot fail: its fields are numbers and `SettingChoice` enums.
        try! SettingsCoding.encode(self)
    }

    /// These settings with `overrides` applied: every value is read as its key's type (a number stays a
    /// number; text is parsed once) and the result is validated. `optimizer` names the preset in the
    /// error for an unknown key, which lists the valid ones.
    public func applying(_ overrides: [String: SettingValue], optimizer: String) throws -> Self {
        let current = settings
        if let unknown = overrides.keys.sorted().first(where: { key in !current.contains { $0.key == key } }) {
            let valid = current.map(\.key).joined(separator: ", ")
            throw OptimizerSpecError("unknown setting '\(unknown)' for \(optimizer); valid settings: \(valid)")
        }
        let merged = current.map { Setting(key: $0.key, value: overrides[$0.key] ?? $0.value) }
        let result = try SettingsCoding.decode(Self.self, from: merged)
        try result.validate()
        return result
    }
}

/// Options an optimizer adds to a shared hyperparameter type (NAdam's numerator on Adam's settings,
/// Lion-𝒦's kernel on Lion's). `ExtendedSettings` lists both under one set of keys.
public protocol SettingsExtension: Codable, Equatable, Sendable {
    associatedtype Base: ValidatedSettings
    /// The optimizer (see `OptimizerSettings.optimizerName`).
    static var optimizerName: String { get }
    /// Throws `HyperparameterError` for an option outside its range (the base is checked separately);
    /// options without a range need not implement it.
    func validate(base: Base) throws
    /// The update, one line (see `OptimizerSettings.formula`).
    func formula(base: Base) -> String
    /// The optimizer (see `OptimizerSettings.makeOptimizer`).
    func makeOptimizer(base: Base, structure: ProblemStructure) throws -> AnyOptimizer
}

extension SettingsExtension {
    public func validate(base: Base) throws {}
}

/// A shared hyperparameter type plus one optimizer's own options, flattened into one list of settings
/// (e.g. `NAdam.Settings`: Adam's `lr`, `beta1`, … and `numerator`).
public struct ExtendedSettings<Options: SettingsExtension>: OptimizerSettings {
    public var base: Options.Base
    public var options: Options

    public init(_ base: Options.Base, _ options: Options) throws {
        self.base = base
        self.options = options
        try validate()
    }

    public init(from decoder: any Decoder) throws {
        base = try Options.Base(from: decoder)
        options = try Options(from: decoder)
    }

    public func encode(to encoder: any Encoder) throws {
        try base.encode(to: encoder)
        try options.encode(to: encoder)
    }

    public func validate() throws {
        try base.validate()
        try options.validate(base: base)
    }

    public static var optimizerName: String { Options.optimizerName }
    public var learningRate: Double { base.learningRate }
    public var firstMomentDecay: Double? { base.firstMomentDecay }
    public var formula: String { options.formula(base: base) }

    public func makeOptimizer(structure: ProblemStructure) throws -> AnyOptimizer {
        try options.makeOptimizer(base: base, structure: structure)
    }
}
