import ArgumentParser
import Experiments
import Foundation

/// `biaslab reproduce`: a paper's claims measured on real runs, each with its criterion (written before the
/// study ran), the measurement and a verdict: reproduced, not reproduced or inconclusive.
struct ReproduceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reproduce",
        abstract: "Reproduce a paper's claims: runs, an analysis, a verdict per claim, and an HTML report.",
        discussion: """
            A study states each claim of a paper with the figure or equation it comes from and its pass \
            criterion, runs what the claim needs, and decides the verdict from the measured numbers: \
            reproduced, not reproduced (the criterion failed; that is a result) or inconclusive. Give one \
            study by name, every study of a paper by its number (003), or all. --quick runs a short version \
            that keeps the machinery working; its verdicts are about the machinery, not the claim. \
            docs/REPRODUCTIONS.md lists every claim with the verdict of its full run. --json prints one study's \
            verdicts as an object, or {"studies": […], "incomplete": […]} for a paper, all, or an unfinished shard.

            A study is a set of runs, each stored whole in --store as a run named <study>/<run> whose series \
            are its metric rows (`biaslab results list/export` read them): run the command again and it \
            measures only what is missing, then analyses the store; --shard i/n measures the runs k with \
            k mod n = i − 1 (merge the shards' stores with `biaslab results merge`, then run once more to \
            analyse); --jobs N measures N runs at a time, each process with its share of the cores. Without \
            --store the runs go to a temporary store removed at the end. Stochastic studies run --seeds seeds \
            from --first-seed (0, 1, 2 by default; the quick version runs one): --first-seed 3 reruns a study \
            with seeds it has not seen, in the same store.

            --lm selects from the language-model versions of the studies instead (--list --lm lists them): the \
            same claims and criteria measured on a small byte-level transformer over Debian's fortunes, with \
            their own names and claim ids (000-beta2-lm, paper 000's setting being a language model); every \
            other flag works with it as without.

            --slurm DIR writes a Slurm job array instead (README § Running on a cluster): task t measures \
            shard t+1 of N = ⌈runs / --points-per-task⌉ into DIR/stores/task-t.sqlite; merge the task stores \
            with `biaslab results merge` and run the study once more with --store on the merged store to \
            analyse. The scheduling flags are those of `sweep --slurm`.

            Exit status: 0 when every selected study was analysed or a shard finished, whatever the \
            verdicts (a study that ran is a success); 1 when a run failed; 128 + signal after SIGINT/SIGTERM \
            (the runs already measured stay in the store).

            Examples:
              biaslab reproduce --list
              biaslab reproduce 003-toy
              biaslab reproduce 003-toy --json
              biaslab reproduce 003-toy --quick -o out/reproduce-003-toy.html
              biaslab reproduce 002 --quick --store out/reproduce-002.sqlite
              biaslab reproduce 003-gd --quick --jobs 2 --seeds 2
              biaslab reproduce 003-gd --quick --first-seed 3 --json
              biaslab reproduce 000 --lm --quick --store out/reproduce-000-lm.sqlite
              biaslab reproduce 000-beta2-lm --lm --quick --shard 1/2 --store out/lm-shard1.sqlite
              biaslab reproduce --list --lm
              biaslab reproduce 003-sgd --quick --shard 1/2 --store out/sgd-shard1.sqlite
              biaslab reproduce 002-sensing --quick --slurm slurm-sensing --points-per-task 1 --partition cpu --time 30 --cpus-per-task 2 --mem 2G --array-parallelism 4 --requeue --signal B:USR1@60
              biaslab reproduce 002 --slurm slurm-002 --sbatch-line "--account=lab" --binary dist/biaslab --submit
              biaslab reproduce 000 --lm --quick --slurm slurm-000-lm --points-per-task 2
            """)

    @Argument(help: "The study, a paper's number (every study of that paper) or all (see --list).") var study: String?
    @Flag(help: "List the studies and their claims.") var list = false
    @Flag(help: "The short version (tests the machinery, not the claim).") var quick = false
    @Flag(help: "The language-model versions of the studies (a transformer over Debian's fortunes; see --list --lm).") var lm = false
    @Option(help: "Seeds per configuration for stochastic studies.") var seeds = 3
    @Option(help: "The first seed (the runs use seeds F, F + 1, …): a rerun with other seeds, e.g. --first-seed 3 after seeds 0–2.")
    var firstSeed = 0
    @Option(help: "Measure up to N runs at a time, as child processes sharing the cores.") var jobs = 1
    @Option(help: "Keep the runs in this store (SQLite), to continue, shard or re-analyse them.") var store: String?
    @Option(help: "Measure only shard i of n (1 ≤ i ≤ n): the runs k with k mod n = i − 1; needs --store.") var shard: String?
    @Option(name: [.customShort("o"), .long], help: "Write the HTML report (every selected study) here.") var output: String?
    @Option(help: .hidden) var measureRun: String?
    @OptionGroup var slurmOptions: SlurmOptions
    @OptionGroup var json: OutputOptions

    func validate() throws {
        guard list || study != nil else { throw ValidationError("give a study (see 'biaslab reproduce --list') or --list") }
        if let study, Studies.selected(by: study, in: family).isEmpty {
            throw ValidationError("unknown study '\(study)'\(lm ? " with --lm" : ""); studies: \(Studies.all(family).map(\.name).joined(separator: ", ")), a paper's number, or all")
        }
        guard (1...100).contains(seeds) else { throw ValidationError("--seeds must be between 1 and 100, got \(seeds)") }
        guard (0...1_000_000).contains(firstSeed) else { throw ValidationError("--first-seed must be between 0 and 1000000, got \(firstSeed)") }
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1, got \(jobs)") }
        if shard != nil && store == nil { throw ValidationError("--shard needs --store (a shard's runs are kept for the final analysis)") }
        if slurmOptions.isRequested {
            if list || shard != nil || store != nil || jobs != 1 || output != nil || measureRun != nil {
                throw ValidationError("--slurm writes a job array whose tasks have their own shards and stores; drop --list, --shard, --store, --jobs and -o")
            }
        }
        if measureRun != nil && (store == nil || Studies.named(study ?? "", in: family) == nil) {
            throw ValidationError("--measure-run needs one study by name and --store")
        }
    }

    /// The studies the selector picks from.
    var family: StudyFamily { lm ? .languageModel : .miniature }

    struct Listing: Encodable {
        let name: String
        let title: String
        let claims: [Claim]
    }

    struct Output: Encodable {
        let study: String
        let title: String
        let quick: Bool
        let wallSeconds: Double
        let outcomes: [ClaimOutcome]
    }

    func run() throws {
        if list { return try printList() }
        let studies = Studies.selected(by: study!, in: family)
        let options = StudyOptions(quick: quick, seeds: seeds, firstSeed: firstSeed)
        if slurmOptions.isRequested { return try writeArray(studies, options) }
        let storeURL = store.map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("biaslab-reproduce-\(UUID().uuidString).sqlite")
        defer { if store == nil { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: storeURL.path + suffix) } } }
        let runs: StudyStore
        do { runs = try StudyStore(url: storeURL) } catch { throw ComputationError("--store \(storeURL.path): \(error)") }
        if let key = measureRun { return try measureOne(key, of: studies[0], options, runs) }

        let part = try SweepCommand.shard(shard)
        InterruptSignal.install()
        try measure(studies, options, shard: part, in: runs)
        if let signal = InterruptSignal.receivedSignal { throw ExitCode(128 + signal) }

        var results: [StudyResult] = []
        var incomplete: [String] = []
        for s in studies {
            let missing = try runs.pending(s, options)
            if !missing.isEmpty { incomplete.append("\(s.name): \(missing.count) of \(s.runs(options).count) runs still to measure"); continue }
            do { results.append(try runs.analyze(s, options)) } catch { throw ComputationError("reproduce \(s.name): \(error)") }
        }
        if let output, !results.isEmpty {
            try StandardStreams.writeFile(StudyReport.html(results), to: output, option: "-o")
        }
        try printResults(results, incomplete: incomplete)
    }

    /// Measures the pending runs of every study (this shard's), in this process or as `--jobs` children.
    func measure(_ studies: [any Study], _ options: StudyOptions, shard: SweepShard, in runs: StudyStore) throws {
        if jobs <= 1 {
            for s in studies {
                do {
                    try runs.measurePending(s, options, shard: shard, version: BiasLabVersion.string,
                                            shouldStop: { InterruptSignal.receivedSignal != nil },
                                            willMeasure: { SweepProcesses.log("reproduce: \(s.name)/\($0.key)") })
                } catch { throw ComputationError("reproduce \(s.name): \(error)") }
            }
            return
        }
        var tasks: [ChildProcesses.Task] = []
        for s in studies {
            for run in try runs.pending(s, options, shard: shard) {
                tasks.append(ChildProcesses.Task(label: "reproduce: \(s.name)/\(run.key)",
                                                 arguments: ["reproduce", s.name, "--measure-run", run.key, "--store", runs.store.url.path,
                                                             "--seeds", "\(seeds)", "--first-seed", "\(firstSeed)"] + (quick ? ["--quick"] : []) + (lm ? ["--lm"] : [])))
            }
        }
        let failed = ChildProcesses.run(tasks, jobs: jobs, log: { SweepProcesses.log($0) }).filter { $0.exitStatus != 0 }
        if let first = failed.first, InterruptSignal.receivedSignal == nil {
            throw ComputationError("\(failed.count) of \(tasks.count) runs failed; first: \(first.task.label): "
                                   + (first.failure ?? "exit status \(first.exitStatus ?? -1)"))
        }
    }

    /// `--measure-run KEY`: measures one run of one study into the store (what a `--jobs` child does).
    func measureOne(_ key: String, of study: any Study, _ options: StudyOptions, _ runs: StudyStore) throws {
        guard let run = study.runs(options).first(where: { $0.key == key }) else {
            throw UsageError("--measure-run: \(study.name) has no run '\(key)'")
        }
        do { try runs.measure(run, of: study, options, version: BiasLabVersion.string) } catch {
            throw ComputationError("reproduce \(study.name)/\(key): \(error)")
        }
    }

    func printList() throws {
        let listing = Studies.all(family).map { Listing(name: $0.name, title: $0.title, claims: $0.claims) }
        if json.json { try JSONOutput.print(["studies": listing]); return }
        for s in listing {
            print("\(s.name)  \(s.title)")
            for c in s.claims { print("  \(c.id)  [paper \(c.paper), \(c.source)] \(c.statement) — \(c.criterion)") }
        }
    }

    func printResults(_ results: [StudyResult], incomplete: [String]) throws {
        let outputs = results.map { Output(study: $0.study, title: $0.title, quick: quick, wallSeconds: $0.wallSeconds, outcomes: $0.outcomes) }
        if json.json {
            struct All: Encodable { let studies: [Output]; let incomplete: [String] }
            if outputs.count == 1 && incomplete.isEmpty && Studies.named(study!, in: family) != nil { try JSONOutput.print(outputs[0]) }
            else { try JSONOutput.print(All(studies: outputs, incomplete: incomplete)) }
            return
        }
        for result in results {
            print("\(result.study): \(result.title)\(quick ? " (quick)" : "")")
            for o in result.outcomes {
                print("  [\(o.verdict.rawValue)] \(o.claim.id): \(o.claim.statement)")
                print("      criterion: \(o.claim.criterion); measured: \(o.measured)")
            }
            print(String(format: "  %.1f s of measuring", result.wallSeconds))
        }
        for line in incomplete { print("\(line) (in \(store ?? "the store"); run again, or each shard and merge, to analyse)") }
        if let output, !results.isEmpty { print("report: \(output)") }
    }
}
