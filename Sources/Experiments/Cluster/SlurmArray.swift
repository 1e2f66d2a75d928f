import Foundation

/// A Slurm job array over a sweep or a study: DIR/job.sbatch runs task t ∈ {0, …, N − 1} as shard
/// t + 1 of N (``SweepShard``, points k with k mod N = t) into its own store DIR/stores/task-t.sqlite,
/// so no SQLite file is written by two nodes. With K points per task, N = ⌈P / K⌉ and each task has at
/// most K points (⌈P / N⌉ ≤ K).
///
/// The task runs `biaslab … --shard $((t + 1))/N --store DIR/stores/task-t.sqlite` in the background of
/// the batch shell, with `BIASLAB_THREADS = SLURM_CPUS_PER_TASK`. Slurm sends the warning signal to the
/// batch shell (`--signal=B:SIG@S`, S seconds before the time limit); the shell forwards SIGTERM to
/// biaslab, which checkpoints its running point and exits, and then (``WarningAction/requeue``) runs
/// `scontrol requeue ${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}`: the requeued task resumes the point
/// from its checkpoint and skips the finished ones. SIGTERM itself (scancel, `scontrol requeue`,
/// preemption) only checkpoints: Slurm requeues a preempted or requeued job itself, and a cancelled task
/// stays cancelled.
public struct SlurmArray: Sendable, Equatable {
    /// What a task does on the warning signal.
    public enum WarningAction: String, Sendable, Equatable {
        /// Checkpoint and end (resubmit the task to continue).
        case checkpoint
        /// Checkpoint, end, and requeue the task (`#SBATCH --requeue`).
        case requeue
    }

    /// The resources and scheduling lines of the `#SBATCH` header.
    public struct Resources: Sendable, Equatable {
        public var partition: String?
        /// `--time` as Slurm writes it (minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS).
        public var time: SlurmTime?
        public var cpusPerTask: Int
        /// `--mem` as Slurm writes it (e.g. 4G, 500M).
        public var memory: String?
        /// At most this many tasks at once (`--array=0-(N−1)%K`); nil: no limit.
        public var arrayParallelism: Int?
        public var signal: SlurmSignal
        public var warningAction: WarningAction
        /// Extra header lines, verbatim (each becomes `#SBATCH LINE`).
        public var extraLines: [String]

        public init(partition: String? = nil, time: SlurmTime? = nil, cpusPerTask: Int = 1, memory: String? = nil,
                    arrayParallelism: Int? = nil, signal: SlurmSignal = .defaultWarning, warningAction: WarningAction = .checkpoint,
                    extraLines: [String] = []) {
            self.partition = partition
            self.time = time
            self.cpusPerTask = cpusPerTask
            self.memory = memory
            self.arrayParallelism = arrayParallelism
            self.signal = signal
            self.warningAction = warningAction
            self.extraLines = extraLines
        }
    }

    /// The array's folder (absolute).
    public let directory: URL
    public let jobName: String
    /// N.
    public let taskCount: Int
    /// The biaslab executable the tasks run (absolute).
    public let binary: String
    /// The arguments before `--shard` and `--store` (e.g. `sweep DIR/sweep.yaml --set …`).
    public let arguments: [String]
    /// Where each task starts (`--chdir`): relative paths in configs resolve as for the caller.
    public let workingDirectory: String
    public let resources: Resources

    /// N = ⌈points / pointsPerTask⌉ tasks (at least 1).
    public static func taskCount(points: Int, pointsPerTask: Int) -> Int {
        max(1, (points + pointsPerTask - 1) / max(1, pointsPerTask))
    }

    public init(directory: URL, jobName: String, taskCount: Int, binary: String, arguments: [String],
                workingDirectory: String, resources: Resources) {
        self.directory = directory
        self.jobName = jobName
        self.taskCount = taskCount
        self.binary = binary
        self.arguments = arguments
        self.workingDirectory = workingDirectory
        self.resources = resources
    }

    public var scriptURL: URL { directory.appendingPathComponent("job.sbatch") }
    public var storesURL: URL { directory.appendingPathComponent("stores") }
    public var logsURL: URL { directory.appendingPathComponent("logs") }

    /// Task t's store.
    public func storeURL(task: Int) -> URL { storesURL.appendingPathComponent("task-\(task).sqlite") }

    /// `0-(N−1)` with `%K` when the parallelism is limited.
    public var arraySpec: String {
        "0-\(taskCount - 1)" + (resources.arrayParallelism.map { "%\($0)" } ?? "")
    }

    /// The sbatch script.
    public var script: String {
        let r = resources
        var header = [
            "--job-name=\(jobName)",
            "--array=\(arraySpec)",
            "--cpus-per-task=\(r.cpusPerTask)",
            "--chdir=\(Self.directiveValue(workingDirectory))",
            "--output=\(Self.directiveValue(logsURL.path + "/task-%a.log"))",
            "--open-mode=append",
            "--signal=\(r.signal)",
        ]
        if let p = r.partition { header.append("--partition=\(p)") }
        if let t = r.time { header.append("--time=\(t)") }
        if let m = r.memory { header.append("--mem=\(m)") }
        if r.warningAction == .requeue { header.append("--requeue") }
        header += r.extraLines
        let command = ([binary] + arguments).map(Self.quoted).joined(separator: " ")
        let requeue = r.warningAction == .requeue
        let onWarning = requeue
            ? "  echo \"biaslab: time-limit warning: checkpointed; requeueing ${SLURM_ARRAY_JOB_ID}_$task\"\n"
                + "  scontrol requeue \"${SLURM_ARRAY_JOB_ID}_$task\""
            : "  echo \"biaslab: time-limit warning: checkpointed; resubmit with --array=$task to continue\""
        return """
            #!/bin/bash
            \(header.map { "#SBATCH \($0)" }.joined(separator: "\n"))
            #
            # Written by biaslab: task t of this array runs shard t+1 of \(taskCount) into stores/task-t.sqlite.
            # On SIG\(r.signal.name) (\(r.signal.seconds) s before the time limit) the task checkpoints its running point \
            \(requeue ? "and requeues itself" : "and ends"); on SIGTERM it checkpoints and ends.
            set -u
            task="${SLURM_ARRAY_TASK_ID:?submit this script with sbatch: it is a job array}"
            export BIASLAB_THREADS="${SLURM_CPUS_PER_TASK:-\(r.cpusPerTask)}"
            echo "biaslab: task $task of \(taskCount), job ${SLURM_ARRAY_JOB_ID:-?}_$task on $(hostname), restart ${SLURM_RESTART_COUNT:-0}, $(date -u +%FT%TZ)"
            warned=0
            \(command) --shard "$((task + 1))/\(taskCount)" --store \(Self.quoted(storesURL.path))/task-"$task".sqlite &
            pid=$!
            trap 'warned=1; kill -TERM "$pid" 2>/dev/null' \(r.signal.name)
            trap 'kill -TERM "$pid" 2>/dev/null' TERM
            while kill -0 "$pid" 2>/dev/null; do wait "$pid"; done
            wait "$pid"; status=$?
            echo "biaslab: task $task exit status $status, $(date -u +%FT%TZ)"
            if [ "$warned" = 1 ]; then
            \(onWarning)
            fi
            exit "$status"

            """
    }

    /// Creates DIR, DIR/stores and DIR/logs and writes DIR/job.sbatch (executable).
    public func write() throws {
        let files = FileManager.default
        for url in [directory, storesURL, logsURL] { try files.createDirectory(at: url, withIntermediateDirectories: true) }
        try Data(script.utf8).write(to: scriptURL, options: .atomic)
        try files.setAttributes([.posixPermissions: 0o755], ofItemAtPath: scriptURL.path)
    }

    /// A path in an `#SBATCH` line: in double quotes when it has white space (sbatch splits directives on
    /// white space outside quotes).
    static func directiveValue(_ path: String) -> String {
        path.contains(where: \.isWhitespace) ? "\"\(path)\"" : path
    }

    /// A word for bash: as is when it has only safe characters, else in single quotes.
    public static func quoted(_ word: String) -> String {
        let safe = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:,+@%")
        if !word.isEmpty, word.unicodeScalars.allSatisfy(safe.contains) { return word }
        return "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
