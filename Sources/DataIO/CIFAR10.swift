import Foundation
import Tensor

/// CIFAR-10's binary batches (https://www.cs.toronto.edu/~kriz/cifar.html, "binary version"):
/// `data_batch_1.bin` … `data_batch_5.bin` and `test_batch.bin`.
///
/// A batch is a sequence of 3073-byte records: one label byte (0–9) and 3072 pixel bytes, the 1024 red
/// values of a 32×32 image in row-major order, then green, then blue. A size that is not a multiple of
/// 3073 is `.truncated`; a label ≥ 10 is `.corrupt`; both name the file and the record.
public enum CIFAR10 {
    public static let imageBytes = 3 * 32 * 32
    public static let recordBytes = 1 + imageBytes
    public static let classNames = ["airplane", "automobile", "bird", "cat", "deer",
                                    "dog", "frog", "horse", "ship", "truck"]

    /// The raw contents of one batch file: `count` images of 3072 bytes each and their labels.
    public struct Batch: Equatable, Sendable {
        public var pixels: [UInt8]
        public var labels: [Int]
        public var count: Int { labels.count }
    }

    /// Reads one binary batch file.
    public static func readBatch(_ url: URL) throws(DataError) -> Batch {
        try decodeBatch(readBytes(of: url), source: url.path)
    }

    /// Parses the bytes of a binary batch.
    public static func decodeBatch(_ bytes: [UInt8], source: String) throws(DataError) -> Batch {
        guard !bytes.isEmpty else { throw DataError(.truncated, source: source, "truncated: the file is empty (expected 3073-byte records)") }
        guard bytes.count % recordBytes == 0 else {
            throw DataError(.truncated, source: source,
                            "truncated: \(bytes.count) bytes is not a whole number of 3073-byte records (record \(bytes.count / recordBytes) has \(bytes.count % recordBytes) bytes)")
        }
        let count = bytes.count / recordBytes
        var pixels = [UInt8]()
        pixels.reserveCapacity(count * imageBytes)
        var labels = [Int]()
        labels.reserveCapacity(count)
        for record in 0..<count {
            let start = record * recordBytes
            let label = Int(bytes[start])
            guard label < classNames.count else {
                throw DataError(.corrupt, source: source, "record \(record) has label \(label); expected 0–9")
            }
            labels.append(label)
            pixels.append(contentsOf: bytes[(start + 1)..<(start + recordBytes)])
        }
        return Batch(pixels: pixels, labels: labels)
    }

    /// The records of `batches`, concatenated in order: x is [N, 3, 32, 32] with pixels scaled to [0, 1]
    /// (byte / 255), y the one-hot [N, 10] targets, and `labels` the classes.
    public static func load(batches: [URL], name: String = "cifar10") throws(DataError) -> Dataset {
        var pixels: [UInt8] = [], labels: [Int] = []
        for url in batches {
            let batch = try readBatch(url)
            pixels += batch.pixels
            labels += batch.labels
        }
        let x = Tensor(shape: [labels.count, 3, 32, 32], scalars: pixels.map { Double($0) / 255 })
        return Dataset(name: name, x: x, labels: labels, classes: classNames.count)
    }
}
