import ArgumentParser
import Optim

/// `biaslab optimizers`: lists every optimizer preset with its exact update formula and default settings.
struct OptimizersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "optimizers",
        abstract: "List the optimizers and presets, with their exact formulas and defaults.",
        discussion: """
            A preset is NAME:PRESET (a bare NAME means its first preset). Any setting can be overridden
            with key=value after the name wherever an optimizer is chosen, e.g.
            "adam:torch,lr=0.01,eps_placement=insideSqrt".

            Examples:
              biaslab optimizers
              biaslab optimizers --family adam
              biaslab optimizers --json
            """)

    @OptionGroup var output: OutputOptions

    @Option(name: .long, help: "Only list presets of this family (e.g. adam, lion, momentum).")
    var family: String?

    func validate() throws {
        if let family, !OptimizerCatalog.presets.contains(where: { $0.familyName == family.lowercased() }) {
            var unique: [String] = []
            for entry in OptimizerCatalog.presets where !unique.contains(entry.familyName) { unique.append(entry.familyName) }
            throw ValidationError("--family must be one of \(unique.joined(separator: ", ")), got '\(family)'")
        }
    }

    func run() throws {
        let entries = OptimizerCatalog.presets.filter { family == nil || $0.familyName == family!.lowercased() }
        if output.json {
            try JSONOutput.print(Listing(optimizers: entries.map {
                Listing.Item(name: $0.name, summary: $0.summary, formula: $0.formula,
                             defaults: Dictionary($0.settings.map { ($0.key, $0.value.description) }, uniquingKeysWith: { _, b in b }))
            }, aliases: OptimizerCatalog.aliases))
            return
        }
        for entry in entries {
            print("\(entry.name)  —  \(entry.summary)")
            print("    \(entry.formula)")
            print("    defaults: " + entry.settings.map { "\($0.key)=\($0.value)" }.joined(separator: " "))
        }
        if family == nil {
            print("aliases: " + OptimizerCatalog.aliases.sorted { $0.key < $1.key }.map { "\($0.key) = \($0.value)" }.joined(separator: ", "))
        }
    }

    struct Listing: Encodable {
        struct Item: Encodable {
            let name: String
            let summary: String
            let formula: String
            let defaults: [String: String]
        }
        let optimizers: [Item]
        /// Other accepted names and the presets they stand for.
        let aliases: [String: String]
    }
}
