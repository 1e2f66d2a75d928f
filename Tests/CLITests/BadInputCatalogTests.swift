@testable import BiasLabCLI
import BiasLabTestSupport
@testable import DataIO
import Foundation
import Tensor
import Testing

/// Hostile-but-fair input (issue 16): every case ends with exit code 2 (bad input) or 1 (failure) and one
/// line on stderr naming the input — never a signal, a hang or an unbounded allocation. Each row is a
/// command, the expected exit code and a fragment of the message.
struct BadInputCatalogTests {
    struct Case: CustomStringConvertible {
        let arguments: [String]
        let status: Int32
        let fragment: String
        var description: String { arguments.joined(separator: " ") }
    }

    /// Files the cases read, written into `dir`.
    static func fixtures(in dir: URL) throws {
        let x = Tensor(shape: [4, 2], scalars: [Double](repeating: 0.5, count: 8))
        for (name, label) in [("label62", 4.611686018427388e18), ("label40", 1_099_511_627_776.0), ("label5", 5.0)] {
            try NPZ.write(arrays: ["x": NPYArray(x), "y": NPYArray(Tensor([0, 1, label, 1]), dtype: .int64)],
                          to: dir.appendingPathComponent("\(name).npz"))
        }
        try NPY.write(Tensor([0.1, .nan, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1, 1.1, 1.2, 1.3, 1.4, 1.5, 1.6, 1.7]),
                      to: dir.appendingPathComponent("nan-theta.npy"))
        // Eight levels of ten aliases: 10⁸ nodes once expanded, from a file of a few hundred bytes.
        var bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
        for (level, previous) in zip("bcdefgh", "abcdefg") {
            bomb += "\(level): &\(level) [" + Array(repeating: "*\(previous)", count: 10).joined(separator: ", ") + "]\n"
        }
        try bomb.write(to: dir.appendingPathComponent("bomb.yaml"), atomically: true, encoding: .utf8)
        // A complex mapping key (found by the yaml fuzz target: the YAML reader force-unwraps keys as strings).
        try "name: x\nmodel: toy-quadratic\n? [a, b]\n: c\n".write(to: dir.appendingPathComponent("complex-key.yaml"), atomically: true, encoding: .utf8)
        let longName = String(repeating: "n", count: 300)
        try "name: \(longName)\nmodel: toy-quadratic\noptimizer: sgd\ntraining: {steps: 2}\n"
            .write(to: dir.appendingPathComponent("long-name.yaml"), atomically: true, encoding: .utf8)
        try """
            name: typo
            base: {model: toy-quadratic, optimizer: sgd, training: {steps: 2}}
            grid: {optimizer.lr: [0.01, 0.02]}
            summary: {group_by: [optimizer.l]}
            """.write(to: dir.appendingPathComponent("typo-sweep.yaml"), atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("a-folder"), withIntermediateDirectories: true)
    }

    static let cases: [Case] = [
        Case(arguments: ["data", "describe", "label62.npz"], status: 2, fragment: "classes, more than the limit"),
        Case(arguments: ["data", "describe", "label40.npz"], status: 2, fragment: "classes, more than the limit"),
        Case(arguments: ["evaluate", "--model", "mlp:2-3-2", "--data", "label5.npz", "--loss", "ce"], status: 2, fragment: "has the label 5"),
        Case(arguments: ["train", "--model", "mlp:2-3-2", "--data", "label5.npz", "--loss", "ce", "--steps", "2"], status: 2, fragment: "has the label 5"),
        Case(arguments: ["data", "describe", "gaussian-mixture:n=1000000000000,d=2,classes=2"], status: 2, fragment: "more than the limit"),
        Case(arguments: ["data", "describe", "gaussian-mixture:n=100,d=2,classes=100000000"], status: 2, fragment: "100000000 classes"),
        Case(arguments: ["models", "--check", "mlp:4-3000000000-2"], status: 2, fragment: "4 → 3000000000 layer"),
        Case(arguments: ["train", "--model", "mlp:4-3000000000-2", "--data", "gaussian-mixture:n=10,d=4,classes=2", "--steps", "1"],
             status: 2, fragment: "more than the limit"),
        Case(arguments: ["train", "--model", "toy-quadratic", "--optimizer", "sgd", "--lr", "0.0625", "--steps", "9223372036854775807"],
             status: 1, fragment: "diverged"),
        Case(arguments: ["train", "--model", "mlp:2-3-2", "--data", "gaussian-mixture:n=64,d=2,classes=2", "--batch-size", "1000", "--steps", "2"],
             status: 2, fragment: "at most N = 64"),
        Case(arguments: ["evaluate", "--model", "mlp:2-3-2", "--data", "gaussian-mixture:n=8,d=2,classes=2", "--params", "nan-theta.npy"],
             status: 2, fragment: "expected finite parameters"),
        Case(arguments: ["curvature", "--model", "mlp:2-3-2", "--data", "gaussian-mixture:n=8,d=2,classes=2", "--params", "nan-theta.npy"],
             status: 2, fragment: "expected finite parameters"),
        Case(arguments: ["run", "bomb.yaml", "--store", "bomb.sqlite"], status: 2, fragment: "expands to more than 1000000 YAML nodes"),
        Case(arguments: ["run", "long-name.yaml", "--store", "long.sqlite"], status: 2, fragment: "name"),
        Case(arguments: ["run", "complex-key.yaml", "--store", "key.sqlite"], status: 2, fragment: "mapping key that is not a plain value"),
        Case(arguments: ["sweep", "complex-key.yaml", "--store", "key.sqlite"], status: 2, fragment: "mapping key that is not a plain value"),
        Case(arguments: ["sweep", "typo-sweep.yaml", "--store", "typo.sqlite"], status: 2, fragment: "summary.group_by[0]"),
        Case(arguments: ["reproduce", "003-toy", "--quick", "-o", "a-folder"], status: 2, fragment: "is a folder"),
        Case(arguments: ["evaluate", "--model", "toy-quadratic", "--save-gradient", "a-folder"], status: 2, fragment: "is a folder"),
        Case(arguments: ["evaluate", "--model", "toy-quadratic", "--save-gradient", "/dev/full/g.npy"], status: 1, fragment: "cannot create the folder"),
    ]

    @Test func everyCaseExitsWithItsCodeAndOneLine() throws {
        let dir = try CLIRunner.temporaryDirectory()
        try Self.fixtures(in: dir)
        for c in Self.cases {
            let r = try CLIRunner.run(c.arguments, currentDirectory: dir)
            #expect(r.status == c.status, "\(c): exit \(r.status), stderr \(r.stderr.prefix(300))")
            let lines = r.stderr.split(separator: "\n").filter { $0.hasPrefix("biaslab: ") }
            #expect(lines.count == 1 && lines[0].contains(c.fragment), "\(c): \(r.stderr.prefix(300))")
        }
        // The alias bomb and the foreign files left nothing behind.
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("bomb.sqlite").path))
    }

    /// Writing to a full device: stdout failures exit 1 with one line; a full or closed stderr never ends a run.
    @Test func fullAndClosedStreams() throws {
        let dir = try CLIRunner.temporaryDirectory()
        let config = dir.appendingPathComponent("q.yaml")
        try "name: q\nmodel: toy-quadratic\noptimizer: sgd\ntraining: {steps: 5}\n".write(to: config, atomically: true, encoding: .utf8)
        func launch(_ arguments: [String], stdout: FileHandle?, stderr: FileHandle?) throws -> (Int32, String) {
            let process = Process()
            process.executableURL = CLIRunner.productsDirectory.appendingPathComponent("biaslab")
            process.arguments = arguments
            let err = Pipe()
            process.standardOutput = stdout ?? FileHandle.nullDevice
            process.standardError = stderr ?? err
            try process.run()
            let message = stderr == nil ? String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self) : ""
            process.waitUntilExit()
            return (process.terminationStatus, message)
        }
        let full = try #require(FileHandle(forWritingAtPath: "/dev/full"))
        let store = dir.appendingPathComponent("s.sqlite").path
        let (runStatus, _) = try launch(["run", config.path, "--store", store], stdout: nil, stderr: full)
        #expect(runStatus == 0)
        let (listStatus, message) = try launch(["results", "list", "--store", store], stdout: full, stderr: nil)
        #expect(listStatus == 1 && message.hasPrefix("biaslab: cannot write to standard output"), "\(message)")
        let listed = try CLIRunner.run(["results", "list", "--store", store, "--json"])
        #expect((listed.json?["runs"] as? [[String: Any]])?.first?["status"] as? String == "completed")
    }

    /// A message is one printable line whatever bytes the input held.
    @Test func messagesAreOnePrintableLine() {
        #expect(CLIExit.oneLine("bad header '\u{1B}[31m\nx\u{07}'") == "bad header '\\u{1b}[31m\\u{a}x\\u{7}'")
        #expect(CLIExit.oneLine(String(repeating: "a", count: 5000)).count == 2001)
    }
}
