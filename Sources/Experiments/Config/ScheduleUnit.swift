import Optim

/// The unit of the step counts in `optimizer.schedule` and `optimizer.weight_decay_schedule`
/// (`optimizer.schedule_unit`): optimizer steps (the default) or epochs. In epochs every count —
/// step-decay milestones, warm-up lengths, linear-decay start and end — is multiplied by the steps
/// per epoch (⌈N/b⌉ with `last_batch: keep`, ⌊N/b⌋ with `drop`, 1 for the full batch;
/// ``RunConfig/stepsPerEpoch(sampleCount:)``), so a milestone at epoch e falls on step e · (steps per epoch).
public enum ScheduleUnit: String, CaseIterable, Sendable {
    case steps, epochs

    /// `schedules` in steps.
    public func resolve(_ schedules: Schedules, stepsPerEpoch: Int) -> Schedules {
        switch self {
        case .steps: schedules
        case .epochs: Schedules(learningRate: schedules.learningRate.scaled(by: stepsPerEpoch),
                                weightDecay: schedules.weightDecay.scaled(by: stepsPerEpoch))
        }
    }
}

extension Schedule {
    /// The schedule with every step count multiplied by `k` (multipliers and fractions unchanged).
    func scaled(by k: Int) -> Schedule {
        switch self {
        case .constant: .constant
        case .stepDecay(let milestones, let factor): .stepDecay(milestones: milestones.map { $0 * k }, factor: factor)
        case .linearWarmup(let steps, let s0): .linearWarmup(steps: steps * k, initialFraction: s0)
        case .exponentialWarmup(let steps, let a): .exponentialWarmup(steps: steps * k, initialFactor: a)
        case .linearDecay(let start, let end, let s1): .linearDecay(start: start * k, end: end * k, finalFraction: s1)
        case .product(let a, let b): .product(a.scaled(by: k), b.scaled(by: k))
        }
    }
}
