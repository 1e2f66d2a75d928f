@testable import DataIO
import Foundation
import Testing

@Suite struct ReadBytesTests {
    /// A byte pattern that is not periodic in 64 KiB (the read chunk), so a misplaced chunk shows.
    static func pattern(_ count: Int) -> [UInt8] { (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 7) } }

    @Test(arguments: [0, 1, 65_535, 65_536, 65_537, 300_001])
    func readsARegularFileWhole(count: Int) throws {
        let directory = TemporaryDirectory()
        let bytes = Self.pattern(count)
        #expect(try readBytes(of: directory.write(bytes, to: "f.bin")) == bytes)
    }

    /// A pipe has size 0 in stat; its bytes are read to the end all the same.
    @Test func readsAPipeToItsEnd() throws {
        let directory = TemporaryDirectory()
        let fifo = directory.file("pipe")
        #expect(mkfifo(fifo.path, 0o600) == 0)
        let bytes = Self.pattern(200_003)
        let writer = Thread {
            let handle = FileHandle(forWritingAtPath: fifo.path)!
            handle.write(Data(bytes))
            try? handle.close()
        }
        writer.start()
        #expect(try readBytes(of: fifo) == bytes)
    }

    @Test func aMissingFileOrAFolderIsADataErrorNamingThePath() {
        let directory = TemporaryDirectory()
        #expect { try readBytes(of: directory.file("absent.npy")) } throws: { error in
            (error as? DataError)?.source == directory.file("absent.npy").path && "\(error)".contains("no such file")
        }
        #expect { try readBytes(of: directory.url) } throws: { error in "\(error)".contains("is a directory") }
    }

    /// A stored `.npz` member is decoded in place from the archive's bytes: same arrays as NumPy wrote.
    @Test func npzMembersDecodeFromSlicesOfTheArchive() throws {
        let directory = TemporaryDirectory()
        let url = directory.file("a.npz")
        try NPZ.write(arrays: ["a": NPYArray(.init(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])),
                               "b": NPYArray(.init([7, 8]), dtype: .int64)], to: url)
        let members = try ZipArchive.members(of: readBytes(of: url), source: url.path)
        #expect(members.map(\.name) == ["a.npy", "b.npy"] && members.allSatisfy { $0.method == 0 && $0.data.startIndex > 0 })
        let arrays = try NPZ.readArrays(from: url)
        #expect(arrays["a"]?.tensor.scalars == [1, 2, 3, 4, 5, 6] && arrays["a"]?.tensor.shape == [2, 3])
        #expect(arrays["b"]?.integers == [7, 8])
    }
}
