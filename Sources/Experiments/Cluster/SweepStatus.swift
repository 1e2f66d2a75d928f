import Foundation

/// `sweep status`: what each point of a sweep is in a set of stores (a job array's DIR/stores): done (a
/// completed or diverged run — a result), running (a live claim), interrupted (checkpointed or abandoned:
/// the next run of its shard resumes it), failed (its latest run failed), or not started. A point's runs
/// are found in any store by its identity, name and config JSON (``SweepPlan``); the first state in that
/// order wins.
public struct SweepStatus: Sendable, Encodable {
    public enum State: String, Sendable, Encodable, CaseIterable {
        case done, running, interrupted, failed
        case notStarted = "not-started"
    }

    public struct Entry: Sendable, Encodable {
        public let index: Int
        public let name: String
        public let state: State
        /// The store holding the run that decided the state (its file name), nil when not started.
        public let store: String?
        /// The run's step and total steps.
        public let step: Int?
        public let totalSteps: Int?
    }

    public let points: [Entry]

    /// Each state's count, in ``State`` order.
    public var counts: [(State, Int)] {
        State.allCases.map { state in (state, points.filter { $0.state == state }.count) }
    }

    /// The status of `points` over `stores` (each opened read-only).
    public init(points: [SweepPoint], stores: [URL]) throws {
        var located: [(store: String, run: RunStore.Run)] = []
        for url in stores {
            for run in try RunStore(url: url, mode: .readOnly).runs() { located.append((url.lastPathComponent, run)) }
        }
        var byKey: [String: [(store: String, run: RunStore.Run)]] = [:]
        for entry in located { byKey[RunIndex.key(entry.run.name, entry.run.config), default: []].append(entry) }
        self.points = points.map { point in
            let runs = byKey[RunIndex.key(point.name, point.configJSON)] ?? []
            let decided: (State, (store: String, run: RunStore.Run))?
            if let r = runs.first(where: { $0.run.status.isFinal }) { decided = (.done, r) }
            else if let r = runs.last(where: { $0.run.liveClaim != nil }) { decided = (.running, r) }
            else if let r = runs.last(where: { $0.run.status == .interrupted || $0.run.status == .running }) { decided = (.interrupted, r) }
            else if let r = runs.last(where: { $0.run.status == .failed }) { decided = (.failed, r) }
            else { decided = nil }
            return Entry(index: point.index, name: point.name, state: decided?.0 ?? .notStarted, store: decided?.1.store,
                         step: decided?.1.run.step, totalSteps: decided?.1.run.totalSteps)
        }
    }

    /// The stores of a folder: its `*.sqlite` files, by name.
    public static func stores(in directory: URL) throws -> [URL] {
        try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "sqlite" }
            .sorted { $0.lastPathComponent.localizedStandardCompare($1.lastPathComponent) == .orderedAscending }
    }

    /// One line per point (index, state, step/total, store, name) and a count per state.
    public var table: String {
        var lines = points.map { e in
            let progress = e.step.map { "\($0)/\(e.totalSteps ?? 0)" } ?? "-"
            return "\(e.index)\t\(e.state.rawValue)\t\(progress)\t\(e.store ?? "-")\t\(e.name)"
        }
        lines.append(counts.map { "\($0.1) \($0.0.rawValue)" }.joined(separator: ", "))
        return lines.joined(separator: "\n")
    }
}
