import ArgumentParser
import Experiments
import Foundation

/// Training progress on stderr: a bar redrawn in place when stderr is a terminal, plain lines
/// (every `every` steps, or about every 2 s) when it is not. Each shows step, batch loss, the last
/// λ_max and the ETA.
final class ProgressLine {
    private let isTerminal = isatty(STDERR_FILENO) != 0
    private let every: Int?
    private var lastPrint = Date.distantPast
    private var drawn = false

    init(every: Int?) { self.every = every }

    func show(_ p: RunProgress) {
        let due: Bool
        if let every { due = p.step % every == 0 || p.step == p.totalSteps } else {
            due = Date().timeIntervalSince(lastPrint) >= (isTerminal ? 0.1 : 2) || p.step == p.totalSteps
        }
        guard due else { return }
        lastPrint = Date()
        let lambda = p.lambdaMax.map { String(format: " λmax %.4g", $0) } ?? ""
        let eta = p.estimatedSecondsLeft.isFinite ? " ETA \(Self.duration(p.estimatedSecondsLeft))" : ""
        let text = "step \(p.step)/\(p.totalSteps) loss \(String(format: "%.6g", p.batchLoss))\(lambda)\(eta)"
        if isTerminal {
            let width = 24, filled = p.totalSteps > 0 ? width * p.step / p.totalSteps : width
            let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
            StandardStreams.error("\r\u{1B}[2K[\(bar)] \(text)")
            drawn = true
        } else {
            StandardStreams.error("run \(p.runID): \(text)\n")
        }
    }

    /// Ends a redrawn bar with a newline.
    func finish() {
        if drawn { StandardStreams.error("\n") }
        drawn = false
    }

    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%d:%02d", s / 60, s % 60)
    }
}

/// `--progress-every N` (N ≥ 1), shared by the commands that train (`run`, `sweep run`).
struct ProgressOptions: ParsableArguments {
    @Option(help: "Without a terminal, print a progress line every N steps (default: about every 2 s).")
    var progressEvery: Int?

    func validate() throws {
        if let n = progressEvery, n < 1 { throw ValidationError("--progress-every must be at least 1, got \(n)") }
    }
}
