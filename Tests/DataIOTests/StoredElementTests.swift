@testable import DataIO
import Testing

/// Oracles: the IEEE and two's-complement bit patterns, written out by hand (little-endian).
@Suite struct StoredElementTests {
    /// `bytes` placed at an odd offset of a larger array, so the decoder reads an unaligned slice in place.
    static func unaligned(_ bytes: [UInt8]) -> ArraySlice<UInt8> { ([0xAA, 0xBB, 0xCC] + bytes + [0xDD])[3..<(3 + bytes.count)] }

    @Test func floatsWidenExactly() {
        // 1.5 = 0x3FF8000000000000, −0.1 = 0xBFB999999999999A
        #expect(StoredElement.float64.decode(Self.unaligned([0, 0, 0, 0, 0, 0, 0xF8, 0x3F, 0x9A, 0x99, 0x99, 0x99, 0x99, 0x99, 0xB9, 0xBF]), count: 2)
            == [1.5, -0.1])
        // 1.5f = 0x3FC00000, 0.1f = 0x3DCCCCCD (the float nearest 0.1, widened)
        #expect(StoredElement.float32.decode(Self.unaligned([0, 0, 0xC0, 0x3F, 0xCD, 0xCC, 0xCC, 0x3D]), count: 2) == [1.5, Double(Float(0.1))])
        // bf16 0x3F80 = 1, 0xC0A0 = −5
        #expect(StoredElement.bfloat16.decode(Self.unaligned([0x80, 0x3F, 0xA0, 0xC0]), count: 2) == [1, -5])
    }

    @Test func halfPrecisionCoversSubnormalsInfinityAndNaN() {
        // 0x3C00 = 1, 0xC000 = −2, 0x0001 = 2⁻²⁴, 0x7BFF = 65504, 0xFC00 = −∞, 0x7E00 = NaN
        let values = StoredElement.float16.decode(Self.unaligned([0x00, 0x3C, 0x00, 0xC0, 0x01, 0x00, 0xFF, 0x7B, 0x00, 0xFC, 0x00, 0x7E]), count: 6)
        #expect(Array(values.prefix(5)) == [1, -2, 0x1p-24, 65504, -.infinity] && values[5].isNaN)
    }

    @Test func integersKeepTheirSign() {
        #expect(StoredElement.int64.decode(Self.unaligned([0xFD, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 7, 0, 0, 0, 0, 0, 0, 0]), count: 2) == [-3, 7])
        #expect(StoredElement.uint8.decode(Self.unaligned([0, 255, 7]), count: 3) == [0, 255, 7])
        #expect(StoredElement.int8.decode(Self.unaligned([0x80, 0xFF, 0x7F]), count: 3) == [-128, -1, 127])
    }

    @Test func npyAndSafetensorsDTypesShareTheirSizes() {
        #expect(NPYDType.allCases.map(\.size) == [8, 4, 8, 1, 1])
        #expect(SafetensorsDType.allCases.map(\.size) == [8, 4, 2, 2])
    }
}
