import Foundation

extension SweepPlan.Item {
    /// Runs this item in-process through ``Runner/runPoint(_:store:options:)`` (which claims the point
    /// atomically: starts it, or continues its interrupted or abandoned run); nil for a point finished
    /// in the store or worked on by another live process, whether the plan or the claim found it so.
    public func execute(store url: URL, options: RunOptions) throws -> RunOutcome? {
        guard isPending else { return nil }
        switch try Runner.runPoint(point.config, store: url, options: options) {
        case .ran(let outcome): return outcome
        case .finished, .claimed: return nil
        }
    }
}
