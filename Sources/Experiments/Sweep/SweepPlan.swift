import Foundation

/// What a sweep still has to do in a store: each point's run is finished (completed or diverged —
/// both are results, re-running would reproduce them), interrupted (resume it from its checkpoint),
/// or missing (start it). A run matches a point when its name and stored config JSON both equal the
/// point's; a run left `running` or `failed` (a killed or crashed process) is started again.
public struct SweepPlan: Sendable {
    public enum Action: Sendable, Equatable {
        case skip(runID: Int64)
        case resume(runID: Int64)
        case start
    }

    public struct Item: Sendable {
        public let point: SweepPoint
        public let action: Action
    }

    public let items: [Item]

    public init(points: [SweepPoint], runs: [RunStore.Run]) {
        let index = RunIndex(runs)
        items = points.map { point in
            if let done = index.finished(name: point.name, config: point.configJSON) { return Item(point: point, action: .skip(runID: done.id)) }
            if let paused = index.latest(name: point.name, config: point.configJSON, status: .interrupted) {
                return Item(point: point, action: .resume(runID: paused.id))
            }
            return Item(point: point, action: .start)
        }
    }

    /// The plan of `points` against the store at `url` (every point is to start when it does not exist).
    public init(points: [SweepPoint], store url: URL) throws {
        let runs = FileManager.default.fileExists(atPath: url.path) ? try RunStore(url: url).runs() : []
        self.init(points: points, runs: runs)
    }

    public var pending: [Item] { items.filter { !$0.isSkipped } }
    public var skippedCount: Int { items.filter(\.isSkipped).count }
}

extension SweepPlan.Item {
    public var isSkipped: Bool { if case .skip = action { true } else { false } }
}

/// Runs of a store by (name, config JSON): the identity of a sweep point across stores.
struct RunIndex {
    private var byKey: [String: [RunStore.Run]] = [:]

    init(_ runs: [RunStore.Run]) {
        for run in runs { byKey[Self.key(run.name, run.config), default: []].append(run) }
    }

    static func key(_ name: String, _ config: String) -> String { name + "\u{0}" + config }

    /// The first finished run (completed or diverged) of this name and config.
    func finished(name: String, config: String) -> RunStore.Run? {
        byKey[Self.key(name, config)]?.first { $0.status.isFinal }
    }

    /// The latest run of this name and config with `status`.
    func latest(name: String, config: String, status: RunStore.Status) -> RunStore.Run? {
        byKey[Self.key(name, config)]?.last { $0.status == status }
    }
}

extension RunStore.Status {
    /// Completed or diverged: the run has a result and is never run again.
    public var isFinal: Bool { self == .completed || self == .diverged }
}
