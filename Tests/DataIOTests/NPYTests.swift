import Foundation
import Testing
import Tensor
@testable import DataIO

/// Oracles: exact round trips (the values written are exactly representable in each dtype), files
/// written by NumPy itself, and the byte layout of the .npy specification.
@Suite struct NPYTests {
    static let values: [NPYDType: Tensor] = [
        .float64: Tensor(shape: [2, 3], scalars: [0, -1.5, .pi, 1e-300, -.infinity, 12345.678]),
        .float32: Tensor(shape: [3, 1], scalars: [0.5, -2.25, Double(Float(0.1))]),
        .int64: Tensor(shape: [4], scalars: [-9_007_199_254_740_992, -1, 0, 9_007_199_254_740_992]),
        .uint8: Tensor(shape: [2, 2, 1], scalars: [0, 1, 128, 255]),
        .int8: Tensor(shape: [5], scalars: [-128, -1, 0, 1, 127]),
    ]

    @Test("round trip through a .npy file is exact for every dtype (oracle: the values written)",
          arguments: NPYDType.allCases)
    func npyRoundTrip(dtype: NPYDType) throws {
        let directory = TemporaryDirectory()
        let url = directory.file("a.npy")
        let tensor = Self.values[dtype]!
        try NPY.write(tensor, to: url, dtype: dtype)
        let array = try NPY.readArray(from: url)
        #expect(array.dtype == dtype)
        #expect(array.tensor == tensor)
        // The .npy spec: data starts at a multiple of 64 and the file is exactly header + elements.
        let bytes = [UInt8](try Data(contentsOf: url))
        #expect(bytes.count == Int(bytes[8]) + Int(bytes[9]) * 256 + 10 + tensor.count * dtype.size)
        #expect((bytes.count - tensor.count * dtype.size) % 64 == 0)
    }

    @Test("a rank-0 array and an empty array round-trip (oracle: the values written)")
    func scalarAndEmpty() throws {
        for tensor in [Tensor(2.5), Tensor(shape: [0, 3], scalars: [])] {
            let bytes = try NPY.encode(tensor)
            #expect(try NPY.decode(bytes, source: "t").tensor == tensor)
        }
        let header = String(decoding: try NPY.encode(Tensor(2.5))[10..<80], as: UTF8.self)
        #expect(header.contains("'shape': (),"))
    }

    @Test("writing a non-integral or out-of-range value as an integer dtype throws, naming the element")
    func integerWriteRejectsBadValues() {
        #expect { try NPY.encode(Tensor([1, 2.5]), dtype: .int64, source: "w.npy") } throws: { error in
            (error as? DataError)?.description == "w.npy: element 1 = 2.5 is not representable as int64"
        }
        #expect(throws: DataError.self) { try NPY.encode(Tensor([256]), dtype: .uint8) }
        #expect(throws: DataError.self) { try NPY.encode(Tensor([-1]), dtype: .uint8) }
        #expect(throws: DataError.self) { try NPY.encode(Tensor([128]), dtype: .int8) }
        #expect(throws: DataError.self) { try NPY.encode(Tensor([-129]), dtype: .int8) }
    }

    @Test("single-byte dtypes read with any byte-order mark, '<i1' and '>u1' alike (oracle: the values written)")
    func singleByteDescriptorsIgnoreByteOrder() throws {
        for dtype in [NPYDType.int8, .uint8] {
            let tensor = Self.values[dtype]!
            let bytes = try NPY.encode(tensor, dtype: dtype)
            let dataStart = 10 + Int(bytes[8]) + Int(bytes[9]) * 256  // version 1.0: uint16 header length
            for mark in ["<", ">", "="] {
                // The same header with '|' replaced (one byte for one, so the padding stays valid).
                let header = String(decoding: bytes[10..<dataStart], as: UTF8.self)
                    .replacingOccurrences(of: "'|", with: "'\(mark)")
                let edited = Array(bytes[..<10]) + Array(header.utf8) + Array(bytes[dataStart...])
                #expect(try NPY.decode(edited, source: "t") == NPYArray(tensor, dtype: dtype), "\(mark)\(dtype)")
            }
        }
    }

    @Test("npz round trip for every dtype in one archive (oracle: the arrays written)")
    func npzRoundTrip() throws {
        let directory = TemporaryDirectory()
        let url = directory.file("all.npz")
        var arrays: [String: NPYArray] = [:]
        for (dtype, tensor) in Self.values { arrays["a_\(dtype)"] = NPYArray(tensor, dtype: dtype) }
        try NPZ.write(arrays: arrays, to: url)
        #expect(try NPZ.readArrays(from: url) == arrays)
        // Float64 convenience API.
        try NPZ.write(["x": Self.values[.float64]!], to: url)
        #expect(try NPZ.read(url) == ["x": Self.values[.float64]!])
    }

    @Test("the archive we write is a valid zip: Python's zipfile and numpy read it back (oracle: numpy)",
          .enabled(if: NPYTests.runPython(["-c", "import numpy"]).status == 0))
    func numpyReadsOurArchive() throws {
        let directory = TemporaryDirectory()
        let url = directory.file("ours.npz")
        try NPZ.write(arrays: ["x": NPYArray(Tensor(rows: [[1, 2], [3, 4.5]])),
                               "y": NPYArray(Tensor([3, 1]), dtype: .int64),
                               "z": NPYArray(Tensor([-1, 1, -128, 127]), dtype: .int8)], to: url)
        let script = """
            import numpy as np, zipfile, sys
            assert zipfile.ZipFile(sys.argv[1]).testzip() is None
            d = np.load(sys.argv[1])
            print(d['x'].tolist(), d['y'].dtype, d['y'].tolist(), d['z'].dtype, d['z'].tolist())
            """
        let (status, output) = Self.runPython(["-c", script, url.path])
        #expect(status == 0)
        #expect(output == "[[1.0, 2.0], [3.0, 4.5]] int64 [3, 1] int8 [-1, 1, -128, 127]\n")
    }

    /// Runs the `python3` on PATH; (exit status, stdout), or status −1 when it cannot start.
    static func runPython(_ arguments: [String]) -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return (-1, "") }
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, output)
    }

    @Test("reads an archive written by np.savez: stored members with zip64 extras (oracle: numpy's values)")
    func readsNumPySavez() throws {
        let arrays = try NPZ.decode(base64Bytes(NumPyFixtures.savez), source: "savez.npz")
        #expect(arrays.keys.sorted() == ["f32", "i64", "u8", "x"])
        #expect(arrays["x"] == NPYArray(Tensor(shape: [2, 3], scalars: [0, 0.25, 0.5, 0.75, 1, 1.25]), dtype: .float64))
        #expect(arrays["f32"] == NPYArray(Tensor([1.5, -2.25]), dtype: .float32))
        #expect(arrays["i64"] == NPYArray(Tensor(shape: [1, 2], scalars: [-3, 7]), dtype: .int64))
        #expect(arrays["u8"] == NPYArray(Tensor([0, 255, 7]), dtype: .uint8))
    }

    @Test("reads an archive written by np.savez_compressed: deflate members (oracle: numpy's values)")
    func readsNumPySavezCompressed() throws {
        let arrays = try NPZ.decode(base64Bytes(NumPyFixtures.savezCompressed), source: "c.npz")
        #expect(arrays["x"]?.tensor == Tensor(shape: [2, 3], scalars: [0, 0.25, 0.5, 0.75, 1, 1.25]))
        #expect(arrays["y"]?.integers == [2, 0, 1, 2])
    }

    @Test("Fortran order, big-endian and int32 arrays from NumPy are refused with the file and what was expected")
    func unsupportedNumPyArrays() {
        expectError(.unsupported, containing: "Fortran", from: NumPyFixtures.fortranOrder)
        expectError(.unsupported, containing: "unsupported dtype '>f8' (expected one of '<f8', '<f4', '<i8', '|u1'", from: NumPyFixtures.bigEndian)
        expectError(.unsupported, containing: "'<i4'", from: NumPyFixtures.int32)
    }

    @Test("truncated and corrupt .npy bytes give one-line errors naming the file")
    func corruptNPY() throws {
        let good = try NPY.encode(Tensor([1, 2, 3]))
        expectError(.badMagic, containing: "bad magic", bytes: Array("PK\u{3}\u{4}hello".utf8))
        expectError(.truncated, containing: "truncated: the data (3 elements of <f8 for shape [3])", bytes: Array(good.dropLast(1)))
        expectError(.truncated, containing: "truncated: the header", bytes: Array(good.prefix(40)))
        expectError(.truncated, containing: "truncated", bytes: Array(good.prefix(3)))
        var noShape = good
        let range = noShape.indices.dropFirst(10).prefix(60)
        let text = String(decoding: noShape[range], as: UTF8.self).replacingOccurrences(of: "'shape'", with: "'shaqe'")
        noShape.replaceSubrange(range, with: Array(text.utf8))
        expectError(.corrupt, containing: "no 'shape' entry", bytes: noShape)
    }

    @Test("truncated, corrupt and non-zip .npz files give one-line errors naming the file and member")
    func corruptNPZ() throws {
        let good = try ZipArchive.stored([("x.npy", try NPY.encode(Tensor([1, 2, 3])))], source: "t")
        #expect(throws: DataError(.truncated, source: "f.npz", "truncated: the zip archive has no end-of-central-directory record")) {
            try NPZ.decode(Array(good.dropLast(10)), source: "f.npz")
        }
        #expect(throws: DataError.self) { try NPZ.decode(Array(good.prefix(10)), source: "f.npz") }
        var flipped = good
        flipped[100] ^= 0xFF  // inside the member x.npy (its header padding)
        #expect { try NPZ.decode(flipped, source: "f.npz") } throws: { error in
            let e = error as! DataError
            return e.kind == .corrupt && e.source == "f.npz[x.npy]" && e.problem.contains("CRC-32")
        }
        #expect { try NPZ.decode(Array(repeating: 7, count: 100), source: "f.npz") } throws: { error in
            (error as! DataError).kind == .badMagic
        }
        // A deflate member cut short: the compressed stream ends early.
        var deflated = base64Bytes(NumPyFixtures.savezCompressed)
        deflated[60] ^= 0x55
        #expect(throws: DataError.self) { try NPZ.decode(deflated, source: "c.npz") }
    }

    @Test("the written archive is byte-identical for the same arrays (sorted members, fixed timestamps)")
    func deterministicArchive() throws {
        let directory = TemporaryDirectory()
        let a = directory.file("a.npz"), b = directory.file("b.npz")
        try NPZ.write(["y": Tensor([1]), "x": Tensor([2])], to: a)
        try NPZ.write(["x": Tensor([2]), "y": Tensor([1])], to: b)
        #expect(try Data(contentsOf: a) == Data(contentsOf: b))
    }

    private func expectError(_ kind: DataError.Kind, containing text: String, from base64: String) {
        expectError(kind, containing: text, bytes: base64Bytes(base64))
    }

    private func expectError(_ kind: DataError.Kind, containing text: String, bytes: [UInt8],
                             sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            _ = try NPY.decode(bytes, source: "file.npy")
            Issue.record("expected a \(kind) error containing \"\(text)\"", sourceLocation: sourceLocation)
        } catch {
            #expect(error.kind == kind, "\(error)", sourceLocation: sourceLocation)
            #expect(error.description.hasPrefix("file.npy: "), sourceLocation: sourceLocation)
            #expect(error.description.contains(text), "\(error)", sourceLocation: sourceLocation)
            #expect(!error.description.contains("\n"), sourceLocation: sourceLocation)
        }
    }
}
