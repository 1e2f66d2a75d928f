import Foundation
import Testing
import Tensor
@testable import DataIO

/// Oracles: files the test builds byte by byte from the format specifications (IDX: LeCun's MNIST page;
/// CIFAR-10: the "binary version" section of the CIFAR page), read back exactly.
@Suite struct IDXAndCIFARTests {
    let images = IDXArray(shape: [3, 2, 4], bytes: (0..<24).map { UInt8($0 * 10) })

    @Test("IDX: raw and gzip files round-trip exactly (oracle: the bytes written)", arguments: [false, true])
    func idxRoundTrip(gzip: Bool) throws {
        let directory = TemporaryDirectory()
        let url = directory.file("images.idx")
        try IDX.write(images, to: url, gzip: gzip)
        let bytes = [UInt8](try Data(contentsOf: url))
        #expect(Zlib.isGzip(bytes) == gzip)
        #expect(try IDX.read(url) == images)
    }

    @Test("IDX: the header is 00 00 08 rank, then big-endian dimensions (oracle: the format spec)")
    func idxLayout() {
        let bytes = IDX.encode(IDXArray(shape: [258], bytes: [UInt8](repeating: 1, count: 258)))
        #expect(Array(bytes.prefix(8)) == [0, 0, 8, 1, 0, 0, 1, 2])
    }

    @Test("IDX: truncated, overlong, bad-magic, non-byte and truncated-gzip files give clear errors")
    func idxErrors() throws {
        let raw = IDX.encode(images)
        func problem(_ bytes: [UInt8]) -> DataError? {
            do { _ = try IDX.decode(bytes, source: "img.idx"); return nil } catch { return error }
        }
        #expect(problem(Array(raw.dropLast(1)))?.description ==
                "img.idx: truncated: the data of shape [3, 2, 4] needs 24 bytes at offset 16, but the input has 39 bytes")
        #expect(problem(Array(raw.prefix(10)))?.kind == .truncated)
        #expect(problem(raw + [0])?.kind == .corrupt)
        #expect(problem([1, 2, 3, 4] + raw.dropFirst(4))?.kind == .badMagic)
        #expect(problem([0, 0, 0x0D, 1, 0, 0, 0, 1, 0, 0, 0, 0])?.description ==
                "img.idx: unsupported IDX element type 0x0d (expected 0x08, unsigned byte)")
        let gzip = Zlib.deflate(raw, wrapper: .gzip)
        #expect(problem(Array(gzip.dropLast(12)))?.kind == .truncated)
        var corrupt = gzip
        corrupt[gzip.count - 6] ^= 0xFF  // the gzip trailer's CRC-32
        #expect(problem(corrupt)?.kind == .corrupt)
        #expect(throws: DataError(.notFound, source: "/nonexistent/x.idx", "no such file")) {
            try IDX.read(URL(fileURLWithPath: "/nonexistent/x.idx"))
        }
    }

    /// Two records: label 3 with pixel bytes 0, 1, 2, … (mod 256), and label 9 with all bytes 255.
    func cifarBytes() -> [UInt8] {
        [3] + (0..<3072).map { UInt8($0 % 256) } + [9] + [UInt8](repeating: 255, count: 3072)
    }

    @Test("CIFAR-10: records of 1 label byte + 3072 pixels decode exactly (oracle: the bytes written)")
    func cifarBatch() throws {
        let directory = TemporaryDirectory()
        let url = directory.write(cifarBytes(), to: "data_batch_1.bin")
        let batch = try CIFAR10.readBatch(url)
        #expect(batch.labels == [3, 9])
        #expect(batch.pixels == Array(cifarBytes()[1..<3073]) + [UInt8](repeating: 255, count: 3072))
        let dataset = try CIFAR10.load(batches: [url, url])
        #expect(dataset.x.shape == [4, 3, 32, 32])
        #expect(dataset.labels == [3, 9, 3, 9])
        #expect(dataset.y.shape == [4, 10] && dataset.y[1, 9] == 1 && dataset.y.sum() == 4)
        // Channel-major layout: pixel (c=1 green, row 0, col 5) of image 0 is byte 1 + 1024 + 5.
        #expect(dataset.x[0, 1, 0, 5] == Double((1024 + 5) % 256) / 255)
        #expect(dataset.x[1, 2, 31, 31] == 1)
    }

    @Test("CIFAR-10: truncated files and bad labels name the file and the record")
    func cifarErrors() {
        #expect(throws: DataError(.truncated, source: "b.bin",
                                  "truncated: 6145 bytes is not a whole number of 3073-byte records (record 1 has 3072 bytes)")) {
            try CIFAR10.decodeBatch(Array(cifarBytes().dropLast(1)), source: "b.bin")
        }
        var badLabel = cifarBytes()
        badLabel[3073] = 10
        #expect(throws: DataError(.corrupt, source: "b.bin", "record 1 has label 10; expected 0–9")) {
            try CIFAR10.decodeBatch(badLabel, source: "b.bin")
        }
        #expect(throws: DataError.self) { try CIFAR10.decodeBatch([], source: "b.bin") }
    }
}
