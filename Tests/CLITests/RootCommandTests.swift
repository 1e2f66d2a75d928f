import BiasLabTestSupport
import Foundation
import Testing

/// End-to-end: the built binary's help, version and exit codes (ARCHITECTURE "CLI conventions").
struct RootCommandTests {
    @Test func versionPrintsSemver() throws {
        let r = try CLIRunner.run(["--version"])
        #expect(r.status == 0)
        #expect(r.stdout.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ".").count == 3)
    }

    @Test func helpListsExamples() throws {
        let r = try CLIRunner.run(["--help"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("USAGE: biaslab"))
        #expect(r.stdout.contains("Examples:"))
    }

    /// Bad usage exits 2 with exactly one line on stderr naming the offending input.
    @Test func unknownOptionExitsTwoWithOneLine() throws {
        let r = try CLIRunner.run(["--no-such-option"])
        #expect(r.status == 2)
        let lines = r.stderr.split(separator: "\n")
        #expect(lines.count == 1)
        #expect(r.stderr.contains("--no-such-option"))
    }
}
