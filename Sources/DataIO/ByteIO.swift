import Foundation

/// Reads a whole file into memory, or throws a ``DataError`` naming the path. The bytes are read straight
/// into the array (one buffer of the file's size, not a `Data` and then a copy of it).
func readBytes(of url: URL) throws(DataError) -> [UInt8] {
    let path = url.path
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
        throw DataError(.notFound, source: path, "no such file")
    }
    guard !isDirectory.boolValue else { throw DataError(.notFound, source: path, "is a directory, expected a file") }
    /// The error of a failed open, fstat or read with error number `code`.
    func failure(_ code: Int32) -> DataError { DataError(.notFound, source: path, "cannot be read (\(String(cString: strerror(code))))") }
    let descriptor = open(path, O_RDONLY)
    guard descriptor >= 0 else { throw failure(errno) }
    defer { close(descriptor) }
    var status = stat()
    guard fstat(descriptor, &status) == 0 else { throw failure(errno) }
    /// read(2) into `buffer` until it is full or the file ends (retrying EINTR): the bytes read, or −errno.
    func fill(_ buffer: UnsafeMutableRawBufferPointer) -> Int {
        var filled = 0
        while filled < buffer.count {
            let n = read(descriptor, buffer.baseAddress! + filled, buffer.count - filled)
            if n < 0 && errno == EINTR { continue }
            if n < 0 { return -Int(errno) }
            if n == 0 { break }
            filled += n
        }
        return filled
    }
    // The stat size into one buffer, then whatever more there is (a file that grew, a pipe of size 0).
    var bytes = [UInt8](repeating: 0, count: max(Int(status.st_size), 0))
    let filled = bytes.withUnsafeMutableBytes(fill)
    guard filled >= 0 else { throw failure(Int32(-filled)) }
    bytes.removeLast(bytes.count - filled)
    if filled == Int(status.st_size) {
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes(fill)
            guard n >= 0 else { throw failure(Int32(-n)) }
            bytes.append(contentsOf: chunk[..<n])
            if n < chunk.count { break }
        }
    }
    return bytes
}

/// Writes `bytes` to `url` atomically, or throws a ``DataError`` naming the path.
func writeBytes(_ bytes: [UInt8], to url: URL) throws(DataError) {
    do { try AtomicFile.write(bytes, to: url.path) } catch {
        throw DataError(error.kind == .isFolder ? .invalidValue : .notFound, source: url.path, error.problem)
    }
}

/// A cursor over a byte buffer whose reads throw a ``DataError`` of kind `.truncated` naming the
/// source, the offset and what was being read when the buffer ends early.
///
/// It reads a slice in place (a zip member inside the archive's bytes is not copied); ``offset`` counts from
/// the slice's first byte.
struct ByteReader {
    let bytes: ArraySlice<UInt8>
    let source: String
    var offset: Int

    init(_ bytes: ArraySlice<UInt8>, source: String, offset: Int = 0) {
        self.bytes = bytes
        self.source = source
        self.offset = offset
    }

    init(_ bytes: [UInt8], source: String, offset: Int = 0) {
        self.init(bytes[...], source: source, offset: offset)
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
        return bytes[(bytes.startIndex + offset)..<(bytes.startIndex + offset + count)]
    }

    mutating func uint8(_ what: String) throws(DataError) -> UInt8 {
        try require(1, for: what)
        defer { offset += 1 }
        return bytes[bytes.startIndex + offset]
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
