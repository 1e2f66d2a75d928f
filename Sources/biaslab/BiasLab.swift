import ArgumentParser
import Foundation
import Tensor

/// The root command. Errors map onto BiasLab's exit codes (see README "Conventions"):
/// 0 success; 1 the computation failed; 2 bad usage or bad input (always one line on stderr).
@main
struct BiasLabCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "biaslab",
        abstract: "Measure and predict the implicit bias of optimizers.",
        discussion: """
            Examples:
              biaslab demo
              biaslab --version
            """,
        version: BiasLabVersion.string,
        subcommands: CommandRegistry.all)

    /// Parses, runs, and maps every error to exit code 2 (usage, input) or 1 (computation).
    static func main() {
        StandardStreams.reserveClosedDescriptors()
        ParentDeath.install()
        ExecutionPolicy.apply()
        CLIExit.run { try parseAsRoot() }
    }
}

enum BiasLabVersion {
    static let string = "0.1.0"
}
