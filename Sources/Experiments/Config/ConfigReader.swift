/// Reads one mapping of a config tree by key and type, remembering which keys were read so that
/// ``finish()`` can reject unknown ones. Every error names the full key path.
public struct ConfigReader {
    /// The dotted path of this mapping (empty at the top level).
    public let path: String
    let values: [String: ConfigValue]
    private var known: [String] = []

    /// Throws unless `value` is a mapping (or null, read as an empty mapping).
    public init(_ value: ConfigValue, path: String) throws(ConfigError) {
        self.path = path
        switch value {
        case .map(let m): values = m
        case .null: values = [:]
        default: throw ConfigError(path: path, "expected a mapping of keys to values, got \(value.text)")
        }
    }

    /// The full path of `key`.
    public func path(of key: String) -> String { ConfigError.join(path, key) }

    /// The raw value of `key`, nil when absent or null.
    public mutating func value(_ key: String) -> ConfigValue? {
        if !known.contains(key) { known.append(key) }
        if case .null? = values[key] { return nil }
        return values[key]
    }

    /// Keys not read so far (for mappings whose remaining keys are free-form, such as optimizer settings).
    public var unreadKeys: [String] { values.keys.filter { !known.contains($0) }.sorted() }

    /// Marks `key` as read.
    public mutating func consume(_ key: String) { if !known.contains(key) { known.append(key) } }

    public mutating func string(_ key: String) throws(ConfigError) -> String? {
        guard let v = value(key) else { return nil }
        switch v {
        case .string(let s): return s
        case .integer, .number, .bool: return v.text
        default: throw ConfigError(path: path(of: key), "expected a string, got \(v.text)")
        }
    }

    public mutating func string(_ key: String, default fallback: String) throws(ConfigError) -> String {
        try string(key) ?? fallback
    }

    public mutating func requiredString(_ key: String) throws(ConfigError) -> String {
        guard let s = try string(key) else { throw ConfigError(path: path(of: key), "is required") }
        return s
    }

    /// An integer in `range` (a YAML string holding an integer is accepted).
    public mutating func integer(_ key: String, in range: ClosedRange<Int> = Int.min...Int.max) throws(ConfigError) -> Int? {
        guard let v = value(key) else { return nil }
        let parsed: Int?
        switch v {
        case .integer(let i): parsed = i
        case .number(let d) where d == d.rounded() && abs(d) < 9e15: parsed = Int(d)
        case .string(let s): parsed = Int(s)
        default: parsed = nil
        }
        guard let i = parsed else { throw ConfigError(path: path(of: key), "expected an integer, got \(v.text)") }
        guard range.contains(i) else {
            throw ConfigError(path: path(of: key), "must be in \(Self.describe(range)), got \(i)")
        }
        return i
    }

    public mutating func integer(_ key: String, default fallback: Int, in range: ClosedRange<Int> = Int.min...Int.max) throws(ConfigError) -> Int {
        try integer(key, in: range) ?? fallback
    }

    /// A finite number satisfying `valid`, described by `expected` (e.g. "in (0, ∞)").
    public mutating func number(_ key: String, expected: String, _ valid: (Double) -> Bool) throws(ConfigError) -> Double? {
        guard let v = value(key) else { return nil }
        let parsed: Double?
        switch v {
        case .integer(let i): parsed = Double(i)
        case .number(let d): parsed = d
        case .string(let s): parsed = Double(s)
        default: parsed = nil
        }
        guard let d = parsed else { throw ConfigError(path: path(of: key), "expected a number, got \(v.text)") }
        guard d.isFinite, valid(d) else { throw ConfigError(path: path(of: key), "must be \(expected), got \(v.text)") }
        return d
    }

    public mutating func bool(_ key: String, default fallback: Bool) throws(ConfigError) -> Bool {
        guard let v = value(key) else { return fallback }
        guard case .bool(let b) = v else { throw ConfigError(path: path(of: key), "expected true or false, got \(v.text)") }
        return b
    }

    /// A `String`-backed enum spelled by its raw value.
    public mutating func choice<T: RawRepresentable & CaseIterable>(_ key: String, default fallback: T) throws(ConfigError) -> T
    where T.RawValue == String {
        try choice(key) ?? fallback
    }

    /// A `String`-backed enum spelled by its raw value, nil when absent.
    public mutating func choice<T: RawRepresentable & CaseIterable>(_ key: String) throws(ConfigError) -> T?
    where T.RawValue == String {
        guard let s = try string(key) else { return nil }
        guard let c = T.allCases.first(where: { $0.rawValue == s }) else {
            throw ConfigError(path: path(of: key), "must be one of \(T.allCases.map(\.rawValue).joined(separator: ", ")), got \(s)")
        }
        return c
    }

    /// The nested mapping at `key` (empty when absent).
    public mutating func mapping(_ key: String) throws(ConfigError) -> ConfigReader {
        try ConfigReader(value(key) ?? .null, path: path(of: key))
    }

    /// The list at `key` (empty when absent).
    public mutating func list(_ key: String) throws(ConfigError) -> [ConfigValue] {
        guard let v = value(key) else { return [] }
        guard case .list(let items) = v else { throw ConfigError(path: path(of: key), "expected a list, got \(v.text)") }
        return items
    }

    /// Throws on the first key (alphabetically) that was never read.
    public func finish() throws(ConfigError) {
        if let unknown = unreadKeys.first {
            throw ConfigError(path: path(of: unknown), "unknown key (valid keys here: \(known.sorted().joined(separator: ", ")))")
        }
    }

    static func describe(_ range: ClosedRange<Int>) -> String {
        switch (range.lowerBound, range.upperBound) {
        case (Int.min, Int.max): "any integer"
        case (let lo, Int.max): "[\(lo), ∞)"
        default: "[\(range.lowerBound), \(range.upperBound)]"
        }
    }
}
