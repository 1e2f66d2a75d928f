import ArgumentParser
import Curvature
import DataIO

// `--sampling` values are BatchSampling's raw values; `--help` lists them.
extension BatchSampling: ExpressibleByArgument {}

/// `--sampling`: how mini-batches are drawn, the one flag of every command that samples batches
/// (train, curvature, stability, scale) and the CLI spelling of a run config's `training.sampling`.
struct SamplingOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "How mini-batches are drawn: " + BatchSampling.allCases.map { "\($0.rawValue) (\($0.batchLaw))" }.joined(separator: "; ")
            + ". Batch-moment measures (ρ_b, IAS, batch sharpness) reject fixed-order.",
        valueName: "scheme"))
    var sampling: BatchSampling = .withoutReplacement

    /// The scheme, after checking that `consumer` can use it (every scheme but fixed-order has a random
    /// batch law); otherwise a one-line usage error (exit 2) naming the flag.
    func randomBatches(for consumer: String) throws -> BatchSampling {
        do { try sampling.requireRandomBatches(for: consumer) } catch { throw UsageError("--sampling: \(error)") }
        return sampling
    }
}
