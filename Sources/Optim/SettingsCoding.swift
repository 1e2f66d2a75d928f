/// One named setting of an optimizer, e.g. `lr` = 0.001.
public struct Setting: Equatable, Sendable {
    public let key: String
    public let value: SettingValue

    public init(key: String, value: SettingValue) {
        self.key = key
        self.value = value
    }
}

/// The one path between typed hyperparameters and settings: `encode` lists a value's settings in
/// declaration order (its coding keys are the setting names); `decode` reads a hyperparameter type from
/// settings, numbers as numbers and text as the key's type, with one-line errors naming the key.
enum SettingsCoding {
    static func encode(_ value: some Encodable) throws -> [Setting] {
        let encoder = SettingsEncoder()
        try value.encode(to: encoder)
        return encoder.sink.settings
    }

    static func decode<T: Decodable>(_ type: T.Type, from settings: [Setting]) throws -> T {
        try T(from: SettingsDecoder(settings: Dictionary(settings.map { ($0.key, $0.value) }, uniquingKeysWith: { $1 })))
    }
}

/// An error for a shape the settings cannot hold (nested containers, lists).
private func unsupported(_ path: [any CodingKey]) -> OptimizerSpecError {
    OptimizerSpecError("optimizer settings are flat key=value pairs; '\(path.map(\.stringValue).joined(separator: "."))' is not")
}

// MARK: Encoding

private struct SettingsEncoder: Encoder {
    final class Sink { var settings: [Setting] = [] }
    let sink = Sink()
    var codingPath: [any CodingKey] = []
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        KeyedEncodingContainer(Keyed<Key>(sink: sink))
    }
    func unkeyedContainer() -> any UnkeyedEncodingContainer { Unsupported(codingPath: codingPath) }
    func singleValueContainer() -> any SingleValueEncodingContainer { Unsupported(codingPath: codingPath) }

    struct Keyed<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let sink: Sink
        var codingPath: [any CodingKey] { [] }

        private func put(_ value: SettingValue, _ key: Key) { sink.settings.append(Setting(key: key.stringValue, value: value)) }

        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
            if let number = value as? Double { put(.number(number), key); return }
            if let choice = value as? any SettingChoice { put(.text(choice.rawValue), key); return }
            throw unsupported([key])
        }
        mutating func encode(_ value: Double, forKey key: Key) throws { put(.number(value), key) }
        mutating func encode(_ value: String, forKey key: Key) throws { put(.text(value), key) }
        mutating func encodeNil(forKey key: Key) throws { throw unsupported([key]) }
        mutating func encode(_ value: Bool, forKey key: Key) throws { throw unsupported([key]) }
        mutating func encode(_ value: Float, forKey key: Key) throws { put(.number(Double(value)), key) }
        mutating func encode(_ value: Int, forKey key: Key) throws { put(.number(Double(value)), key) }
        mutating func encode(_ value: Int8, forKey key: Key) throws { throw unsupported([key]) }
        mutating func encode(_ value: Int16, forKey key: Key) throws { throw unsupported([key]) }
        mutating func encode(_ value: Int32, forKey key: Key) throws { throw unsupported([key]) }
        mutating func encode(_ value: Int64, forKey key: Key) throws { throw unsupported([key]) }
        mutating func encode(_ value: UInt, forKey key: Key) throws { throw unsupported([key]) }
        mutating func encode(_ value: UInt8, forKey key: Key) throws { throw unsupported([key]) }
        mutating func encode(_ value: UInt16, forKey key: Key) throws { throw unsupported([key]) }
        mutating func encode(_ value: UInt32, forKey key: Key) throws { throw unsupported([key]) }
        mutating func encode(_ value: UInt64, forKey key: Key) throws { throw unsupported([key]) }
        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type,
                                                            forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
            KeyedEncodingContainer(Keyed<NestedKey>(sink: Sink()))  // never read: nothing nested is a setting
        }
        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer { Unsupported(codingPath: [key]) }
        mutating func superEncoder() -> any Encoder { SettingsEncoder() }
        mutating func superEncoder(forKey key: Key) -> any Encoder { SettingsEncoder() }
    }

    /// Lists and bare values are not settings: every write throws.
    struct Unsupported: UnkeyedEncodingContainer, SingleValueEncodingContainer {
        var codingPath: [any CodingKey]
        var count: Int { 0 }
        mutating func encodeNil() throws { throw unsupported(codingPath) }
        mutating func encode<T: Encodable>(_ value: T) throws { throw unsupported(codingPath) }
        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
            KeyedEncodingContainer(Keyed<NestedKey>(sink: Sink()))
        }
        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer { self }
        mutating func superEncoder() -> any Encoder { SettingsEncoder() }
    }
}

// MARK: Decoding

private struct SettingsDecoder: Decoder {
    let settings: [String: SettingValue]
    var codingPath: [any CodingKey] = []
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(Keyed<Key>(settings: settings))
    }
    func unkeyedContainer() throws -> any UnkeyedDecodingContainer { throw unsupported(codingPath) }
    func singleValueContainer() throws -> any SingleValueDecodingContainer { throw unsupported(codingPath) }

    struct Keyed<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let settings: [String: SettingValue]
        var codingPath: [any CodingKey] { [] }
        var allKeys: [Key] { settings.keys.compactMap { Key(stringValue: $0) } }

        func contains(_ key: Key) -> Bool { settings[key.stringValue] != nil }

        private func value(_ key: Key) throws -> SettingValue {
            guard let value = settings[key.stringValue] else {
                throw OptimizerSpecError("setting '\(key.stringValue)' is missing")
            }
            return value
        }

        func decode(_ type: Double.Type, forKey key: Key) throws -> Double {
            switch try value(key) {
            case .number(let x): return x
            case .text(let text):
                guard let x = Double(text) else { throw OptimizerSpecError("\(key.stringValue) must be a number, got '\(text)'") }
                return x
            }
        }

        func decode(_ type: String.Type, forKey key: Key) throws -> String { try value(key).description }

        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
            if T.self == Double.self { return try decode(Double.self, forKey: key) as! T }
            guard let choice = T.self as? any SettingChoice.Type else { throw unsupported([key]) }
            return try choice.parse(try value(key).description, key: key.stringValue) as! T
        }

        func decodeNil(forKey key: Key) throws -> Bool { settings[key.stringValue] == nil }
        func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { throw unsupported([key]) }
        func decode(_ type: Float.Type, forKey key: Key) throws -> Float { Float(try decode(Double.self, forKey: key)) }
        func decode(_ type: Int.Type, forKey key: Key) throws -> Int {
            let x = try decode(Double.self, forKey: key)
            guard let n = Int(exactly: x) else { throw OptimizerSpecError("\(key.stringValue) must be an integer, got \(x)") }
            return n
        }
        func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { throw unsupported([key]) }
        func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { throw unsupported([key]) }
        func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { throw unsupported([key]) }
        func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { throw unsupported([key]) }
        func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { throw unsupported([key]) }
        func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { throw unsupported([key]) }
        func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { throw unsupported([key]) }
        func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { throw unsupported([key]) }
        func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { throw unsupported([key]) }
        func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type,
                                                   forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
            throw unsupported([key])
        }
        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer { throw unsupported([key]) }
        func superDecoder() throws -> any Decoder { SettingsDecoder(settings: settings) }
        func superDecoder(forKey key: Key) throws -> any Decoder { throw unsupported([key]) }
    }
}
