import Foundation

/// The element encodings BiasLab reads from binary arrays (`.npy`/`.npz` through ``NPYDType``,
/// `.safetensors` through ``SafetensorsDType``): little-endian, each widened to float64 — exactly, except
/// int64 values beyond ±2⁵³, which round to the nearest float64.
enum StoredElement: Sendable {
    case float64, float32, bfloat16, float16, int64, uint8, int8

    /// Bytes per element.
    var size: Int {
        switch self {
        case .float64, .int64: 8
        case .float32: 4
        case .bfloat16, .float16: 2
        case .uint8, .int8: 1
        }
    }

    /// The first `count` elements of `bytes` (which holds at least count · size bytes), as float64.
    func decode(_ bytes: ArraySlice<UInt8>, count: Int) -> [Double] {
        precondition(bytes.count >= count * size, "StoredElement.decode: \(bytes.count) bytes for \(count) elements of \(size)")
        return [Double](unsafeUninitializedCapacity: count) { out, initialized in
            bytes.withUnsafeBytes { raw in
                func load<T: FixedWidthInteger>(_ i: Int, _: T.Type) -> T {
                    T(littleEndian: raw.loadUnaligned(fromByteOffset: i * MemoryLayout<T>.size, as: T.self))
                }
                switch self {
                case .float64: for i in 0..<count { out[i] = Double(bitPattern: load(i, UInt64.self)) }
                case .float32: for i in 0..<count { out[i] = Double(Float(bitPattern: load(i, UInt32.self))) }
                case .bfloat16: for i in 0..<count { out[i] = Double(Float(bitPattern: UInt32(load(i, UInt16.self)) << 16)) }
                case .float16: for i in 0..<count { out[i] = Self.halfToDouble(load(i, UInt16.self)) }
                case .int64: for i in 0..<count { out[i] = Double(load(i, Int64.self)) }
                case .uint8: for i in 0..<count { out[i] = Double(raw[i]) }
                case .int8: for i in 0..<count { out[i] = Double(Int8(bitPattern: raw[i])) }
                }
            }
            initialized = count
        }
    }

    /// IEEE binary16 → float64 (subnormals, infinities and NaN included), without relying on `Float16`.
    static func halfToDouble(_ h: UInt16) -> Double {
        let sign: Double = h & 0x8000 != 0 ? -1 : 1
        let exponent = Int((h >> 10) & 0x1f), fraction = Double(h & 0x3ff)
        switch exponent {
        case 0: return sign * fraction * 0x1p-24
        case 31: return fraction == 0 ? sign * .infinity : .nan
        default: return sign * (1 + fraction / 1024) * Foundation.pow(2, Double(exponent - 15))
        }
    }
}
