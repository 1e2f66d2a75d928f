import Foundation

/// The `Encoder` behind ``StateArchive/encode(_:)``: builds an ``ArchiveNode`` tree, with `[Double]`
/// and `Data` kept whole (tags 7 and 8) instead of element by element.
struct ArchiveEncoder: Encoder {
    /// A node under construction; containers fill it in place.
    final class Box {
        var node: ArchiveNode = .null
        var keyed: [(String, Box)]?
        var unkeyed: [Box]?

        var resolved: ArchiveNode {
            if let keyed { return .keyed(keyed.map { ($0.0, $0.1.resolved) }) }
            if let unkeyed { return .unkeyed(unkeyed.map(\.resolved)) }
            return node
        }

        func child(forKey key: String) -> Box {
            if keyed == nil { keyed = [] }
            if let existing = keyed!.first(where: { $0.0 == key }) { return existing.1 }
            let box = Box()
            keyed!.append((key, box))
            return box
        }

        func appended() -> Box {
            if unkeyed == nil { unkeyed = [] }
            let box = Box()
            unkeyed!.append(box)
            return box
        }
    }

    let box: Box
    var codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func encodeValue<T: Encodable>(_ value: T) throws {
        // By type, not by cast: an empty array of any element type casts to [Double].
        if T.self == [Double].self {
            box.node = .doubles(value as! [Double])
        } else if T.self == Data.self {
            box.node = .bytes(value as! Data)
        } else {
            try value.encode(to: self)
        }
        if box.keyed != nil || box.unkeyed != nil { box.node = box.resolved; box.keyed = nil; box.unkeyed = nil }
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if box.keyed == nil { box.keyed = [] }
        return KeyedEncodingContainer(Keyed<Key>(box: box, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        if box.unkeyed == nil { box.unkeyed = [] }
        return Unkeyed(box: box, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { Single(box: box, codingPath: codingPath) }

    /// A scalar as a node (integers, floats, strings, Booleans).
    static func scalar(_ value: some Encodable) -> ArchiveNode? {
        switch value {
        case let v as Bool: .bool(v)
        case let v as String: .string(v)
        case let v as Double: .double(v)
        case let v as Float: .double(Double(v))
        case let v as Int: .int(Int64(v))
        case let v as Int8: .int(Int64(v))
        case let v as Int16: .int(Int64(v))
        case let v as Int32: .int(Int64(v))
        case let v as Int64: .int(v)
        case let v as UInt: .uint(UInt64(v))
        case let v as UInt8: .uint(UInt64(v))
        case let v as UInt16: .uint(UInt64(v))
        case let v as UInt32: .uint(UInt64(v))
        case let v as UInt64: .uint(v)
        default: nil
        }
    }

    /// Encodes `value` into `box`: a scalar directly, anything else through a nested encoder.
    static func put<T: Encodable>(_ value: T, in box: Box, codingPath: [any CodingKey]) throws {
        if let node = scalar(value) { box.node = node } else {
            try ArchiveEncoder(box: box, codingPath: codingPath).encodeValue(value)
        }
    }

    struct Keyed<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let box: Box
        var codingPath: [any CodingKey]

        mutating func encodeNil(forKey key: Key) throws { box.child(forKey: key.stringValue).node = .null }
        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
            try ArchiveEncoder.put(value, in: box.child(forKey: key.stringValue), codingPath: codingPath + [key])
        }
        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
            ArchiveEncoder(box: box.child(forKey: key.stringValue), codingPath: codingPath + [key]).container(keyedBy: keyType)
        }
        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
            ArchiveEncoder(box: box.child(forKey: key.stringValue), codingPath: codingPath + [key]).unkeyedContainer()
        }
        mutating func superEncoder() -> any Encoder { ArchiveEncoder(box: box.child(forKey: "super"), codingPath: codingPath) }
        mutating func superEncoder(forKey key: Key) -> any Encoder {
            ArchiveEncoder(box: box.child(forKey: key.stringValue), codingPath: codingPath + [key])
        }
    }

    struct Unkeyed: UnkeyedEncodingContainer {
        let box: Box
        var codingPath: [any CodingKey]
        var count: Int { box.unkeyed?.count ?? 0 }

        mutating func encodeNil() throws { box.appended().node = .null }
        mutating func encode<T: Encodable>(_ value: T) throws {
            try ArchiveEncoder.put(value, in: box.appended(), codingPath: codingPath)
        }
        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
            ArchiveEncoder(box: box.appended(), codingPath: codingPath).container(keyedBy: keyType)
        }
        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
            ArchiveEncoder(box: box.appended(), codingPath: codingPath).unkeyedContainer()
        }
        mutating func superEncoder() -> any Encoder { ArchiveEncoder(box: box.appended(), codingPath: codingPath) }
    }

    struct Single: SingleValueEncodingContainer {
        let box: Box
        var codingPath: [any CodingKey]

        mutating func encodeNil() throws { box.node = .null }
        mutating func encode<T: Encodable>(_ value: T) throws { try ArchiveEncoder.put(value, in: box, codingPath: codingPath) }
    }
}
