import Foundation
import Tensor

/// The element types BiasLab reads and writes in `.npy` files: little-endian, C order.
///
/// Values are held as `Double` in a ``Tensor``; int64 values beyond ±2⁵³ lose precision on reading.
public enum NPYDType: String, CaseIterable, Codable, Sendable {
    /// `'<f8'`, IEEE float64.
    case float64 = "<f8"
    /// `'<f4'`, IEEE float32 (widened exactly on reading, rounded to nearest on writing).
    case float32 = "<f4"
    /// `'<i8'`, signed 64-bit integer.
    case int64 = "<i8"
    /// `'|u1'`, unsigned byte.
    case uint8 = "|u1"
    /// `'|i1'`, signed byte (−128…127), e.g. compact ±1 probe vectors.
    case int8 = "|i1"

    /// Bytes per element.
    public var size: Int { element.size }

    var element: StoredElement {
        switch self {
        case .float64: .float64
        case .float32: .float32
        case .int64: .int64
        case .uint8: .uint8
        case .int8: .int8
        }
    }

    /// True for the integer types.
    public var isInteger: Bool { self != .float64 && self != .float32 }

    /// The dtype for a header's `descr`; byte order is irrelevant for single bytes, so `'<u1'` and
    /// `'>u1'` are uint8 and `'<i1'`, `'>i1'` int8 as well.
    init?(descriptor: String) {
        if let exact = NPYDType(rawValue: descriptor) { self = exact; return }
        switch descriptor.drop(while: { "<>=|".contains($0) }) {
        case "u1": self = .uint8
        case "i1": self = .int8
        default: return nil
        }
    }

    static var expectedList: String { allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ") }
}

/// An array read from a `.npy` file: its values as a float64 tensor and the dtype it was stored in.
public struct NPYArray: Equatable, Sendable {
    public var tensor: Tensor
    public var dtype: NPYDType

    public init(_ tensor: Tensor, dtype: NPYDType = .float64) {
        self.tensor = tensor
        self.dtype = dtype
    }

    /// The values as integers, when the dtype is an integer type.
    public var integers: [Int]? { dtype.isInteger ? tensor.scalars.map { Int($0) } : nil }
}

/// NumPy's `.npy` format (versions 1.0, 2.0 and 3.0 read; 1.0 written, or 2.0 when the header is too
/// long for 1.0), for the dtypes of ``NPYDType``, little-endian and C order.
///
/// A file is the magic `\x93NUMPY`, a major and minor version byte, the header length (uint16 for 1.0,
/// uint32 for 2.0/3.0, little-endian), an ASCII header — a Python dict literal such as
/// `{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }` padded with spaces and a final newline
/// so the data starts at a multiple of 64 — and then the raw elements.
///
/// Fortran-ordered arrays, big-endian or other dtypes (int32, bool, structured, object) throw a
/// ``DataError`` naming the file and the dtypes expected; convert them in NumPy with
/// `np.ascontiguousarray(a, dtype='<f8')`.
///
/// ```swift
/// try NPY.write(Tensor(rows: [[1, 2], [3, 4]]), to: url)          // '<f8'
/// let labels = try NPY.readArray(from: other).integers            // [Int]? for '<i8' / '|u1'
/// ```
public enum NPY {
    static let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)

    /// The values of the `.npy` file at `url` as a float64 tensor (any supported dtype).
    public static func read(_ url: URL) throws(DataError) -> Tensor {
        try readArray(from: url).tensor
    }

    /// The array in the `.npy` file at `url`, with the dtype it was stored in.
    public static func readArray(from url: URL) throws(DataError) -> NPYArray {
        try decode(readBytes(of: url), source: url.path)
    }

    /// Writes `tensor` to `url` as `dtype` (default float64). Integer dtypes need integral values in
    /// range; anything else throws `.invalidValue` naming the file and the first offending value.
    public static func write(_ tensor: Tensor, to url: URL, dtype: NPYDType = .float64) throws(DataError) {
        try writeBytes(encode(tensor, dtype: dtype, source: url.path), to: url)
    }

    /// Parses `.npy` bytes; `source` names them in errors.
    public static func decode(_ bytes: [UInt8], source: String) throws(DataError) -> NPYArray {
        try decode(bytes[...], source: source)
    }

    /// Parses `.npy` bytes in place (e.g. a member inside an `.npz` archive's bytes).
    static func decode(_ bytes: ArraySlice<UInt8>, source: String) throws(DataError) -> NPYArray {
        var reader = ByteReader(bytes, source: source)
        let head = try reader.take(magic.count, for: "the magic string \\x93NUMPY")
        guard Array(head) == magic else {
            throw DataError(.badMagic, source: source, "bad magic: not a .npy file (expected the bytes \\x93NUMPY at offset 0)")
        }
        let major = try reader.uint8("the format version")
        _ = try reader.uint8("the format version")
        let headerLength: Int
        switch major {
        case 1: headerLength = try reader.uint16LE("the header length")
        case 2, 3: headerLength = try reader.uint32LE("the header length")
        default: throw DataError(.unsupported, source: source, "unsupported .npy format version \(major) (expected 1, 2 or 3)")
        }
        let headerBytes = try reader.take(headerLength, for: "the header")
        guard let headerText = String(bytes: headerBytes, encoding: major == 3 ? .utf8 : .isoLatin1) else {
            throw DataError(.corrupt, source: source, "the header is not text")
        }
        let header = try Header(parsing: headerText, source: source)
        guard let count = checkedProduct(header.shape + [header.dtype.size]).map({ $0 / header.dtype.size }) else {
            throw DataError(.corrupt, source: source, "the shape \(header.shape) is too large")
        }
        let payload = try reader.take(count * header.dtype.size,
                                      for: "the data (\(count) elements of \(header.dtype.rawValue) for shape \(header.shape))")
        return NPYArray(Tensor(shape: header.shape, scalars: header.dtype.element.decode(payload, count: count)),
                        dtype: header.dtype)
    }

    /// The `.npy` bytes of `tensor` stored as `dtype`.
    public static func encode(_ tensor: Tensor, dtype: NPYDType = .float64, source: String = "array") throws(DataError) -> [UInt8] {
        let shapeText = tensor.shape.isEmpty ? "()"
            : tensor.shape.count == 1 ? "(\(tensor.shape[0]),)"
            : "(" + tensor.shape.map(String.init).joined(separator: ", ") + ")"
        var header = "{'descr': '\(dtype.rawValue)', 'fortran_order': False, 'shape': \(shapeText), }"
        // Version 1.0 holds a header of up to 65535 bytes; pad so magic + version + length + header ≡ 0 (mod 64).
        let version1 = header.utf8.count + 1 + 10 <= 65535
        let prefix = version1 ? 10 : 12
        let padding = (64 - (prefix + header.utf8.count + 1) % 64) % 64
        header += String(repeating: " ", count: padding) + "\n"

        var out = magic
        out.append(version1 ? 1 : 2)
        out.append(0)
        if version1 { out.appendLittleEndian(UInt16(header.utf8.count)) } else { out.appendLittleEndian(UInt32(header.utf8.count)) }
        out.append(contentsOf: header.utf8)
        out.reserveCapacity(out.count + tensor.count * dtype.size)
        for (i, value) in tensor.scalars.enumerated() {
            switch dtype {
            case .float64: out.appendLittleEndian(value.bitPattern)
            case .float32: out.appendLittleEndian(Float(value).bitPattern)
            case .int64:
                guard value.rounded() == value, let integer = Int64(exactly: value) else {
                    throw DataError(.invalidValue, source: source, "element \(i) = \(value) is not representable as int64")
                }
                out.appendLittleEndian(integer)
            case .uint8:
                guard let byte = UInt8(exactly: value) else {
                    throw DataError(.invalidValue, source: source, "element \(i) = \(value) is not representable as uint8 (0...255)")
                }
                out.append(byte)
            case .int8:
                guard let byte = Int8(exactly: value) else {
                    throw DataError(.invalidValue, source: source, "element \(i) = \(value) is not representable as int8 (-128...127)")
                }
                out.append(UInt8(bitPattern: byte))
            }
        }
        return out
    }

    /// The three fields of a `.npy` header dict.
    struct Header {
        var dtype: NPYDType
        var shape: [Int]

        init(parsing text: String, source: String) throws(DataError) {
            let normalized = text.replacingOccurrences(of: "\"", with: "'")
            func value(after key: String) throws(DataError) -> Substring {
                guard let range = normalized.range(of: "'\(key)':") else {
                    throw DataError(.corrupt, source: source, "the header has no '\(key)' entry: \(text.trimmingCharacters(in: .whitespacesAndNewlines))")
                }
                return normalized[range.upperBound...].drop { $0 == " " }
            }
            let descrTail = try value(after: "descr")
            guard descrTail.first == "'", let close = descrTail.dropFirst().firstIndex(of: "'") else {
                throw DataError(.unsupported, source: source,
                                "unsupported dtype: 'descr' is not a simple type string (expected one of \(NPYDType.expectedList))")
            }
            let descriptor = String(descrTail[descrTail.index(after: descrTail.startIndex)..<close])
            guard let dtype = NPYDType(descriptor: descriptor) else {
                throw DataError(.unsupported, source: source,
                                "unsupported dtype '\(descriptor)' (expected one of \(NPYDType.expectedList): little-endian float64, float32, int64, uint8 or int8)")
            }
            let fortranTail = try value(after: "fortran_order")
            if fortranTail.hasPrefix("True") {
                throw DataError(.unsupported, source: source,
                                "unsupported Fortran (column-major) order (expected C order; save np.ascontiguousarray(a))")
            }
            guard fortranTail.hasPrefix("False") else {
                throw DataError(.corrupt, source: source, "'fortran_order' is neither True nor False")
            }
            let shapeTail = try value(after: "shape")
            guard shapeTail.first == "(", let closeParen = shapeTail.firstIndex(of: ")") else {
                throw DataError(.corrupt, source: source, "'shape' is not a tuple")
            }
            let inner = shapeTail[shapeTail.index(after: shapeTail.startIndex)..<closeParen]
            var shape: [Int] = []
            for field in inner.split(separator: ",") {
                let trimmed = field.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "L", with: "")
                if trimmed.isEmpty { continue }
                guard let extent = Int(trimmed), extent >= 0 else {
                    throw DataError(.corrupt, source: source, "'shape' has a bad extent '\(trimmed)'")
                }
                shape.append(extent)
            }
            self.dtype = dtype
            self.shape = shape
        }
    }
}
