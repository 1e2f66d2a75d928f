import Foundation

/// A compact binary form of any Codable value, for checkpoints: the optimizer's state and the probes'
/// state vectors are stored with it instead of JSON text.
///
/// Layout: the 4 bytes `BLA1`, then one value. A value is a tag byte and its payload; every integer
/// and float is little-endian:
///
/// | tag | value | payload |
/// |---|---|---|
/// | 0 | nil | – |
/// | 1, 2 | false, true | – |
/// | 3 | signed integer | Int64 |
/// | 4 | unsigned integer | UInt64 |
/// | 5 | floating-point number | IEEE-754 float64 |
/// | 6 | string | UInt64 byte count, UTF-8 |
/// | 7 | `[Double]` | UInt64 count, count × float64 (raw: 8 bytes per value, NaN payloads kept) |
/// | 8 | `Data` | UInt64 byte count, the bytes |
/// | 9 | keyed container | UInt64 count, then per entry a key (as tag 6's payload) and a value |
/// | 10 | unkeyed container | UInt64 count, then the values |
///
/// So a state holding d-dimensional moment vectors takes ≈ 8d bytes per vector, and decoding gives
/// back every Double bit for bit.
public enum StateArchive {
    static let magic = Data("BLA1".utf8)

    public static func encode<T: Encodable>(_ value: T) throws -> Data {
        let root = ArchiveEncoder.Box()
        try ArchiveEncoder(box: root, codingPath: []).encodeValue(value)
        var out = magic
        root.node.write(to: &out)
        return out
    }

    public static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        guard data.count >= magic.count, data.prefix(magic.count) == magic else {
            throw ArchiveError("not a BiasLab state archive (no BLA1 header)")
        }
        var reader = ArchiveReader(bytes: [UInt8](data.dropFirst(magic.count)))
        let node = try reader.node()
        guard reader.atEnd else { throw ArchiveError("trailing bytes after the archived value") }
        return try ArchiveDecoder(node: node, codingPath: []).decodeValue(T.self)
    }
}

/// A malformed archive, or a value of the wrong kind.
public struct ArchiveError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = "state archive: " + description }
}

/// The tree an archive holds.
indirect enum ArchiveNode {
    case null, bool(Bool), int(Int64), uint(UInt64), double(Double), string(String), doubles([Double]), bytes(Data)
    case keyed([(String, ArchiveNode)]), unkeyed([ArchiveNode])

    func write(to out: inout Data) {
        switch self {
        case .null: out.append(0)
        case .bool(let b): out.append(b ? 2 : 1)
        case .int(let v): out.append(3); Self.append(UInt64(bitPattern: v), to: &out)
        case .uint(let v): out.append(4); Self.append(v, to: &out)
        case .double(let v): out.append(5); Self.append(v.bitPattern, to: &out)
        case .string(let s): out.append(6); Self.append(s, to: &out)
        case .doubles(let values):
            out.append(7)
            Self.append(UInt64(values.count), to: &out)
            out.append(ParameterBytes.encode(values))
        case .bytes(let data):
            out.append(8)
            Self.append(UInt64(data.count), to: &out)
            out.append(data)
        case .keyed(let entries):
            out.append(9)
            Self.append(UInt64(entries.count), to: &out)
            for (key, value) in entries { Self.append(key, to: &out); value.write(to: &out) }
        case .unkeyed(let values):
            out.append(10)
            Self.append(UInt64(values.count), to: &out)
            for value in values { value.write(to: &out) }
        }
    }

    static func append(_ v: UInt64, to out: inout Data) {
        withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) }
    }

    static func append(_ s: String, to out: inout Data) {
        let utf8 = Data(s.utf8)
        append(UInt64(utf8.count), to: &out)
        out.append(utf8)
    }
}

/// Reads an ``ArchiveNode`` from bytes, checking every length against what is left.
struct ArchiveReader {
    let bytes: [UInt8]
    var offset = 0

    var atEnd: Bool { offset == bytes.count }

    mutating func take(_ n: Int) throws -> ArraySlice<UInt8> {
        guard n >= 0, n <= bytes.count - offset else { throw ArchiveError("truncated at byte \(offset + 4)") }
        defer { offset += n }
        return bytes[offset..<offset + n]
    }

    mutating func word() throws -> UInt64 {
        var v: UInt64 = 0
        for (k, byte) in try take(8).enumerated() { v |= UInt64(byte) << (8 * UInt64(k)) }
        return v
    }

    mutating func count(width: Int) throws -> Int {
        let n = try word()
        guard n <= UInt64(bytes.count - offset) / UInt64(width) else { throw ArchiveError("a length of \(n) exceeds the archive") }
        return Int(n)
    }

    mutating func string() throws -> String {
        guard let s = String(bytes: try take(count(width: 1)), encoding: .utf8) else { throw ArchiveError("invalid UTF-8") }
        return s
    }

    mutating func node() throws -> ArchiveNode {
        let tag = try take(1).first!
        switch tag {
        case 0: return .null
        case 1, 2: return .bool(tag == 2)
        case 3: return .int(Int64(bitPattern: try word()))
        case 4: return .uint(try word())
        case 5: return .double(Double(bitPattern: try word()))
        case 6: return .string(try string())
        case 7: return .doubles(ParameterBytes.decode(Data(try take(count(width: 8) * 8))))
        case 8: return .bytes(Data(try take(count(width: 1))))
        case 9:
            let n = try count(width: 9)
            var entries: [(String, ArchiveNode)] = []
            entries.reserveCapacity(n)
            for _ in 0..<n { entries.append((try string(), try node())) }
            return .keyed(entries)
        case 10:
            let n = try count(width: 1)
            var values: [ArchiveNode] = []
            values.reserveCapacity(n)
            for _ in 0..<n { values.append(try node()) }
            return .unkeyed(values)
        default: throw ArchiveError("unknown tag \(tag) at byte \(offset + 3)")
        }
    }
}
