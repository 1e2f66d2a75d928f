import ArgumentParser

/// `biaslab theory`: the papers' closed-form predictions, one subcommand per prediction.
///
/// To add a subcommand (e.g. `memory`, `trajectory`), write its own file in Commands/ and append its type to
/// `TheoryCommand.subcommands`.
struct TheoryCommand: ParsableCommand {
    static let subcommands: [ParsableCommand.Type] = [
        TheoryAdamNoiseCommand.self,
        TheoryMemoryCommand.self,
        TheoryTrajectoryCommand.self,
    ]

    static let configuration = CommandConfiguration(
        commandName: "theory",
        abstract: "Closed-form predictions of the papers (Adam's mini-batch noise, the memory correction, …).",
        discussion: """
            Examples:
              biaslab theory adam-noise --beta1 0.9 --beta2 0.999 --lambda 0.3
              biaslab theory adam-noise --beta1 0.9 --beta2 0.95 --n 50000 --batch-size 512 --b-simple 300 --json
              biaslab theory memory --optimizer heavy-ball --lr 0.01 --beta 0.9 --json
              biaslab theory trajectory --model mlp:4-8-1:tanh --params theta.npy --data data.npz --loss mse \\
                --optimizer adamw:paper001 --lr 1e-3 --beta2 0.95 --eps 1e-2 --steps 50
            """,
        subcommands: subcommands)
}
