import DataIO
import Foundation
import Tensor
import Testing

/// `.safetensors`: F64 round trip through the writer; F32, BF16 and F16 elements written byte by byte
/// (oracle: their IEEE values by hand); one-line errors for every malformed part.
struct SafetensorsTests {
    /// A file with one tensor of `dtype` holding `data`, header written by hand.
    static func file(dtype: String, shape: [Int], data: [UInt8], offsets: [Int]? = nil) -> [UInt8] {
        let range = offsets ?? [0, data.count]
        let header = Array("{\"t\":{\"dtype\":\"\(dtype)\",\"shape\":\(shape),\"data_offsets\":\(range)},\"__metadata__\":{\"format\":\"pt\"}}".utf8)
        var bytes: [UInt8] = []
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { bytes += $0 }
        return bytes + header + data
    }

    @Test func float64RoundTrip() throws {
        let tensors: [(name: String, tensor: Tensor)] = [("a.weight", Tensor(shape: [2, 3], scalars: [1, -2.5, 3e-300, .pi, 0, -0.0])),
                                                          ("b", Tensor([7]))]
        let read = try Safetensors.decode(Safetensors.encode(tensors), source: "m.safetensors")
        #expect(read == ["a.weight": tensors[0].tensor, "b": tensors[1].tensor])
        let directory = TemporaryDirectory()
        try Safetensors.write(tensors, to: directory.file("m.safetensors"))
        #expect(try Safetensors.read(directory.file("m.safetensors")) == read)
    }

    @Test func narrowTypesAreWidenedExactly() throws {
        // F32 1.5 = 0x3FC00000, −0.15625 = 0xBE200000
        let f32 = try Safetensors.decode(Self.file(dtype: "F32", shape: [2], data: [0, 0, 0xC0, 0x3F, 0, 0, 0x20, 0xBE]), source: "f")
        #expect(f32["t"]?.scalars == [1.5, -0.15625])
        // BF16 = the top half of F32: 0x3FC0 = 1.5, 0xC040 = −3
        let bf16 = try Safetensors.decode(Self.file(dtype: "BF16", shape: [2], data: [0xC0, 0x3F, 0x40, 0xC0]), source: "f")
        #expect(bf16["t"]?.scalars == [1.5, -3])
        // F16: 0x3C00 = 1, 0xC500 = −5, 0x0001 = 2⁻²⁴ (subnormal), 0x7BFF = 65504, 0x7C00 = ∞
        let f16 = try Safetensors.decode(Self.file(dtype: "F16", shape: [5], data: [0x00, 0x3C, 0x00, 0xC5, 0x01, 0x00, 0xFF, 0x7B, 0x00, 0x7C]), source: "f")
        #expect(f16["t"]?.scalars == [1, -5, 0x1p-24, 65504, .infinity])
    }

    @Test func malformedFilesAreOneLineErrors() {
        func problem(_ bytes: [UInt8]) -> String {
            do { _ = try Safetensors.decode(bytes, source: "m.safetensors"); return "no error" } catch { return error.description }
        }
        #expect(problem([1, 2, 3]) == "m.safetensors: truncated: the header length needs 8 bytes at offset 0, but the input has 3 bytes")
        #expect(problem([255, 255, 255, 255, 255, 255, 255, 255]).hasPrefix("m.safetensors: header length 18446744073709551615 exceeds the limit"))
        #expect(problem([4, 0, 0, 0, 0, 0, 0, 0] + Array("[1] ".utf8)) == "m.safetensors: the header is not a JSON object")
        #expect(problem(Self.file(dtype: "I64", shape: [1], data: [UInt8](repeating: 0, count: 8)))
                == "m.safetensors: tensor 't': dtype 'I64' (expected one of F64, F32, BF16, F16)")
        #expect(problem(Self.file(dtype: "F64", shape: [2], data: [UInt8](repeating: 0, count: 8)))
                == "m.safetensors: tensor 't': shape [2] of F64 does not fill its 8 bytes")
        #expect(problem(Self.file(dtype: "F64", shape: [1], data: [UInt8](repeating: 0, count: 8), offsets: [8, 16]))
                == "m.safetensors: tensor 't': data_offsets [8, 16] do not lie within the 8-byte data buffer")
        #expect(problem(Self.file(dtype: "F64", shape: [-1], data: [])) == "m.safetensors: tensor 't': shape is not a list of non-negative integers")
        #expect(problem(Self.file(dtype: "F64", shape: [1 << 40, 1 << 40], data: [])).hasPrefix("m.safetensors: tensor 't': shape"))
    }
}
