import Foundation

extension SweepPlan.Item {
    /// Runs this item in-process: starts the point's run, resumes its interrupted run, or returns nil
    /// for a point already finished in the store.
    public func execute(store url: URL, options: RunOptions) throws -> RunOutcome? {
        switch action {
        case .skip: return nil
        case .resume(let id): return try Runner.resume(runID: id, store: url, options: options)
        case .start: return try Runner.start(point.config, store: url, options: options)
        }
    }
}
