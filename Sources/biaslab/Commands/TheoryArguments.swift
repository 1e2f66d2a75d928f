import DataIO
import Curvature
import Foundation
import ArgumentParser
import Theory

// Command-line spellings of the Theory enums: `--help` lists their raw values (BatchSampling's: SamplingOptions).
extension OptimizerFamily: ExpressibleByArgument {}

/// Range checks for theory options. Each error is one line naming the option, the range and the value.
enum OptionCheck {
    /// β ∈ [0, 1).
    static func beta(_ value: Double?, _ option: String) throws {
        if let value, !(value >= 0 && value < 1) { throw ValidationError("\(option) must be in [0, 1), got \(value)") }
    }

    /// x > 0 and finite.
    static func positive(_ value: Double?, _ option: String) throws {
        if let value, !(value > 0 && value.isFinite) { throw ValidationError("\(option) must be > 0, got \(value)") }
    }

    /// x ≥ 0 and finite.
    static func nonNegative(_ value: Double?, _ option: String) throws {
        if let value, !(value >= 0 && value.isFinite) { throw ValidationError("\(option) must be ≥ 0, got \(value)") }
    }

    /// x ∈ (0, 1].
    static func unitInterval(_ value: Double?, _ option: String) throws {
        if let value, !(value > 0 && value <= 1) { throw ValidationError("\(option) must be in (0, 1], got \(value)") }
    }

    /// An integer ≥ minimum.
    static func atLeast(_ value: Int?, _ minimum: Int, _ option: String) throws {
        if let value, value < minimum { throw ValidationError("\(option) must be ≥ \(minimum), got \(value)") }
    }

    /// The option must be absent, with the reason it does not apply.
    static func absent(_ value: (some Any)?, _ option: String, because reason: String) throws {
        if value != nil { throw ValidationError("\(option) does not apply: \(reason)") }
    }

    /// Rounds for human-readable output (the JSON keeps full precision).
    static func show(_ value: Double) -> String {
        value == 0 || (abs(value) >= 1e-4 && abs(value) < 1e6) ? String(format: "%.6g", value) : String(format: "%.4e", value)
    }

    /// ", name = value" for each setting that has a value, in order (for a one-line summary).
    static func listed(_ optional: KeyValuePairs<String, Double?>) -> String {
        optional.map { name, value in value.map { ", \(name) = \(show($0))" } ?? "" }.joined()
    }
}
