import Foundation
import Tensor

/// The element types of a `.safetensors` file BiasLab reads, all widened exactly to float64.
public enum SafetensorsDType: String, CaseIterable, Sendable {
    case float64 = "F64"
    case float32 = "F32"
    case bfloat16 = "BF16"
    case float16 = "F16"

    /// Bytes per element.
    public var size: Int { element.size }

    var element: StoredElement {
        switch self {
        case .float64: .float64
        case .float32: .float32
        case .bfloat16: .bfloat16
        case .float16: .float16
        }
    }
}

/// The `.safetensors` format (Hugging Face): an 8-byte little-endian header length N, N bytes of JSON
/// `{"<name>": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, …, "__metadata__": {…}}`,
/// then the data buffer, each tensor's row-major little-endian elements at bytes begin ..< end of it.
///
/// Reads F64, F32, BF16 and F16 (widened to float64); any other dtype, an offset outside the buffer,
/// a byte range that does not hold shape's element count, or a malformed header is a one-line
/// ``DataError`` naming the file and the tensor. Writes F64 (tests, round trips).
public enum Safetensors {
    /// The largest header read (100 MB, the reference implementation's limit).
    public static let maxHeaderBytes = 100_000_000

    /// The tensors of a file, by name.
    public static func read(_ url: URL) throws(DataError) -> [String: Tensor] {
        try decode(readBytes(of: url), source: url.path)
    }

    /// The tensors of a file's bytes (`source` names it in errors).
    public static func decode(_ bytes: [UInt8], source: String) throws(DataError) -> [String: Tensor] {
        var reader = ByteReader(bytes, source: source)
        let length = try reader.uint64LE("the header length")
        guard length <= UInt64(maxHeaderBytes) else {
            throw DataError(.corrupt, source: source, "header length \(length) exceeds the limit of \(maxHeaderBytes) bytes")
        }
        let header = try reader.take(Int(length), for: "the JSON header")
        let buffer = bytes[reader.offset...]
        guard let object = try? JSONSerialization.jsonObject(with: Data(header)), let entries = object as? [String: Any] else {
            throw DataError(.corrupt, source: source, "the header is not a JSON object")
        }
        var tensors: [String: Tensor] = [:]
        for (name, entry) in entries where name != "__metadata__" {
            func bad(_ problem: String) -> DataError { DataError(.corrupt, source: source, "tensor '\(name)': \(problem)") }
            guard let fields = entry as? [String: Any], let dtypeText = fields["dtype"] as? String,
                  let shapeValues = fields["shape"] as? [Any], let offsetValues = fields["data_offsets"] as? [Any] else {
                throw bad("expected {\"dtype\", \"shape\", \"data_offsets\"}")
            }
            guard let dtype = SafetensorsDType(rawValue: dtypeText) else {
                throw DataError(.unsupported, source: source,
                                "tensor '\(name)': dtype '\(dtypeText)' (expected one of \(SafetensorsDType.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            let shape = shapeValues.compactMap { ($0 as? NSNumber).flatMap { Int(exactly: $0.doubleValue) } }
            let offsets = offsetValues.compactMap { ($0 as? NSNumber).flatMap { Int(exactly: $0.doubleValue) } }
            guard shape.count == shapeValues.count, shape.allSatisfy({ $0 >= 0 }) else { throw bad("shape is not a list of non-negative integers") }
            guard offsets.count == 2, offsets.count == offsetValues.count, offsets[0] >= 0, offsets[0] <= offsets[1], offsets[1] <= buffer.count else {
                throw bad("data_offsets \(offsetValues) do not lie within the \(buffer.count)-byte data buffer")
            }
            guard let count = checkedProduct(shape), let byteCount = checkedProduct([count, dtype.size]), byteCount == offsets[1] - offsets[0] else {
                throw bad("shape \(shape) of \(dtype.rawValue) does not fill its \(offsets[1] - offsets[0]) bytes")
            }
            let start = buffer.startIndex + offsets[0]
            tensors[name] = Tensor(shape: shape, scalars: dtype.element.decode(bytes[start..<(start + byteCount)], count: count))
        }
        return tensors
    }

    /// Writes `tensors` as F64 in the given order (names sorted when no order is given, as the reference writer does).
    public static func write(_ tensors: [(name: String, tensor: Tensor)], to url: URL) throws(DataError) {
        try writeBytes(encode(tensors), to: url)
    }

    /// The bytes of a file holding `tensors` as F64.
    public static func encode(_ tensors: [(name: String, tensor: Tensor)]) -> [UInt8] {
        var entries: [String] = [], data: [UInt8] = []
        for (name, tensor) in tensors {
            let begin = data.count
            for x in tensor.scalars { data.appendLittleEndian(x.bitPattern) }
            let escaped = name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            entries.append("\"\(escaped)\":{\"dtype\":\"F64\",\"shape\":[\(tensor.shape.map(String.init).joined(separator: ","))],\"data_offsets\":[\(begin),\(data.count)]}")
        }
        var header = Array(("{" + entries.joined(separator: ",") + "}").utf8)
        while header.count % 8 != 0 { header.append(UInt8(ascii: " ")) }
        var bytes: [UInt8] = []
        bytes.appendLittleEndian(UInt64(header.count))
        return bytes + header + data
    }
}
