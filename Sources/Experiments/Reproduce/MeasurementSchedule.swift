/// How long a study's run trains and when it measures: steps 0, 1, …, `steps`, with a measurement at every
/// multiple of `every` (so at step 0, and at `steps` when `every` divides it). The training loop visits
/// `steps + 1` iterates: θ₀ before the first update through θ_steps after the last one.
struct MeasurementSchedule: Equatable, Sendable {
    /// The last step, t = `steps`.
    let steps: Int
    /// The measuring period in steps, ≥ 1.
    let every: Int

    /// The steps the training loop visits: 0..<(steps + 1).
    var visited: Range<Int> { 0..<(steps + 1) }

    /// Whether the run measures at `step`: step is a multiple of `every`.
    func measures(at step: Int) -> Bool { step % every == 0 }
}
