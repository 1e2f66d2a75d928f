import Foundation

/// What a sweep still has to do in a store: each point's run is finished (completed or diverged —
/// both are results, re-running would reproduce them), claimed by another live process (left to it),
/// interrupted or abandoned — `running` with a stale claim, its process killed — (resume it from its
/// checkpoint), or missing (start it). A run matches a point when its name and stored config JSON both
/// equal the point's; a `failed` run is started again. The plan is what the store says now; running a
/// point claims it atomically (``Runner/runPoint(_:store:options:)``), so a point another process took
/// meanwhile is not run twice.
public struct SweepPlan: Sendable {
    public enum Action: Sendable, Equatable {
        case skip(runID: Int64)
        /// Another live process works on the point's run.
        case busy(runID: Int64, owner: RunClaim)
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
            if let live = index.live(name: point.name, config: point.configJSON), let owner = live.liveClaim {
                return Item(point: point, action: .busy(runID: live.id, owner: owner))
            }
            if let paused = index.resumable(name: point.name, config: point.configJSON) {
                return Item(point: point, action: .resume(runID: paused.id))
            }
            return Item(point: point, action: .start)
        }
    }

    /// The plan of `points` against the store at `url` (every point is to start when it does not exist).
    public init(points: [SweepPoint], store url: URL) throws {
        let runs = FileManager.default.fileExists(atPath: url.path) ? try RunStore(url: url, mode: .readOnly).runs() : []
        self.init(points: points, runs: runs)
    }

    /// The points to start or resume.
    public var pending: [Item] { items.filter(\.isPending) }
    /// The points already finished.
    public var skippedCount: Int { items.filter(\.isSkipped).count }
    /// The points another live process works on.
    public var busyCount: Int { items.filter { if case .busy = $0.action { true } else { false } }.count }
}

extension SweepPlan.Item {
    /// Finished in the store.
    public var isSkipped: Bool { if case .skip = action { true } else { false } }
    /// To start or resume.
    public var isPending: Bool {
        switch action {
        case .start, .resume: true
        case .skip, .busy: false
        }
    }
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

    /// The latest run of this name and config that a live process works on.
    func live(name: String, config: String) -> RunStore.Run? {
        byKey[Self.key(name, config)]?.last { $0.liveClaim != nil }
    }

    /// The latest run of this name and config to continue: interrupted, or `running` with a stale claim.
    func resumable(name: String, config: String) -> RunStore.Run? {
        byKey[Self.key(name, config)]?.last { $0.status == .interrupted || ($0.status == .running && $0.liveClaim == nil) }
    }
}

extension RunStore.Status {
    /// Completed or diverged: the run has a result and is never run again.
    public var isFinal: Bool { self == .completed || self == .diverged }
}
