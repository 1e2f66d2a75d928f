import ArgumentParser
import Experiments
import Foundation

/// `biaslab report RUN[,RUN…]|all|SWEEP.yaml [--store PATH] [-o report.html]`.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write one self-contained HTML report (inline SVG charts) of runs or of a sweep.",
        discussion: """
            TARGET is a run id, several ids joined by commas (their curves overlaid), `all`, or a sweep \
            file. A run report has a table per run (threshold, final and largest sharpness, the fraction \
            of late measurements within ±10 % of the threshold, final loss and accuracy) and charts over \
            steps: losses (log scale when they span more than two decades), accuracies, λ_max(H) with \
            2/η, λ₁(P⁻¹H) with (2+2β₁)/((1−β₁)η), sharpness ÷ threshold, and every other metric. A sweep \
            report adds heatmaps of the sweep's objective over two swept keys (one per value of the \
            others) and the summary table. The file has no scripts, fonts or network references.

            Examples:
              biaslab report 3 --store runs.sqlite -o run3.html
              biaslab report 1,2 --store out/demo.sqlite -o compare.html
              biaslab report examples/sweeps/tiny-betas.yaml --store sweep.sqlite -o sweep.html
              biaslab report 1 --store runs.sqlite -o run1.html --json
            """)

    @Argument(help: "A run id, ids joined by commas, `all`, or a sweep file.")
    var target: String

    @Option(help: "The results store (default: runs.sqlite; for a sweep, its base config's store).")
    var store: String?

    @Option(name: [.short, .customLong("output")], help: "The HTML file to write.")
    var output = "report.html"

    @OptionGroup var format: OutputOptions

    func run() throws {
        let page: HTMLPage
        let storePath: String
        if target.hasSuffix(".yaml") || target.hasSuffix(".yml") || target.hasSuffix(".json") {
            let options = try SweepCommand.SweepOptions.parse([target] + (store.map { ["--store", $0] } ?? []))
            let (spec, points, url) = try options.load()
            storePath = url.path
            page = try SweepReport.page(spec: spec, points: points, store: try Self.open(url.path))
        } else {
            storePath = store ?? "runs.sqlite"
            let runStore = try Self.open(storePath)
            let runs: [RunStore.Run]
            if target == "all" {
                runs = try runStore.runs()
            } else {
                let ids = target.split(separator: ",").map { Int64($0.trimmingCharacters(in: .whitespaces)) }
                guard !ids.isEmpty, ids.allSatisfy({ $0 != nil }) else {
                    throw UsageError("TARGET must be a run id, ids joined by commas, `all`, or a sweep file (.yaml), got '\(target)'")
                }
                runs = try ids.map { id in
                    guard let run = try runStore.run(id: id!) else { throw UsageError("no run \(id!) in \(storePath)") }
                    return run
                }
            }
            guard !runs.isEmpty else { throw UsageError("store \(storePath) has no runs") }
            page = try RunReport.page(runs: runs, store: runStore)
        }
        try Self.write(page, to: output)
        if format.json {
            struct Output: Encodable { let report: String; let store: String }
            try JSONOutput.print(Output(report: output, store: storePath))
        } else {
            print("report written to \(output)")
        }
    }

    static func open(_ path: String) throws -> RunStore { try ResultsCommand.openReadOnly(path) }

    static func write(_ page: HTMLPage, to path: String) throws {
        try StandardStreams.writeFile(page.render(), to: path, option: "-o")
    }
}
