import Foundation
import Testing
import Tensor
@testable import DataIO

/// Oracles: the published split sizes (Xiao et al. 2017: 60 000 / 10 000 images, balanced classes) and
/// pixel sums computed independently with Python's gzip + NumPy on Debian's files:
/// `np.frombuffer(gzip.open(f).read()[16:], np.uint8).astype(np.int64).sum()`.
@Suite struct FashionMNISTTests {
    static let trainPixelSum = 3_431_114_169
    static let testPixelSum = 573_469_082
    static let firstTestImageSum = 33_456

    @Test("60000 training and 10000 test images, 6000 and 1000 per class (oracle: the dataset paper)")
    func counts() throws {
        for (split, total, perClass) in [(FashionMNIST.Split.train, 60_000, 6_000), (.test, 10_000, 1_000)] {
            let raw = try FashionMNIST.loadRaw(split: split)
            #expect(raw.count == total && raw.pixels.count == total * 784)
            #expect(Dictionary(raw.labels.map { ($0, 1) }, uniquingKeysWith: +) == Dictionary(uniqueKeysWithValues: (0..<10).map { ($0, perClass) }))
        }
    }

    @Test("pixel sums equal NumPy's, and the scaled test mean is sum / 255 / (10000·784) (oracle: NumPy)")
    func pixelStatistics() throws {
        #expect(try FashionMNIST.loadRaw(split: .train).pixels.reduce(0) { $0 + Int($1) } == Self.trainPixelSum)
        let test = try FashionMNIST.load(split: .test)
        #expect(test.x.shape == [10_000, 784] && test.y.shape == [10_000, 10])
        let expected = Double(Self.testPixelSum) / 255 / 7_840_000
        // Summing 7.84M values in [0, 1]: relative rounding error ≤ n·ulp ≈ 2e-9 in the worst case.
        #expect(abs(test.x.mean() - expected) <= 1e-9 * expected, "mean \(test.x.mean()) vs \(expected)")
        #expect(abs(test.x.row(0).sum() * 255 - Double(Self.firstTestImageSum)) < 1e-9)
    }

    @Test("subsets: first n is a prefix, n per class is balanced and determined by the seed (oracle: the full split)")
    func subsets() throws {
        let full = try FashionMNIST.load(split: .test)
        let first = try FashionMNIST.load(split: .test, options: .init(selection: .first(50)))
        #expect(first == full.subset(Array(0..<50), name: first.name))
        let a = try FashionMNIST.load(split: .test, options: .init(selection: .perClass(7, seed: 3)))
        let b = try FashionMNIST.load(split: .test, options: .init(selection: .perClass(7, seed: 3)))
        let c = try FashionMNIST.load(split: .test, options: .init(selection: .perClass(7, seed: 4)))
        #expect(a == b)
        #expect(a.x != c.x)
        #expect(a.labelCounts == Dictionary(uniqueKeysWithValues: (0..<10).map { ($0, 7) }))
        // Every selected image is an image of the full split with the same label.
        let rows = Set((0..<full.count).map { full.x.row($0).scalars + [Double(full.labels![$0])] })
        #expect((0..<a.count).allSatisfy { rows.contains(a.x.row($0).scalars + [Double(a.labels![$0])]) })
    }

    @Test("class subset relabels by rank; image layout reshapes; too large a request names the counts")
    func classesAndLayout() throws {
        let options = FashionMNIST.Options(selection: .perClass(5, seed: 1), classes: [7, 2], layout: .image)
        let data = try FashionMNIST.load(split: .train, options: options)
        #expect(data.x.shape == [10, 1, 28, 28] && data.y.shape == [10, 2])
        #expect(data.labelCounts == [0: 5, 1: 5])
        let raw = try FashionMNIST.loadRaw(split: .train)
        let flat = try FashionMNIST.load(split: .train, options: .init(selection: .perClass(5, seed: 1), classes: [2, 7]))
        #expect(flat.x.scalars == data.x.scalars)
        // Relabelled 0 ↔ class 2 (Pullover): the first selected image with label 0 is a class-2 image.
        let firstClass2 = flat.x.row(flat.labels!.firstIndex(of: 0)!).scalars.map { UInt8(($0 * 255).rounded()) }
        #expect((0..<raw.count).contains { raw.labels[$0] == 2 && Array(raw.pixels[($0 * 784)..<($0 * 784 + 784)]) == firstClass2 })
        #expect { try FashionMNIST.load(split: .test, options: .init(selection: .perClass(1001, seed: 0))) } throws: { error in
            (error as! DataError).problem == "asked for 1001 images of class 0, but the test split has 1000"
        }
    }

    @Test("centering subtracts the per-pixel mean of the training subset, for both splits (oracle: the uncentered data)")
    func centering() throws {
        let train = try FashionMNIST.load(split: .train, options: .init(selection: .first(300), centering: .trainingMean))
        // Column sums of 300 centered values in [−1, 1]: rounding error well below 300 ulp(1) ≈ 7e-14.
        #expect(train.x.sum(axis: 0).scalars.allSatisfy { abs($0 / 300) < 1e-13 })
        let plainTest = try FashionMNIST.load(split: .test, options: .init(selection: .first(20)))
        let centeredTest = try FashionMNIST.load(split: .test, options: .init(selection: .first(20), centering: .trainingMean))
        // The test split is centered with the mean of the training images the same options select.
        let mu = try FashionMNIST.load(split: .train, options: .init(selection: .first(20))).x.sum(axis: 0).map { $0 / 20 }
        #expect((centeredTest.x + mu - plainTest.x).scalars.allSatisfy { abs($0) < 1e-15 })
    }

    @Test("a missing directory says how to install the package")
    func missingDirectory() {
        #expect { try FashionMNIST.load(directory: URL(fileURLWithPath: "/nonexistent/fashion")) } throws: { error in
            (error as! DataError).description == "/nonexistent/fashion: Fashion-MNIST not found; install it with `apt-get install dataset-fashion-mnist`"
        }
    }
}
