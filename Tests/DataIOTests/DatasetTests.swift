import Foundation
import Testing
import Tensor
@testable import DataIO

/// Oracles: hand-computed subsets and one-hot matrices, and archives whose contents the test chooses.
@Suite struct DatasetTests {
    let dataset = Dataset(name: "toy", x: Tensor(rows: [[0, 1], [2, 3], [4, 5]]), labels: [2, 0, 2], classes: 3)

    @Test("one-hot targets, count, subset and label counts (oracle: hand-computed)")
    func helpers() {
        #expect(dataset.count == 3 && dataset.inputShape == [2])
        #expect(dataset.y == Tensor(rows: [[0, 0, 1], [1, 0, 0], [0, 0, 1]]))
        let sub = dataset.subset([2, 0, 2])
        #expect(sub.x == Tensor(rows: [[4, 5], [0, 1], [4, 5]]))
        #expect(sub.labels == [2, 2, 2] && sub.y.row(1) == Tensor([0, 0, 1]))
        #expect(dataset.labelCounts == [0: 1, 2: 2])
        #expect(Dataset(name: "r", x: Tensor.zeros([2, 1]), y: Tensor.zeros([2, 1])).labelCounts == nil)
    }

    @Test("write(npz:) then load(npz:) gives the same dataset (oracle: the dataset written)")
    func roundTrip() throws {
        let directory = TemporaryDirectory()
        let url = directory.file("toy.npz")
        try dataset.write(npz: url)
        #expect(try Dataset.load(npz: url, name: "toy") == dataset)
        let regression = Dataset(name: "reg", x: Tensor.ones([2, 3]), y: Tensor(rows: [[0.5], [1.5]]))
        try regression.write(npz: url)
        #expect(try Dataset.load(npz: url, name: "reg") == regression)
    }

    @Test("an integer 1-D y becomes labels plus one-hot targets; a float 1-D y becomes [N, 1]")
    func loadConventions() throws {
        let directory = TemporaryDirectory()
        let url = directory.file("labels.npz")
        try NPZ.write(arrays: ["x": NPYArray(Tensor.zeros([3, 2])), "y": NPYArray(Tensor([1, 0, 1]), dtype: .uint8)], to: url)
        let loaded = try Dataset.load(npz: url)
        #expect(loaded.labels == [1, 0, 1] && loaded.y == Tensor(rows: [[0, 1], [1, 0], [0, 1]]) && loaded.name == "labels")
        try NPZ.write(["x": Tensor.zeros([3, 2]), "y": Tensor([1, 0, 1])], to: url)
        #expect(try Dataset.load(npz: url).y.shape == [3, 1])
        // The real NumPy archive: y is int64 [2, 0, 1, 2] but x has 2 rows → a clear error.
        let numpy = directory.write(base64Bytes(NumPyFixtures.savezCompressed), to: "numpy.npz")
        #expect { try Dataset.load(npz: numpy) } throws: { error in
            (error as! DataError).description.hasSuffix("'x' has shape [2, 3] and 'y' has shape [4]; expected the same first extent N")
        }
    }

    @Test("a missing x or y names the file and the key")
    func missingKey() throws {
        let directory = TemporaryDirectory()
        let url = directory.file("only-x.npz")
        try NPZ.write(["x": Tensor.zeros([2, 2])], to: url)
        #expect(throws: DataError(.missingKey, source: url.path, "missing key 'y' (expected arrays 'x' and 'y'; found 'x')")) {
            try Dataset.load(npz: url)
        }
    }
}
