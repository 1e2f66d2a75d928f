/// A typed option of a probe's `options` mapping: it reads the value (``read(_:)``, rejecting bad
/// values with a ``ConfigError`` naming the key path) and describes itself for `biaslab probes`
/// (``description``) from the same key, default and range.
public protocol ProbeOption: Sendable {
    associatedtype Value
    var key: String { get }
    var description: ProbeOptionDescription { get }
    func read(_ options: inout ConfigReader) throws(ConfigError) -> Value
}

/// An integer option in a closed range.
public struct IntegerOption: ProbeOption {
    public let key: String
    public let summary: String
    public let defaultValue: Int
    public let range: ClosedRange<Int>

    public init(_ key: String, default defaultValue: Int, in range: ClosedRange<Int>, _ summary: String) {
        self.key = key
        self.summary = summary
        self.defaultValue = defaultValue
        self.range = range
    }

    /// `probes`: the number K of Rademacher vectors of a Hutchinson estimate (the trace and diagonal probes).
    public static func rademacherProbes(default k: Int, _ summary: String) -> IntegerOption {
        IntegerOption("probes", default: k, in: 1...1_000_000, summary)
    }

    /// `batch_count`: the number K of random batches a Monte-Carlo probe averages (default 32).
    public static func batchCount(_ summary: String) -> IntegerOption {
        IntegerOption("batch_count", default: 32, in: 1...1_000_000, summary)
    }

    public var description: ProbeOptionDescription {
        ProbeOptionDescription(key: key, summary: summary, defaultValue: "\(defaultValue)", expected: ConfigReader.describe(range))
    }

    public func read(_ options: inout ConfigReader) throws(ConfigError) -> Int {
        try options.integer(key, default: defaultValue, in: range)
    }
}

/// A choice among an enum's raw values.
public struct ChoiceOption<Choice: RawRepresentable & CaseIterable & Sendable>: ProbeOption where Choice.RawValue == String {
    public let key: String
    public let summary: String
    public let defaultValue: Choice

    public init(_ key: String, default defaultValue: Choice, _ summary: String) {
        self.key = key
        self.summary = summary
        self.defaultValue = defaultValue
    }

    public var description: ProbeOptionDescription {
        ProbeOptionDescription(key: key, summary: summary, defaultValue: defaultValue.rawValue,
                               expected: "one of " + Choice.allCases.map(\.rawValue).joined(separator: ", "))
    }

    public func read(_ options: inout ConfigReader) throws(ConfigError) -> Choice {
        try options.choice(key, default: defaultValue)
    }
}

/// A finite number accepted by `valid` (described by `expected`), whose default depends on other
/// options (`defaultText` states it): ``read(_:)`` returns nil when the key is absent.
public struct NumberOption: ProbeOption {
    public let key: String
    public let summary: String
    public let defaultText: String
    public let expected: String
    let valid: @Sendable (Double) -> Bool

    public init(_ key: String, default defaultText: String, expected: String, _ summary: String,
                valid: @escaping @Sendable (Double) -> Bool) {
        self.key = key
        self.summary = summary
        self.defaultText = defaultText
        self.expected = expected
        self.valid = valid
    }

    public var description: ProbeOptionDescription {
        ProbeOptionDescription(key: key, summary: summary, defaultValue: defaultText, expected: expected)
    }

    public func read(_ options: inout ConfigReader) throws(ConfigError) -> Double? {
        try options.number(key, expected: expected, valid)
    }
}
