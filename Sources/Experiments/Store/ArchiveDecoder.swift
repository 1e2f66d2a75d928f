import Foundation

/// The `Decoder` behind ``StateArchive/decode(_:from:)``: reads values back from an ``ArchiveNode``
/// tree; integers must fit their type exactly.
struct ArchiveDecoder: Decoder {
    let node: ArchiveNode
    var codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func decodeValue<T: Decodable>(_ type: T.Type) throws -> T {
        if T.self == [Double].self {
            guard case .doubles(let values) = node else { throw mismatch("a float64 array") }
            return values as! T
        }
        if T.self == Data.self {
            guard case .bytes(let data) = node else { throw mismatch("bytes") }
            return data as! T
        }
        if let scalar = try scalar(T.self) { return scalar }
        return try T(from: self)
    }

    func mismatch(_ expected: String) -> ArchiveError {
        ArchiveError("expected \(expected) at \(codingPath.map(\.stringValue).joined(separator: "."))")
    }

    /// `node` as a scalar of type `T`, or nil when `T` is not a scalar type.
    func scalar<T>(_ type: T.Type) throws -> T? {
        func integer<I: FixedWidthInteger>(_: I.Type) throws -> I {
            let value: I? = switch node {
            case .int(let v): I(exactly: v)
            case .uint(let v): I(exactly: v)
            default: nil
            }
            guard let value else { throw mismatch("an integer that fits \(I.self)") }
            return value
        }
        let value: Any? = switch type {
        case is Bool.Type: try { guard case .bool(let b) = node else { throw mismatch("a Boolean") }; return b }()
        case is String.Type: try { guard case .string(let s) = node else { throw mismatch("a string") }; return s }()
        case is Double.Type: try { guard case .double(let d) = node else { throw mismatch("a number") }; return d }()
        case is Float.Type: try { guard case .double(let d) = node else { throw mismatch("a number") }; return Float(d) }()
        case is Int.Type: try integer(Int.self)
        case is Int8.Type: try integer(Int8.self)
        case is Int16.Type: try integer(Int16.self)
        case is Int32.Type: try integer(Int32.self)
        case is Int64.Type: try integer(Int64.self)
        case is UInt.Type: try integer(UInt.self)
        case is UInt8.Type: try integer(UInt8.self)
        case is UInt16.Type: try integer(UInt16.self)
        case is UInt32.Type: try integer(UInt32.self)
        case is UInt64.Type: try integer(UInt64.self)
        default: nil
        }
        return value.map { $0 as! T }
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .keyed(let entries) = node else { throw mismatch("a keyed container") }
        return KeyedDecodingContainer(Keyed<Key>(entries: entries, codingPath: codingPath))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .unkeyed(let values) = node else { throw mismatch("an unkeyed container") }
        return Unkeyed(values: values, codingPath: codingPath)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { Single(decoder: self) }

    struct Keyed<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let entries: [(String, ArchiveNode)]
        var codingPath: [any CodingKey]

        var allKeys: [Key] { entries.compactMap { Key(stringValue: $0.0) } }
        func contains(_ key: Key) -> Bool { entries.contains { $0.0 == key.stringValue } }

        func child(_ key: Key) throws -> ArchiveDecoder {
            guard let entry = entries.last(where: { $0.0 == key.stringValue }) else {
                throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "state archive: no key \(key.stringValue)"))
            }
            return ArchiveDecoder(node: entry.1, codingPath: codingPath + [key])
        }

        func decodeNil(forKey key: Key) throws -> Bool {
            if case .null = try child(key).node { true } else { false }
        }
        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try child(key).decodeValue(type) }
        func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
            try child(key).container(keyedBy: type)
        }
        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer { try child(key).unkeyedContainer() }
        func superDecoder() throws -> any Decoder {
            guard let entry = entries.last(where: { $0.0 == "super" }) else { throw ArchiveError("no super entry") }
            return ArchiveDecoder(node: entry.1, codingPath: codingPath)
        }
        func superDecoder(forKey key: Key) throws -> any Decoder { try child(key) }
    }

    struct Unkeyed: UnkeyedDecodingContainer {
        let values: [ArchiveNode]
        var codingPath: [any CodingKey]
        var currentIndex = 0
        var count: Int? { values.count }
        var isAtEnd: Bool { currentIndex >= values.count }

        mutating func next() throws -> ArchiveDecoder {
            guard !isAtEnd else { throw ArchiveError("unkeyed container ended at \(currentIndex)") }
            defer { currentIndex += 1 }
            return ArchiveDecoder(node: values[currentIndex], codingPath: codingPath)
        }

        mutating func decodeNil() throws -> Bool {
            guard !isAtEnd, case .null = values[currentIndex] else { return false }
            currentIndex += 1
            return true
        }
        mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try next().decodeValue(type) }
        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
            try next().container(keyedBy: type)
        }
        mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer { try next().unkeyedContainer() }
        mutating func superDecoder() throws -> any Decoder { try next() }
    }

    struct Single: SingleValueDecodingContainer {
        let decoder: ArchiveDecoder
        var codingPath: [any CodingKey] { decoder.codingPath }

        func decodeNil() -> Bool { if case .null = decoder.node { true } else { false } }
        func decode<T: Decodable>(_ type: T.Type) throws -> T { try decoder.decodeValue(type) }
    }
}
