import ArgumentParser
import Experiments

/// `biaslab config-reference`: the run-config reference (docs/CONFIG.md) generated from the schema.
struct ConfigReferenceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config-reference",
        abstract: "Print the run-config reference (Markdown): every key, accepted values, defaults, sampling, data sources, probes.",
        discussion: """
            docs/CONFIG.md is this output; regenerate it after changing a config key or a probe:

            Examples:
              biaslab config-reference > docs/CONFIG.md
            """)

    func run() throws {
        print(ConfigReference.markdown(), terminator: "")
    }
}
