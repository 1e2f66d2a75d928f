import ArgumentParser
import Experiments
import Foundation

/// `--slurm DIR` and its scheduling flags, shared by `sweep` and `reproduce`: they write a job array
/// (``SlurmArray``) instead of running, and `--submit` hands it to `sbatch`.
struct SlurmOptions: ParsableArguments {
    @Option(help: "Write a Slurm job array into DIR (job.sbatch, the sweep's copy, stores/, logs/) instead of running.")
    var slurm: String?
    @Option(help: "Points (sweep) or runs (reproduce) per array task.") var pointsPerTask = 1
    @Option(help: "#SBATCH --partition.") var partition: String?
    @Option(help: "#SBATCH --time, as Slurm writes it (minutes, HH:MM:SS, D-HH:MM, …).") var time: String?
    @Option(help: "#SBATCH --cpus-per-task; each task's BIASLAB_THREADS follows SLURM_CPUS_PER_TASK.") var cpusPerTask = 1
    @Option(help: "#SBATCH --mem (e.g. 4G).") var mem: String?
    @Option(help: "At most K tasks at once (--array=0-(N−1)%K).") var arrayParallelism: Int?
    @Option(name: .customLong("sbatch-line"), parsing: .unconditionalSingleValue, help: "An extra #SBATCH line, verbatim (repeatable), e.g. \"--account=lab\".")
    var sbatchLines: [String] = []
    @Option(help: "The warning signal before the time limit, [B:]SIGNAL@SECONDS (default B:USR1@120); the task checkpoints on it.")
    var signal: String?
    @Flag(help: "On the warning signal, requeue the task after its checkpoint (#SBATCH --requeue).") var requeue = false
    @Option(help: "The biaslab the tasks run (default: this executable), e.g. dist/biaslab from `make dist`.") var binary: String?
    @Flag(help: "Submit the array with sbatch and print its job id.") var submit = false

    var isRequested: Bool { slurm != nil }

    /// Checks every count and value, and that no scheduling flag comes without --slurm.
    func validate() throws {
        guard slurm != nil else {
            let given = [(pointsPerTask != 1, "--points-per-task"), (partition != nil, "--partition"), (time != nil, "--time"),
                         (cpusPerTask != 1, "--cpus-per-task"), (mem != nil, "--mem"), (arrayParallelism != nil, "--array-parallelism"),
                         (!sbatchLines.isEmpty, "--sbatch-line"), (signal != nil, "--signal"), (requeue, "--requeue"),
                         (binary != nil, "--binary"), (submit, "--submit")].filter(\.0)
            if let first = given.first { throw ValidationError("\(first.1) needs --slurm DIR") }
            return
        }
        if pointsPerTask < 1 { throw ValidationError("--points-per-task must be at least 1, got \(pointsPerTask)") }
        if cpusPerTask < 1 { throw ValidationError("--cpus-per-task must be at least 1, got \(cpusPerTask)") }
        if let k = arrayParallelism, k < 1 { throw ValidationError("--array-parallelism must be at least 1, got \(k)") }
        if let mem, mem.range(of: #"^[0-9]+[KMGT]?$"#, options: .regularExpression) == nil {
            throw ValidationError("--mem: expected a size such as 4G, 500M or 2048, got '\(mem)'")
        }
        for line in sbatchLines where line.isEmpty || line.contains("\n") {
            throw ValidationError("--sbatch-line: expected one non-empty line such as \"--account=lab\", got '\(line)'")
        }
        _ = try resources()
    }

    /// The typed header values.
    func resources() throws -> SlurmArray.Resources {
        do {
            let limit = try time.map { text throws(ConfigError) in try SlurmTime(parsing: text) }
            let warning = try signal.map { text throws(ConfigError) in try SlurmSignal(parsing: text) } ?? .defaultWarning
            if let limit, warning.seconds >= limit.seconds {
                throw ConfigError(path: "--signal", "the warning (\(warning.seconds) s before the end) must come after the start of a --time \(limit) job")
            }
            return SlurmArray.Resources(partition: partition, time: limit, cpusPerTask: cpusPerTask, memory: mem,
                                        arrayParallelism: arrayParallelism, signal: warning,
                                        warningAction: requeue ? .requeue : .checkpoint, extraLines: sbatchLines)
        } catch { throw ValidationError("\(error)") }
    }

    /// DIR as an absolute URL, created (with stores/ and logs/) or exit 2.
    func directory() throws -> URL {
        let url = URL(fileURLWithPath: slurm!).standardizedFileURL
        do {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
            guard FileManager.default.isWritableFile(atPath: url.path) else { throw CocoaError(.fileWriteNoPermission) }
        } catch { throw UsageError("--slurm \(slurm!): cannot create or write this folder") }
        return url
    }

    /// The array of `points` points whose tasks run `biaslab ARGUMENTS --shard … --store …`.
    func array(in directory: URL, jobName: String, points: Int, arguments: [String]) throws -> SlurmArray {
        let executable = binary.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
            ?? URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
        if binary != nil, !FileManager.default.isExecutableFile(atPath: executable) {
            throw UsageError("--binary \(binary!): not an executable file")
        }
        return SlurmArray(directory: directory, jobName: jobName,
                          taskCount: SlurmArray.taskCount(points: points, pointsPerTask: pointsPerTask),
                          binary: executable, arguments: arguments,
                          workingDirectory: FileManager.default.currentDirectoryPath, resources: try resources())
    }

    /// Writes the array's script, prints what was written and the next commands, and submits it with --submit.
    func writeAndSubmit(_ array: SlurmArray, points: Int, statusCommand: String?, json: Bool) throws {
        do { try array.write() } catch { throw UsageError("--slurm \(array.directory.path): cannot write the job array: \(error.localizedDescription)") }
        var jobID: String?
        if submit { jobID = try Self.sbatch(array.scriptURL) }
        if json {
            struct Output: Encodable { let script: String; let tasks: Int; let points: Int; let array: String; let jobId: String? }
            try JSONOutput.print(Output(script: array.scriptURL.path, tasks: array.taskCount, points: points, array: array.arraySpec, jobId: jobID))
            return
        }
        print("wrote \(array.scriptURL.path): \(array.taskCount) task\(array.taskCount == 1 ? "" : "s") (--array=\(array.arraySpec)) over \(points) points")
        if let jobID { print("submitted job \(jobID)") } else { print("submit: sbatch \(array.scriptURL.path)") }
        if let statusCommand { print("progress: \(statusCommand)") }
        print("merge: biaslab results merge \(array.storesURL.path)/task-*.sqlite -o \(array.directory.path)/merged.sqlite")
    }

    /// Runs `sbatch --parsable SCRIPT` and returns the job id (its output up to `;`).
    static func sbatch(_ script: URL) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["sbatch", "--parsable", script.path]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        do { try process.run() } catch { throw ComputationError("--submit: cannot run sbatch: \(error.localizedDescription)") }
        let output = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let problem = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let id = output.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) } ?? ""
        guard process.terminationStatus == 0, !id.isEmpty, id.allSatisfy(\.isNumber) else {
            throw ComputationError("--submit: sbatch \(script.path) failed (exit \(process.terminationStatus)): "
                                   + (problem.isEmpty ? output : problem).trimmingCharacters(in: .whitespacesAndNewlines))
        }
        return id
    }
}
