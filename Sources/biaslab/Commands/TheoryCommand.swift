import ArgumentParser

/// `biaslab theory`: the papers' closed-form predictions, one subcommand per prediction.
///
/// To add a subcommand (e.g. `memory`, `trajectory`), write its own file in Commands/ and append its type to
/// `TheoryCommand.subcommands`.
struct TheoryCommand: ParsableCommand {
    static let subcommands: [ParsableCommand.Type] = [
        TheoryAdamNoiseCommand.self,
    ]

    static let configuration = CommandConfiguration(
        commandName: "theory",
        abstract: "Closed-form predictions of the papers (Adam's mini-batch-noise coefficients, …).",
        discussion: """
            Examples:
              biaslab theory adam-noise --beta1 0.9 --beta2 0.999 --lambda 0.3
              biaslab theory adam-noise --beta1 0.9 --beta2 0.95 --n 50000 --batch-size 512 --b-simple 300 --json
            """,
        subcommands: subcommands)
}
