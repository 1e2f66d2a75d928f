import BiasLabTestSupport
import Foundation
import Testing

/// End-to-end `biaslab run` and `biaslab results` on a tiny Gaussian-mixture problem.
struct RunCommandTests {
    static let config = """
        name: cli-tiny
        model: mlp:4-8-2:tanh
        data: gaussian-mixture:n=32,d=4,classes=2,seed=1
        optimizer: {name: sgd, lr: 0.1}
        training: {steps: STEPS, batch_size: 8, sampling: without-replacement, checkpoint_every: 500}
        seed: 5
        probes:
          - {name: train, every: 50}
          - {name: sharpness, every: 100}
        """

    static func write(_ text: String, in dir: URL, name: String = "run.yaml") throws -> String {
        let url = dir.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    /// Bad input exits 2 with one line naming the input, and leaves the existing store as it was
    /// (oracle: `results list --json` and the run's metric export, before and after).
    @Test func badInputExitsTwoAndLeavesTheStoreIntact() throws {
        let dir = try CLIRunner.temporaryDirectory()
        let store = dir.appendingPathComponent("runs.sqlite").path
        let good = try Self.write(Self.config.replacingOccurrences(of: "STEPS", with: "20"), in: dir)
        #expect(try CLIRunner.run(["run", good, "--store", store]).status == 0)
        let before = try CLIRunner.run(["results", "list", "--store", store, "--json"]).stdout
        let rows = try CLIRunner.run(["results", "export", "1", "--format", "csv", "--store", store]).stdout
        let truncated = dir.appendingPathComponent("cut.npz")
        try Data([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00]).write(to: truncated)
        let cases: [([String], String)] = [
            (["run", try Self.write("model: [unclosed", in: dir, name: "bad.yaml"), "--store", store], "bad.yaml"),
            (["run", good, "--set", "optimizer.lr=-1", "--store", store], "optimizer.lr: must be in [0, ∞), got -1"),
            (["run", good, "--set", "training.sampling=sometimes", "--store", store], "training.sampling: must be one of"),
            (["run", good, "--set", "data=\(dir.path)/missing.npz", "--store", store], "missing.npz"),
            (["run", good, "--set", "data=\(truncated.path)", "--store", store], "cut.npz"),
            (["run", "--resume", "99", "--store", store], "no run 99"),
        ]
        for (arguments, needle) in cases {
            let r = try CLIRunner.run(arguments)
            #expect(r.status == 2, "\(arguments): status \(r.status), stderr \(r.stderr)")
            #expect(r.stderr.split(separator: "\n").count == 1 && r.stderr.hasPrefix("biaslab: ") && r.stderr.contains(needle),
                    "\(arguments): \(r.stderr)")
        }
        #expect(try CLIRunner.run(["results", "list", "--store", store, "--json"]).stdout == before)
        #expect(try CLIRunner.run(["results", "export", "1", "--format", "csv", "--store", store]).stdout == rows)
    }

    /// SIGTERM mid-run checkpoints and exits 143 with status interrupted; `--resume` finishes the run.
    /// Oracle: an uninterrupted run of the same config — same θ digest, same metric rows.
    @Test func sigtermThenResumeMatchesAnUninterruptedRun() throws {
        let dir = try CLIRunner.temporaryDirectory()
        let store = dir.appendingPathComponent("runs.sqlite").path
        let config = try Self.write(Self.config.replacingOccurrences(of: "STEPS", with: "1500"), in: dir)

        let process = Process()
        process.executableURL = CLIRunner.productsDirectory.appendingPathComponent("biaslab")
        process.arguments = ["run", config, "--store", store, "--progress-every", "50"]
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        var seen = ""
        while !seen.contains("step 100/") {
            let chunk = err.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            seen += String(decoding: chunk, as: UTF8.self)
        }
        process.terminate()  // SIGTERM
        _ = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 143, "exit \(process.terminationStatus); stderr: \(seen)")
        let interrupted = try #require(try CLIRunner.run(["results", "show", "1", "--store", store, "--json"]).json)
        let run = try #require(interrupted["run"] as? [String: Any])
        #expect(run["status"] as? String == "interrupted")
        let stoppedAt = try #require(run["step"] as? Int)
        #expect(stoppedAt >= 100 && stoppedAt < 1500)

        let resumed = try CLIRunner.run(["run", "--resume", "1", "--store", store, "--json"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.json?["status"] as? String == "completed")
        let straight = try CLIRunner.run(["run", config, "--store", store, "--json"])
        #expect(straight.json?["run_id"] as? Int == 2)
        #expect(resumed.json?["parameters_digest"] as? String == straight.json?["parameters_digest"] as? String)
        func rows(_ id: String) throws -> [Substring] {
            try CLIRunner.run(["results", "export", id, "--format", "csv", "--store", store]).stdout
                .split(separator: "\n").dropFirst().map { $0.drop { $0 != "," } }
        }
        let a = try rows("1"), b = try rows("2")
        // batch_loss at 0…1499; train (2 values) at 0, 50, …, 1500; sharpness (3 values) at 0, 100, …, 1500.
        #expect(a.count == 1500 + 2 * 31 + 3 * 16 && a == b)
    }

    @Test func resultsListShowAndExport() throws {
        let dir = try CLIRunner.temporaryDirectory()
        let store = dir.appendingPathComponent("runs.sqlite").path
        let config = try Self.write(Self.config.replacingOccurrences(of: "STEPS", with: "10"), in: dir)
        let r = try CLIRunner.run(["run", config, "--store", store, "--json"])
        #expect(r.status == 0 && r.json?["status"] as? String == "completed" && r.json?["step"] as? Int == 10)
        let list = try #require(try CLIRunner.run(["results", "list", "--store", store, "--json"]).json)
        #expect((list["runs"] as? [[String: Any]])?.first?["name"] as? String == "cli-tiny")
        let csv = try CLIRunner.run(["results", "export", "1", "--format", "csv", "--store", store]).stdout
        // batch_loss at steps 0…9; train_loss/accuracy and lambda_max/gd_threshold/iterations at 0 and 10.
        #expect(csv.split(separator: "\n").count == 1 + 10 + 2 * 2 + 2 * 3)
        #expect(csv.hasPrefix("run_id,step,name,value\n1,0,batch_loss,"))
        let bad = try CLIRunner.run(["results", "export", "1", "--format", "xml", "--store", store])
        #expect(bad.status == 2 && bad.stderr.contains("--format must be csv or jsonl"))
    }
}
