import BiasLabTestSupport
import Experiments
import Foundation
import Testing

/// `sweep --slurm` / `reproduce --slurm` without a scheduler: the written DIR/job.sbatch is run by bash
/// with the variables Slurm sets for an array task (scripts/slurm-test.sh runs it under a real slurmctld).
struct SlurmArrayCommandTests {
    static let sweep = """
        name: slurm-cli
        base:
          model: mlp:4-16-2:tanh
          data: gaussian-mixture:n=64,d=4,classes=2,seed=1
          loss: mse
          optimizer: {name: "adam:torch", lr: 0.01}
          training: {steps: 1500, batch_size: 8, sampling: without-replacement, checkpoint_every: 100}
          probes: [{name: train, every: 50}]
        grid:
          seed: [0, 1]
        """

    /// Every metric row of every completed run, by run name, with the values' bit patterns.
    static func series(_ store: URL) throws -> [String: [String]] {
        let runs = try RunStore(url: store, mode: .readOnly)
        var out: [String: [String]] = [:]
        for run in try runs.runs() where run.status == .completed {
            out[run.name] = try runs.metrics(runID: run.id).map { "\($0.step) \($0.name) \($0.value.bitPattern)" }
        }
        return out
    }

    /// Starts task `task` of the array's script as Slurm would (SLURM_ARRAY_TASK_ID, SLURM_ARRAY_JOB_ID,
    /// SLURM_CPUS_PER_TASK), with a `scontrol` on the PATH that records its arguments in DIR/scontrol.log.
    static func task(_ task: Int, of directory: URL) throws -> (Process, URL) {
        let bin = directory.appendingPathComponent("bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        let scontrol = bin.appendingPathComponent("scontrol")
        try "#!/bin/sh\necho \"$@\" >> \(directory.path)/scontrol.log\n".write(to: scontrol, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: scontrol.path)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [directory.appendingPathComponent("job.sbatch").path]
        var environment = ProcessInfo.processInfo.environment
        environment["SLURM_ARRAY_TASK_ID"] = "\(task)"
        environment["SLURM_ARRAY_JOB_ID"] = "77"
        environment["SLURM_CPUS_PER_TASK"] = "1"
        environment["PATH"] = bin.path + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
        process.environment = environment
        let log = directory.appendingPathComponent("task-\(task)-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let output = try FileHandle(forWritingTo: log)
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        // slurmstepd starts the batch script with no signal blocked; the test runner's threads block some,
        // and a child inherits its thread's mask (bash cannot trap a signal blocked at its start).
        var signals = sigset_t(), previous = sigset_t()
        sigemptyset(&signals)
        for signal in [SIGUSR1, SIGTERM, SIGINT] { sigaddset(&signals, signal) }
        pthread_sigmask(SIG_UNBLOCK, &signals, &previous)
        defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
        try process.run()
        try output.close()
        return (process, log)
    }

    /// Waits for the task and returns its exit status and output.
    static func finish(_ started: (Process, URL)) -> (status: Int32, log: String) {
        started.0.waitUntilExit()
        return (started.0.terminationStatus, (try? String(contentsOf: started.1, encoding: .utf8)) ?? "")
    }

    static func states(_ file: URL, _ stores: URL) throws -> [String] {
        try points(file, stores).compactMap { $0["state"] as? String }
    }

    static func points(_ file: URL, _ stores: URL) throws -> [[String: Any]] {
        let json = try CLIRunner.run(["sweep", "status", file.path, "--stores", stores.path, "--json"]).json
        return json?["points"] as? [[String: Any]] ?? []
    }

    /// Issue 20's promise: the time-limit warning (SIGUSR1 to the batch shell) mid-point checkpoints the
    /// point and requeues the task (`scontrol requeue 77_0`); the requeued task resumes it and ends with
    /// every stored series bit-identical to an uninterrupted sweep's (the oracle, same thread count); a
    /// third start finds every point done and runs nothing.
    @Test func warnedTaskRequeuesAndResumesBitIdentical() throws {
        let dir = try CLIRunner.temporaryDirectory()
        let file = dir.appendingPathComponent("s.yaml")
        try Self.sweep.write(to: file, atomically: true, encoding: .utf8)
        let array = dir.appendingPathComponent("array")
        let written = try CLIRunner.run(["sweep", file.path, "--slurm", array.path, "--points-per-task", "2", "--requeue",
                                         "--time", "10", "--progress-every", "50", "--json"])
        #expect(written.status == 0, "\(written.stderr)")
        #expect(written.json?["tasks"] as? Int == 1 && written.json?["array"] as? String == "0-0")
        let stores = array.appendingPathComponent("stores")
        #expect(try Self.states(file, stores) == ["not-started", "not-started"])

        let first = try Self.task(0, of: array)
        // Point 0 running past its second checkpoint (the store's step moves at each checkpoint).
        var step = 0
        while first.0.isRunning && step < 200 {
            step = try Self.points(file, stores).first.flatMap { $0["state"] as? String == "running" ? $0["step"] as? Int : nil } ?? 0
            Thread.sleep(forTimeInterval: 0.05)
        }
        kill(first.0.processIdentifier, SIGUSR1)
        let warned = Self.finish(first)
        #expect(warned.status == 143, "exit \(warned.status): \(warned.log)")
        #expect((try? String(contentsOf: array.appendingPathComponent("scontrol.log"), encoding: .utf8)) == "requeue 77_0\n")
        #expect(try Self.states(file, stores) == ["interrupted", "not-started"])

        let requeued = Self.finish(try Self.task(0, of: array))
        #expect(requeued.status == 0, "\(requeued.log)")
        #expect(requeued.log.contains("(resuming)"))
        #expect(try Self.states(file, stores) == ["done", "done"])
        let again = Self.finish(try Self.task(0, of: array))
        #expect(again.status == 0 && again.log.contains("2 already finished, 0 claimed by other processes, 0 to run"), "\(again.log)")

        let local = dir.appendingPathComponent("local.sqlite")
        let straight = try CLIRunner.run(["sweep", file.path, "--store", local.path], environment: ["BIASLAB_THREADS": "1"])
        #expect(straight.status == 0, "\(straight.stderr)")
        let expected = try Self.series(local)
        #expect(expected.count == 2 && expected.values.allSatisfy { $0.count > 1500 })
        #expect(try Self.series(stores.appendingPathComponent("task-0.sqlite")) == expected)
    }

    /// `reproduce --slurm`: the tasks' stores, merged, analyse to the verdicts and measurements of the
    /// unsharded study (the oracle).
    @Test func reproduceArrayMergesToTheUnshardedAnalysis() throws {
        let dir = try CLIRunner.temporaryDirectory()
        let array = dir.appendingPathComponent("array")
        let written = try CLIRunner.run(["reproduce", "002-sensing", "--quick", "--slurm", array.path, "--json"])
        #expect(written.status == 0 && written.json?["tasks"] as? Int == 2, "\(written.stdout) \(written.stderr)")
        for task in 0..<2 {
            let r = Self.finish(try Self.task(task, of: array))
            #expect(r.status == 0, "\(r.log)")
        }
        let merged = array.appendingPathComponent("merged.sqlite").path
        let stores = (0..<2).map { array.appendingPathComponent("stores/task-\($0).sqlite").path }
        #expect(try CLIRunner.run(["results", "merge"] + stores + ["-o", merged]).status == 0)
        func outcomes(_ arguments: [String]) throws -> [String] {
            let r = try CLIRunner.run(["reproduce", "002-sensing", "--quick", "--json"] + arguments)
            #expect(r.status == 0, "\(r.stderr)")
            return (r.json?["outcomes"] as? [[String: Any]] ?? []).map { "\($0["verdict"] ?? "") \($0["measured"] ?? "")" }
        }
        let whole = try outcomes([])
        #expect(!whole.isEmpty)
        #expect(try outcomes(["--store", merged]) == whole)
    }

    /// Bad input: one line naming the flag, exit 2, nothing written.
    @Test func badSlurmInputIsOneLineExitTwo() throws {
        let dir = try CLIRunner.temporaryDirectory()
        let sweep = ExampleWorkspace.repository.appendingPathComponent("examples/sweeps/tiny-betas.yaml").path
        let slurm = dir.appendingPathComponent("a").path
        let cases: [([String], String)] = [
            (["sweep", sweep, "--slurm", slurm, "--shard", "1/2"], "--shard"),
            (["sweep", sweep, "--slurm", slurm, "--jobs", "2"], "--jobs"),
            (["sweep", sweep, "--slurm", slurm, "--points-per-task", "0"], "--points-per-task"),
            (["sweep", sweep, "--slurm", slurm, "--cpus-per-task", "-1"], "--cpus-per-task"),
            (["sweep", sweep, "--slurm", slurm, "--array-parallelism", "0"], "--array-parallelism"),
            (["sweep", sweep, "--slurm", slurm, "--time", "1:xx"], "--time"),
            (["sweep", sweep, "--slurm", slurm, "--time", "1", "--signal", "B:USR1@120"], "--signal"),
            (["sweep", sweep, "--slurm", slurm, "--signal", "KILL@10"], "--signal"),
            (["sweep", sweep, "--slurm", slurm, "--mem", "lots"], "--mem"),
            (["sweep", sweep, "--slurm", slurm, "--binary", "/nonexistent/biaslab"], "--binary"),
            (["sweep", sweep, "--slurm", "/proc/biaslab-no"], "--slurm"),
            (["sweep", sweep, "--submit"], "--slurm"),
            (["reproduce", "002-sensing", "--slurm", slurm, "--store", "x.sqlite"], "--slurm"),
            (["reproduce", "002-sensing", "--partition", "cpu"], "--slurm"),
        ]
        for (arguments, names) in cases {
            let r = try CLIRunner.run(arguments)
            #expect(r.status == 2 && r.stderr.contains(names) && r.stderr.split(separator: "\n").count == 1,
                    "\(arguments): exit \(r.status), \(r.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("a/job.sbatch").path))
    }
}
