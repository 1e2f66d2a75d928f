/// How often a probe measures: every k optimizer steps (`every: k`) or every k epochs
/// (`every_epochs: k`), i.e. at the steps t with t mod P = 0 (and after the last update), where
/// ```
/// P = k                       (steps)
/// P = k · steps per epoch     (epochs; steps per epoch = ⌈N/b⌉ with last_batch keep, ⌊N/b⌋ with drop,
///                              1 for the full batch — ``RunConfig/stepsPerEpoch(sampleCount:)``)
/// ```
/// Epochs keep the probe at the same points of the data as the batch size b varies.
public enum ProbeCadence: Sendable, Equatable {
    case steps(Int)
    case epochs(Int)

    /// P in optimizer steps.
    public func period(stepsPerEpoch: Int) -> Int {
        switch self {
        case .steps(let k): k
        case .epochs(let k): k * stepsPerEpoch
        }
    }
}
