import Foundation

/// Reads a whole file into memory, or throws a ``DataError`` naming the path.
func readBytes(of url: URL) throws(DataError) -> [UInt8] {
    let path = url.path
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
        throw DataError(.notFound, source: path, "no such file")
    }
    guard !isDirectory.boolValue else { throw DataError(.notFound, source: path, "is a directory, expected a file") }
    do {
        return [UInt8](try Data(contentsOf: url))
    } catch {
        throw DataError(.notFound, source: path, "cannot be read (\(error.localizedDescription))")
    }
}

/// Writes `bytes` to `url` atomically, or throws a ``DataError`` naming the path.
func writeBytes(_ bytes: [UInt8], to url: URL) throws(DataError) {
    do { try AtomicFile.write(bytes, to: url.path) } catch {
        throw DataError(error.kind == .isFolder ? .invalidValue : .notFound, source: url.path, error.problem)
    }
}

/// A cursor over a byte buffer whose reads throw a ``DataError`` of kind `.truncated` naming the
/// source, the offset and what was being read when the buffer ends early.
struct ByteReader {
    let bytes: [UInt8]
    let source: String
    var offset: Int

    init(_ bytes: [UInt8], source: String, offset: Int = 0) {
        self.bytes = bytes
        self.source = source
        self.offset = offset
    }

    var remaining: Int { bytes.count - offset }

    /// Throws unless `count` more bytes are available; `what` names the field for the message.
    func require(_ count: Int, for what: String) throws(DataError) {
        guard count >= 0, offset <= bytes.count, count <= bytes.count - offset else {
            throw DataError(.truncated, source: source,
                            "truncated: \(what) needs \(count) bytes at offset \(offset), but the input has \(bytes.count) bytes")
        }
    }

    mutating func skip(_ count: Int, for what: String) throws(DataError) {
        try require(count, for: what)
        offset += count
    }

    mutating func take(_ count: Int, for what: String) throws(DataError) -> ArraySlice<UInt8> {
        try require(count, for: what)
        defer { offset += count }
        return bytes[offset..<(offset + count)]
    }

    mutating func uint8(_ what: String) throws(DataError) -> UInt8 {
        try require(1, for: what)
        defer { offset += 1 }
        return bytes[offset]
    }

    /// An unsigned integer of `width` bytes, little- or big-endian.
    mutating func unsigned(_ width: Int, bigEndian: Bool = false, _ what: String) throws(DataError) -> UInt64 {
        let slice = try take(width, for: what)
        var value: UInt64 = 0
        for (i, byte) in slice.enumerated() {
            let shift = bigEndian ? 8 * (width - 1 - i) : 8 * i
            value |= UInt64(byte) << UInt64(shift)
        }
        return value
    }

    mutating func uint16LE(_ what: String) throws(DataError) -> Int { Int(try unsigned(2, what)) }
    mutating func uint32LE(_ what: String) throws(DataError) -> Int { Int(try unsigned(4, what)) }
    mutating func uint64LE(_ what: String) throws(DataError) -> UInt64 { try unsigned(8, what) }
    mutating func uint32BE(_ what: String) throws(DataError) -> Int { Int(try unsigned(4, bigEndian: true, what)) }
}

/// Little-endian appends, for the writers.
extension Array where Element == UInt8 {
    mutating func appendLittleEndian<T: FixedWidthInteger>(_ value: T) {
        Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) }
    }

    mutating func appendBigEndian<T: FixedWidthInteger>(_ value: T) {
        Swift.withUnsafeBytes(of: value.bigEndian) { append(contentsOf: $0) }
    }
}

/// The product of `extents`, or nil when it overflows `Int` (a corrupt header).
func checkedProduct(_ extents: [Int]) -> Int? {
    var product = 1
    for extent in extents {
        let (next, overflow) = product.multipliedReportingOverflow(by: extent)
        if overflow { return nil }
        product = next
    }
    return product
}
