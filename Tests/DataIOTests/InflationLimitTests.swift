@testable import DataIO
import Tensor
import Testing

/// Zip members are inflated to at most their declared size, a declared size beyond deflate's ratio is
/// refused before inflating, and sizes from input are bounded (issue 16).
struct InflationLimitTests {
    @Test func inflationStopsAtTheDeclaredSize() throws {
        let zeros = [UInt8](repeating: 0, count: 1 << 20)
        let compressed = Zlib.deflate(zeros, wrapper: .raw)
        #expect(compressed.count < 2000)  // 1 MiB of zeros deflates by about 1000:1
        #expect(try Zlib.inflate(compressed, wrapper: .raw, sizeHint: zeros.count, limit: zeros.count, source: "m") == zeros)
        #expect(throws: DataError.self) { try Zlib.inflate(compressed, wrapper: .raw, sizeHint: 1000, limit: 1000, source: "m") }
        do {
            _ = try Zlib.inflate(compressed, wrapper: .raw, limit: 4096, source: "bomb.npz[x.npy]")
        } catch {
            #expect(error.kind == .corrupt && error.description.contains("more than the 4096 bytes declared"))
        }
    }

    @Test func declaredSizesAreChecked() {
        #expect(ZipArchive.inflationProblem(declared: 1 << 20, compressed: 1100) == nil)
        // 8 GiB from 8 MiB is within deflate's ratio: allowed up to the input size limit, never beyond the declared size.
        #expect((ZipArchive.inflationProblem(declared: 1 << 33, compressed: 8 << 20) ?? "").contains("1032:1") == false)
        #expect(ZipArchive.inflationProblem(declared: 1 << 32, compressed: 1000)?.contains("1032:1") == true)
        // Declared sizes within the ratio are still bounded by the input size limit.
        #expect(ZipArchive.inflationProblem(declared: Int.max - 8, compressed: Int.max / 1000) != nil)
    }

    @Test func crc32MatchesTheStandardCheckValue() {
        #expect(Zlib.crc32(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(Zlib.crc32([UInt8]()) == 0)
    }

    @Test func inputSizeLimitMultipliesWithoutOverflow() {
        #expect(InputSizeLimit.product([3, 4]) == 12)
        #expect(InputSizeLimit.product([Int.max, 2]) == nil)
        #expect(InputSizeLimit.product([-1, 2]) == nil)
        #expect(InputSizeLimit.product([InputSizeLimit.maxValues, 1]) == InputSizeLimit.maxValues)
        #expect(InputSizeLimit.product([InputSizeLimit.maxValues, 2]) == nil)
        #expect(InputSizeLimit.maxValues <= 1 << 34 && InputSizeLimit.maxValues > 1 << 20)
        #expect(InputSizeLimit.problem("x", [1 << 40, 1 << 40])?.contains("x has 1099511627776 × 1099511627776 values") == true)
        #expect(Dataset.oneHotProblem(samples: 10, classes: 1 << 21)?.contains("classes") == true)
        #expect(Dataset.oneHotProblem(samples: 10, classes: 10) == nil)
    }
}
