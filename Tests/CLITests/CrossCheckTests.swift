import BiasLabTestSupport
import Foundation
import Testing

/// Runs the outside checks of tools/crosscheck (issues 3–7) in `--quick` mode against the built binary.
/// Oracles: independent NumPy implementations in the scripts — MLP and cnn:fashion-small forward/backward
/// passes, the documented optimizer formulas, dense Hessians by central differences, and the papers'
/// closed forms (digests 000, 003, 004). Each script exits 0 only when every comparison is within its
/// tolerance (1e-10 models/optimizers, 1e-6 curvature, 1e-8 theory).
@Suite(.serialized, .enabled(if: CrossCheckScript.numpyAvailable, "python3 with numpy is not available: the NumPy cross-checks are skipped"))
struct CrossCheckTests {
    @Test func modelsMatchNumPy() throws { try CrossCheckScript.run("models_check.py") }
    @Test func optimizersMatchNumPy() throws { try CrossCheckScript.run("optimizers_check.py") }
    @Test func curvatureMatchesDenseHessian() throws { try CrossCheckScript.run("curvature_check.py") }
    @Test func theoryMatchesPaperFormulas() throws { try CrossCheckScript.run("theory_check.py") }
}

enum CrossCheckScript {
    /// tools/crosscheck of this checkout (this file is Tests/CLITests/CrossCheckTests.swift).
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("tools/crosscheck")

    static let numpyAvailable: Bool = (try? python(["-c", "import numpy"]).status) == 0

    static func python(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        process.currentDirectoryURL = directory
        var environment = ProcessInfo.processInfo.environment
        environment["BIASLAB"] = CLIRunner.productsDirectory.appendingPathComponent("biaslab").path
        environment["CROSSCHECK_NO_JAX"] = "1"  // the NumPy-only oracles; JAX's import alone takes seconds
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// Runs `python3 SCRIPT --quick` and expects exit status 0 and a `N passed, 0 failed` summary.
    static func run(_ script: String) throws {
        let result = try python([script, "--quick"])
        #expect(result.status == 0, "\(script) failed:\n\(result.output)")
        #expect(result.output.contains(" passed, 0 failed"), "\(script) printed no clean summary:\n\(result.output)")
    }
}
