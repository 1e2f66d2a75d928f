import Experiments
import Foundation

extension ReproduceCommand {
    /// `reproduce SEL --slurm DIR`: a job array whose task t measures shard t+1 of N of every selected
    /// study (the runs k with k mod N = t) into DIR/stores/task-t.sqlite; N = ⌈R / K⌉ for the R runs of
    /// the selected studies and K = --points-per-task. Merge the task stores and run `reproduce SEL --store
    /// MERGED` to analyse.
    func writeArray(_ studies: [any Study], _ options: StudyOptions) throws {
        let runs = studies.map { $0.runs(options).count }.reduce(0, +)
        let directory = try slurmOptions.directory()
        let arguments = ["reproduce", study!, "--seeds", "\(seeds)", "--first-seed", "\(firstSeed)"] + (quick ? ["--quick"] : []) + (lm ? ["--lm"] : [])
        let array = try slurmOptions.array(in: directory, jobName: "biaslab-reproduce-\(study!)\(lm ? "-lm" : "")", points: runs, arguments: arguments)
        try slurmOptions.writeAndSubmit(array, points: runs, statusCommand: nil, json: json.json)
        if !json.json {
            print("analyse: biaslab reproduce \(study!)\(lm ? " --lm" : "")\(quick ? " --quick" : "") --seeds \(seeds) --first-seed \(firstSeed) "
                  + "--store \(directory.path)/merged.sqlite -o \(directory.path)/report.html")
        }
    }
}
