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
            reproduced, not reproduced (the criterion failed; that is a result) or inconclusive. Exit code 0 \
            whatever the verdicts (a study that ran is a success); 1 if the study could not run. --quick runs \
            a short version that keeps the machinery working; its verdicts are about the machinery, not the \
            claim. docs/REPRODUCTIONS.md lists every claim with the verdict of its full run.

            Examples:
              biaslab reproduce --list
              biaslab reproduce 003-toy
              biaslab reproduce 003-toy --json
              biaslab reproduce 003-toy --quick -o out/reproduce-003-toy.html
            """)

    @Argument(help: "The study (see --list).") var study: String?
    @Flag(help: "List the studies and their claims.") var list = false
    @Flag(help: "The short version (tests the machinery, not the claim).") var quick = false
    @Option(help: "Seeds per configuration for stochastic studies.") var seeds = 3
    @Option(name: [.customShort("o"), .long], help: "Write the study's HTML report here.") var output: String?
    @OptionGroup var json: OutputOptions

    func validate() throws {
        guard list || study != nil else { throw ValidationError("give a study (see 'biaslab reproduce --list') or --list") }
        if let study, Studies.named(study) == nil {
            throw ValidationError("unknown study '\(study)'; studies: \(Studies.all.map(\.name).joined(separator: ", "))")
        }
        guard (1...100).contains(seeds) else { throw ValidationError("--seeds must be between 1 and 100, got \(seeds)") }
    }

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
        if list {
            let listing = Studies.all.map { Listing(name: $0.name, title: $0.title, claims: $0.claims) }
            if json.json { try JSONOutput.print(["studies": listing]); return }
            for s in listing {
                print("\(s.name)  \(s.title)")
                for c in s.claims { print("  \(c.id)  [paper \(c.paper), \(c.source)] \(c.statement) — \(c.criterion)") }
            }
            return
        }
        let result: StudyResult
        do { result = try Studies.named(study!)!.run(StudyOptions(quick: quick, seeds: seeds)) } catch {
            throw ComputationError("reproduce \(study!): \(error)")
        }
        if let output {
            do { try Data(StudyReport.html(result).utf8).write(to: URL(fileURLWithPath: output), options: .atomic) } catch {
                throw ComputationError("-o \(output): \(error.localizedDescription)")
            }
        }
        if json.json {
            try JSONOutput.print(Output(study: result.study, title: result.title, quick: quick, wallSeconds: result.wallSeconds, outcomes: result.outcomes))
            return
        }
        print("\(result.study): \(result.title)\(quick ? " (quick)" : "")")
        for o in result.outcomes {
            print("  [\(o.verdict.rawValue)] \(o.claim.id): \(o.claim.statement)")
            print("      criterion: \(o.claim.criterion); measured: \(o.measured)")
        }
        print(String(format: "  %.1f s", result.wallSeconds) + (output.map { "; report: \($0)" } ?? ""))
    }
}
