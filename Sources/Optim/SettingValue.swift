import Foundation

/// One optimizer setting as it arrives from an edge: a number typed by a command-line flag or a YAML
/// scalar (`number`), or text to be read as the key's type (`text`, e.g. from `adam,lr=0.01`). Both reach
/// the typed hyperparameters through `SettingsDecoder`; a number is never printed and parsed back.
public enum SettingValue: Equatable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral,
                          ExpressibleByFloatLiteral {
    case number(Double)
    case text(String)

    public init(stringLiteral value: String) { self = .text(value) }
    public init(floatLiteral value: Double) { self = .number(value) }

    /// The value as written in `biaslab optimizers` and the `key=value` form: numbers in Swift's
    /// shortest round-trip form with the exponent unpadded (`1e-8`, not `1e-08`).
    public var description: String {
        switch self {
        case .number(let x): "\(x)".replacingOccurrences(of: "e-0", with: "e-").replacingOccurrences(of: "e+0", with: "e+")
        case .text(let s): s
        }
    }
}

/// A convention enum that settings name by its raw value (`eps_placement=insideSqrt`), read without
/// regard to case.
public protocol SettingChoice: CaseIterable, Codable, Sendable, RawRepresentable where RawValue == String {}

extension SettingChoice {
    /// The case whose raw value is `text` (any case); throws "KEY must be one of …, got 'TEXT'".
    static func parse(_ text: String, key: String) throws -> Self {
        guard let value = allCases.first(where: { $0.rawValue.lowercased() == text.lowercased() }) else {
            let valid = allCases.map(\.rawValue).joined(separator: ", ")
            throw OptimizerSpecError("\(key) must be one of \(valid), got '\(text)'")
        }
        return value
    }
}

extension EpsilonPlacement: SettingChoice {}
extension BiasCorrection: SettingChoice {}
extension WeightDecayMode: SettingChoice {}
extension SecondMomentTiming: SettingChoice {}
extension NAdamNumerator: SettingChoice {}
extension LionStepOrder: SettingChoice {}
extension MomentumBufferStart: SettingChoice {}
extension MomentumVariant: SettingChoice {}
extension SignFunction: SettingChoice {}
extension ConvexKernel.Kind: SettingChoice {}
