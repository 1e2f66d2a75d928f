import BiasLabTestSupport
@testable import DataIO
import Foundation
import Testing

/// Files are written whole or not at all: through a temporary file and a rename, with one-line failures.
struct AtomicFileTests {
    @Test func writesReplacesAndRefusesFolders() throws {
        let dir = try CLIRunner.temporaryDirectory()
        let path = dir.appendingPathComponent("sub/out.txt").path
        try AtomicFile.write(Array("first".utf8), to: path)
        try AtomicFile.write(Array("second".utf8), to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "second")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("sub").path) == ["out.txt"])
        #expect(throws: AtomicFile.Failure(kind: .isFolder, path: dir.path, problem: "is a folder; expected a file path")) {
            try AtomicFile.write([1], to: dir.path)
        }
        do {
            try AtomicFile.write([1], to: "/dev/full/x.bin")
            Issue.record("writing under /dev/full succeeded")
        } catch {
            #expect(error.kind == .io && error.description.hasPrefix("/dev/full/x.bin: cannot"))
        }
    }
}
