import Foundation

/// An unsigned-byte array from an IDX file: its dimensions and its bytes in row-major order.
public struct IDXArray: Equatable, Sendable {
    public var shape: [Int]
    public var bytes: [UInt8]

    public init(shape: [Int], bytes: [UInt8]) {
        precondition(shape.reduce(1, *) == bytes.count, "IDXArray: shape \(shape) needs \(shape.reduce(1, *)) bytes, got \(bytes.count)")
        self.shape = shape
        self.bytes = bytes
    }
}

/// The IDX format of MNIST and Fashion-MNIST (LeCun et al., http://yann.lecun.com/exdb/mnist/), raw or
/// gzip-compressed (detected from the gzip magic 1f 8b).
///
/// A file is a magic number — two zero bytes, a type code (0x08 = unsigned byte), the number of
/// dimensions — then each dimension as a big-endian uint32, then the data in row-major order. Only
/// unsigned-byte data is read; other type codes throw `.unsupported`. Missing or extra data bytes, a
/// truncated gzip stream, or a bad magic throw a ``DataError`` naming the file.
public enum IDX {
    /// The unsigned-byte type code.
    public static let unsignedByte: UInt8 = 0x08

    /// Reads the IDX file (raw or gzip) at `url`.
    public static func read(_ url: URL) throws(DataError) -> IDXArray {
        try decode(readBytes(of: url), source: url.path)
    }

    /// Parses IDX bytes, gunzipping first when they start with the gzip magic.
    public static func decode(_ bytes: [UInt8], source: String) throws(DataError) -> IDXArray {
        var raw = bytes
        if Zlib.isGzip(bytes) {
            // The gzip trailer's last four bytes are the uncompressed size mod 2³², a good buffer size.
            let sizeHint = bytes.count >= 18 ? bytes.suffix(4).reversed().reduce(0) { $0 << 8 | Int($1) } : nil
            raw = try Zlib.inflate(bytes, wrapper: .gzip, sizeHint: sizeHint, source: source)
        }
        var reader = ByteReader(raw, source: source)
        let magic = Array(try reader.take(4, for: "the IDX magic number"))
        guard magic[0] == 0, magic[1] == 0 else {
            throw DataError(.badMagic, source: source,
                            "bad magic: not an IDX file (expected 00 00 <type> <rank> at offset 0, found \(magic.map { String(format: "%02x", $0) }.joined(separator: " ")))")
        }
        guard magic[2] == unsignedByte else {
            throw DataError(.unsupported, source: source,
                            "unsupported IDX element type 0x\(String(format: "%02x", magic[2])) (expected 0x08, unsigned byte)")
        }
        var shape: [Int] = []
        for axis in 0..<Int(magic[3]) { shape.append(try reader.uint32BE("dimension \(axis)")) }
        guard let count = checkedProduct(shape) else {
            throw DataError(.corrupt, source: source, "the dimensions \(shape) are too large")
        }
        let data = try reader.take(count, for: "the data of shape \(shape)")
        guard reader.remaining == 0 else {
            throw DataError(.corrupt, source: source, "\(reader.remaining) bytes follow the data of shape \(shape); expected none")
        }
        return IDXArray(shape: shape, bytes: Array(data))
    }

    /// Writes `array` to `url` as an IDX file, gzip-compressed when `gzip` is true (as Debian ships them).
    public static func write(_ array: IDXArray, to url: URL, gzip: Bool = false) throws(DataError) {
        let bytes = encode(array)
        try writeBytes(gzip ? Zlib.deflate(bytes, wrapper: .gzip) : bytes, to: url)
    }

    /// The IDX bytes (uncompressed) of `array`.
    public static func encode(_ array: IDXArray) -> [UInt8] {
        var out: [UInt8] = [0, 0, unsignedByte, UInt8(array.shape.count)]
        for extent in array.shape { out.appendBigEndian(UInt32(extent)) }
        out.append(contentsOf: array.bytes)
        return out
    }
}
