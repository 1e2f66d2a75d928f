import BiasLabTestSupport
import Foundation
import GRDB
import Testing

/// The commands on files that are not stores (refused with exit 2, untouched) and on stores that cannot
/// be written (a read-only file in a read-only folder: listed, shown, exported and reported).
struct StoreFileCommandTests {
    /// Oracle: the foreign file's bytes before and after every command, and the one-line errors.
    @Test func aForeignDatabaseIsRefusedByEveryCommandAndUntouched() throws {
        let dir = try CLIRunner.temporaryDirectory()
        let foreign = dir.appendingPathComponent("foreign.sqlite")
        let queue = try DatabaseQueue(path: foreign.path)
        try queue.write { try $0.execute(sql: "CREATE TABLE runs (id INTEGER PRIMARY KEY, owner TEXT); INSERT INTO runs (owner) VALUES ('someone else')") }
        try queue.close()
        let before = try Data(contentsOf: foreign)
        let config = try RunCommandTests.write(RunCommandTests.config.replacingOccurrences(of: "STEPS", with: "5"), in: dir)
        let expected = "\(foreign.path) is not a BiasLab results store (it has table runs)"
        for arguments in [["run", config, "--store", foreign.path], ["run", "--resume", "1", "--store", foreign.path],
                          ["results", "list", "--store", foreign.path], ["report", "all", "--store", foreign.path, "-o", dir.appendingPathComponent("r.html").path],
                          ["results", "merge", foreign.path, "-o", dir.appendingPathComponent("m.sqlite").path]] {
            let r = try CLIRunner.run(arguments)
            #expect(r.status == 2 && r.stderr.contains(expected) && r.stderr.split(separator: "\n").count == 1,
                    "\(arguments.prefix(2)): \(r.status) \(r.stderr)")
        }
        #expect(try Data(contentsOf: foreign) == before)
        #expect(!FileManager.default.fileExists(atPath: foreign.path + "-wal"))
    }

    /// Oracle: the listing and export of a writable copy of the same store. The store file is made
    /// read-only (0444) in a read-only folder (0555); as root the commands run as `nobody` (setpriv), for
    /// whom the permissions hold.
    @Test func aReadOnlyStoreInAReadOnlyFolderIsReadable() throws {
        let dir = try CLIRunner.temporaryDirectory()
        let folder = dir.appendingPathComponent("archive")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let store = folder.appendingPathComponent("runs.sqlite").path
        let config = try RunCommandTests.write(RunCommandTests.config.replacingOccurrences(of: "STEPS", with: "10"), in: dir)
        #expect(try CLIRunner.run(["run", config, "--store", store]).status == 0)
        let expectedList = try CLIRunner.run(["results", "list", "--store", store, "--json"]).stdout
        let expectedCSV = try CLIRunner.run(["results", "export", "1", "--format", "csv", "--store", store]).stdout
        let writable = dir.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: writable, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o777])
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) {
            try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: folder.appendingPathComponent(name).path)
        }
        try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: folder.path)
        defer { try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: folder.path) }
        let launcher = getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv")
            ? ["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] : []
        let list = try CLIRunner.run(["results", "list", "--store", store, "--json"], launcher: launcher)
        #expect(list.status == 0 && list.stdout == expectedList, "\(list.stderr)")
        let csv = try CLIRunner.run(["results", "export", "1", "--format", "csv", "--store", store], launcher: launcher)
        #expect(csv.status == 0 && csv.stdout == expectedCSV, "\(csv.stderr)")
        #expect(try CLIRunner.run(["results", "show", "1", "--store", store], launcher: launcher).status == 0)
        let report = writable.appendingPathComponent("r.html").path
        let r = try CLIRunner.run(["report", "all", "--store", store, "-o", report], launcher: launcher)
        #expect(r.status == 0 && FileManager.default.fileExists(atPath: report), "\(r.stderr)")
        // Without its -wal and -shm (a store copied to a read-only mount after a clean close) too.
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: folder.path)
        let merged = dir.appendingPathComponent("clean.sqlite")
        #expect(try CLIRunner.run(["results", "merge", store, "-o", merged.path]).status == 0)
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: store + suffix) }
        try FileManager.default.copyItem(atPath: merged.path, toPath: store)
        try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: store)
        try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: folder.path)
        let clean = try CLIRunner.run(["results", "export", "1", "--format", "csv", "--store", store], launcher: launcher)
        #expect(clean.status == 0 && clean.stdout == expectedCSV, "\(clean.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["runs.sqlite"])
        // A -wal without its -shm where none can be created: refused, not read as a stale view.
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: folder.path)
        try Data(repeating: 1, count: 64).write(to: URL(fileURLWithPath: store + "-wal"))
        try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: folder.path)
        if !launcher.isEmpty || getuid() != 0 {
            let log = try CLIRunner.run(["results", "list", "--store", store], launcher: launcher)
            #expect(log.status == 2 && log.stderr.contains("\(store)-wal holds rows SQLite cannot read here"), "\(log.stderr)")
        }
    }
}
