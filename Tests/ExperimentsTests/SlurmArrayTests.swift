import BiasLabTestSupport
import Experiments
import Foundation
import Testing

/// The job array's script and its typed inputs (issue 20).
struct SlurmArrayTests {
    /// N = ⌈P / K⌉, and shard t+1 of N then holds at most K points and every point exactly once.
    @Test func taskCountCoversEveryPointWithAtMostKPerTask() throws {
        for points in [1, 2, 7, 16, 100] {
            for k in [1, 2, 3, 4, 16, 200] {
                let n = SlurmArray.taskCount(points: points, pointsPerTask: k)
                #expect(n == (points + k - 1) / k)
                var seen = Array(repeating: 0, count: points)
                for t in 1...n {
                    let shard = try SweepShard(parsing: "\(t)/\(n)")
                    let mine = (0..<points).filter(shard.contains)
                    #expect(mine.count <= k && !mine.isEmpty)
                    for p in mine { seen[p] += 1 }
                }
                #expect(seen.allSatisfy { $0 == 1 })
            }
        }
    }

    static func array(_ resources: SlurmArray.Resources, arguments: [String] = ["sweep", "run", "/d/sweep.yaml"]) -> SlurmArray {
        SlurmArray(directory: URL(fileURLWithPath: "/d"), jobName: "biaslab-s", taskCount: 4, binary: "/opt/bin/biaslab",
                   arguments: arguments, workingDirectory: "/home/u/work", resources: resources)
    }

    /// Every flag's #SBATCH line, the task's command and the requeue on the warning signal.
    @Test func scriptCarriesTheHeaderAndTheTaskCommand() throws {
        let resources = SlurmArray.Resources(partition: "cpu", time: try SlurmTime(parsing: "1:00:00"), cpusPerTask: 2, memory: "4G",
                                             arrayParallelism: 3, signal: try SlurmSignal(parsing: "B:USR2@300"),
                                             warningAction: .requeue, extraLines: ["--account=lab", "--qos=low"])
        let script = Self.array(resources).script
        let header = script.split(separator: "\n").filter { $0.hasPrefix("#SBATCH ") }.map { String($0.dropFirst(8)) }
        #expect(header == ["--job-name=biaslab-s", "--array=0-3%3", "--cpus-per-task=2", "--chdir=/home/u/work",
                           "--output=/d/logs/task-%a.log", "--open-mode=append", "--signal=B:USR2@300", "--partition=cpu",
                           "--time=1:00:00", "--mem=4G", "--requeue", "--account=lab", "--qos=low"])
        #expect(script.hasPrefix("#!/bin/bash\n"))
        #expect(script.contains("/opt/bin/biaslab sweep run /d/sweep.yaml --shard \"$((task + 1))/4\" --store /d/stores/task-\"$task\".sqlite &"))
        #expect(script.contains("export BIASLAB_THREADS=\"${SLURM_CPUS_PER_TASK:-2}\""))
        #expect(script.contains("trap 'warned=1; kill -TERM \"$pid\" 2>/dev/null' USR2"))
        #expect(script.contains("scontrol requeue \"${SLURM_ARRAY_JOB_ID}_$task\""))

        let plain = Self.array(SlurmArray.Resources(), arguments: ["reproduce", "it's"]).script
        #expect(plain.contains("#SBATCH --array=0-3\n") && plain.contains("#SBATCH --signal=B:USR1@120\n"))
        #expect(!plain.contains("--requeue") && !plain.contains("scontrol") && !plain.contains("--partition"))
        #expect(plain.contains("/opt/bin/biaslab reproduce 'it'\\''s' --shard"))
    }

    /// Slurm's time forms in seconds (sbatch(1)); anything else is refused.
    @Test func slurmTimesAndSignals() throws {
        let cases = ["30": 1800, "5:30": 330, "1:00:00": 3600, "2-0": 172_800, "1-2:30": 95_400, "1-00:00:10": 86_410]
        for (text, seconds) in cases { #expect(try SlurmTime(parsing: text).seconds == seconds, "\(text)") }
        for bad in ["", "0", "-1", "1:2:3:4", "a", "1-", "1-2-3", "1:-5"] { #expect(throws: ConfigError.self, "\(bad)") { try SlurmTime(parsing: bad) } }
        #expect(try SlurmSignal(parsing: "USR1@90") == SlurmSignal(parsing: "B:SIGUSR1@90"))
        #expect(try SlurmSignal(parsing: "B:usr2@600").description == "B:USR2@600")
        for bad in ["USR1", "TERM@10", "KILL@10", "B:USR1@0", "USR1@x"] { #expect(throws: ConfigError.self, "\(bad)") { try SlurmSignal(parsing: bad) } }
    }

    /// The copy of a sweep whose base is a relative file and whose name is the file's: it expands to the
    /// original's points (names and config JSON) from another folder, with and without --set.
    @Test func snapshotIsSelfContained() throws {
        let dir = try CLIRunner.temporaryDirectory()
        let sub = dir.appendingPathComponent("sweeps")
        try FileManager.default.createDirectory(at: sub, withIntermediateDirectories: true)
        try """
            model: mlp:2-3-2:tanh
            data: gaussian-mixture:n=16,d=2,classes=2,seed=1
            optimizer: {name: "adam:torch", lr: 1e-3, beta2: 0.999}
            training: {steps: 5, batch_size: full}
            """.write(to: dir.appendingPathComponent("base.yaml"), atomically: true, encoding: .utf8)
        let file = sub.appendingPathComponent("my-sweep.yaml")
        try """
            base: ../base.yaml
            grid:
              seed: [1, 0]
              optimizer.lr: [1e-3, 0.01]
            """.write(to: file, atomically: true, encoding: .utf8)
        let elsewhere = dir.appendingPathComponent("array/sweep.yaml")
        try FileManager.default.createDirectory(at: elsewhere.deletingLastPathComponent(), withIntermediateDirectories: true)
        for overrides in [[], ["training.steps=7"]] {
            try SweepSnapshot(contentsOf: file, overrides: overrides).write(to: elsewhere, overrides: overrides)
            let original = try SweepSpec.load(contentsOf: file, overrides: overrides).points()
            let copy = try SweepSpec.load(contentsOf: elsewhere, overrides: overrides).points()
            #expect(copy.map(\.name) == original.map(\.name) && copy.map(\.configJSON) == original.map(\.configJSON))
            #expect(copy.first?.name.hasPrefix("my-sweep/seed=1,") == true)
        }
    }
}
