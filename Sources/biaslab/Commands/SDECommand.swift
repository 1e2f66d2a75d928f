import ArgumentParser

/// `biaslab sde`: the SDEs of SGD, RMSprop and Adam (Malladi et al. 2022) by Euler–Maruyama, and SVAG.
struct SDECommand: ParsableCommand {
    static let subcommands: [ParsableCommand.Type] = [
        SDESimulateCommand.self,
        SDESVAGCommand.self,
    ]

    static let configuration = CommandConfiguration(
        commandName: "sde",
        abstract: "Simulate the SGD/RMSprop/Adam SDEs (Euler–Maruyama) or their SVAG discretization on an analytic oracle.",
        discussion: """
            Examples:
              biaslab sde simulate --process rmsprop --oracle quadratic:h=1,s=1 --lr 0.1 --beta2 0.99 --eps 0 --batch-size 0.04 --time 5 --paths 2000
              biaslab sde svag --ell 4 --process adam --oracle quadratic:h=1,s=1,noise=exponential --lr 0.2 --time 1 --paths 500 --json
            """,
        subcommands: subcommands)
}
