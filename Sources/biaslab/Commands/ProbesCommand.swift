import ArgumentParser
import Experiments

/// `biaslab probes`: every probe a run config can name, with its options (defaults, accepted values)
/// and the metrics it records (formulas), printed from each probe's ``ProbeDescription``.
struct ProbesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probes",
        abstract: "List the run probes: their options with defaults and the metrics they record, with formulas.",
        discussion: """
            A run config names probes under `probes:` as {name, every, options}; each listed option is \
            a key of `options`, each metric a name in the run's metrics table (`results show`, \
            `results export`, `report`). Every run also records batch_loss, L_B(θ_t) on step t's batch.

            Examples:
              biaslab probes
              biaslab probes --name interaction
              biaslab probes --json
            """)

    @Option(name: .long, help: "Only list this probe.")
    var name: String?

    @OptionGroup var output: OutputOptions

    func validate() throws {
        if let name, ProbeRegistry.standard.types[name] == nil {
            throw ValidationError("--name must be one of \(Self.listed.map(\.name).joined(separator: ", ")), got '\(name)'")
        }
    }

    static var listed: [ProbeDescription] { ProbeRegistry.standard.ordered.map { $0.documentation } }

    func run() throws {
        let probes = Self.listed.filter { name == nil || $0.name == name }
        if output.json {
            struct Listing: Encodable { let probes: [ProbeDescription] }
            try JSONOutput.print(Listing(probes: probes))
            return
        }
        print(probes.map(Self.text).joined(separator: "\n\n"))
    }

    /// One probe as text: name and summary, reference, options table, metrics table.
    static func text(_ probe: ProbeDescription) -> String {
        var lines = ["\(probe.name) — \(probe.summary)", "  reference: \(probe.reference)"]
        if probe.options.isEmpty {
            lines.append("  options: none")
        } else {
            lines.append("  options:")
            let rows = probe.options.map { ["    " + $0.key, "default \($0.defaultValue)", $0.expected, $0.summary] }
            lines += TextTable.lines(rows)
        }
        lines.append("  metrics:")
        lines += TextTable.lines(probe.metrics.map { ["    " + $0.name, $0.formula + ($0.condition.map { "   [only: \($0)]" } ?? "")] })
        return lines.joined(separator: "\n")
    }
}
