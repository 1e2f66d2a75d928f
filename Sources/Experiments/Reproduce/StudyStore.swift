import Foundation

/// A study's runs kept in a run store, so a study restarts where it stopped, shards across processes or
/// machines (`--jobs`, `--shard`), and can be re-analysed from what was stored.
///
/// Each run of a study is one row of `runs`, named `<study>/<run key>`, whose config JSON is
/// `{"configuration": "…", "quick": …, "run": "<key>", "study": "<study>"}` (the identity of the run across
/// stores, like a sweep point's: a study whose setting changed measures anew); its series are the run's `metrics` rows. A run is measured whole: a run whose process was
/// killed is left `running` with a stale claim and is measured again in the same row (`failed` after an
/// error: measured again in a new row); a `completed` run is never measured again, and a run another
/// live process is measuring (a live claim, ``RunStore``) is left to it. Its measuring time is its
/// row's `finished_at − started_at`.
public struct StudyStore {
    public let store: RunStore

    public init(url: URL, mode: RunStore.AccessMode = .readWrite) throws {
        store = try RunStore(url: url, mode: mode)
    }

    static func name(_ study: some Study, _ run: StudyRun) -> String { "\(study.name)/\(run.key)" }

    static func configJSON(_ study: some Study, _ run: StudyRun, _ options: StudyOptions) -> String {
        let object: [String: Any] = ["study": study.name, "run": run.key, "quick": options.quick, "configuration": run.configuration]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    /// The completed stored run of each run of the study, by key.
    private func completed(_ study: some Study, _ options: StudyOptions) throws -> [String: RunStore.Run] {
        let index = RunIndex(try store.runs())
        var found: [String: RunStore.Run] = [:]
        for run in study.runs(options) {
            if let stored = index.latest(name: Self.name(study, run), config: Self.configJSON(study, run, options), status: .completed) {
                found[run.key] = stored
            }
        }
        return found
    }

    /// The runs of the study in `shard` (by their index in ``Study/runs(_:)``) not yet completed in the
    /// store, in the study's order.
    public func pending(_ study: some Study, _ options: StudyOptions, shard: SweepShard = .all) throws -> [StudyRun] {
        let done = try completed(study, options)
        return study.runs(options).enumerated().filter { shard.contains($0.offset) && done[$0.element.key] == nil }.map(\.element)
    }

    /// Measures the pending runs of `shard` in this process, one after another, checking `shouldStop`
    /// before each (a run is measured whole, so stopping loses nothing stored); returns the runs measured.
    @discardableResult
    public func measurePending(_ study: some Study, _ options: StudyOptions, shard: SweepShard = .all, version: String,
                               shouldStop: () -> Bool = { false }, willMeasure: (StudyRun) -> Void = { _ in }) throws -> [StudyRun] {
        var measured: [StudyRun] = []
        for run in try pending(study, options, shard: shard) {
            guard !shouldStop() else { break }
            willMeasure(run)
            if try measure(run, of: study, options, version: version) == .measured { measured.append(run) }
        }
        return measured
    }

    /// What ``measure(_:of:_:version:)`` did.
    public enum Measurement: Sendable, Equatable {
        case measured
        /// The store already holds the run, completed.
        case alreadyMeasured
        /// Another live process is measuring the run.
        case claimed(RunClaim)
    }

    /// Claims `run` in the store (``RunStore/claimPoint(name:configJSON:seed:totalSteps:version:)``),
    /// measures it and stores its series; a run that throws is stored as `failed` and the error rethrown.
    @discardableResult
    public func measure(_ run: StudyRun, of study: some Study, _ options: StudyOptions, version: String) throws -> Measurement {
        let id: Int64
        switch try store.claimPoint(name: Self.name(study, run), configJSON: Self.configJSON(study, run, options), seed: run.seed,
                                    totalSteps: 0, version: version) {
        case .created(let runID): id = runID
        case .resumable(let abandoned):
            id = abandoned.id
            try store.discardMetrics(runID: id, fromStep: 0)
        case .finished: return .alreadyMeasured
        case .busy(_, let owner): return .claimed(owner)
        }
        let heartbeat = ClaimHeartbeat(store: store, runID: id)
        defer { heartbeat.stop() }
        let series: StudySeries
        do { series = try study.measure(run, options) } catch {
            try store.setStatus(.failed, runID: id, step: 0, message: "\(error)")
            throw StudyError.failedRun(run.key, "\(error)")
        }
        for step in series.rows.keys.sorted() { try store.record(runID: id, step: step, values: series.rows[step]!) }
        let last = series.rows.keys.max() ?? 0
        try store.setTotalSteps(last, runID: id)
        try store.setStatus(.completed, runID: id, step: last)
        return .measured
    }

    /// The stored series of every run of the study, and the sum of their measuring times; throws
    /// ``StudyError/missingRun(_:)`` naming the first run not yet completed.
    public func measurements(_ study: some Study, _ options: StudyOptions) throws -> (StudyMeasurements, seconds: Double) {
        let done = try completed(study, options)
        var measured = StudyMeasurements()
        var seconds = 0.0
        let clock = ISO8601DateFormatter()
        for run in study.runs(options) {
            guard let stored = done[run.key] else { throw StudyError.missingRun(run.key) }
            var series = StudySeries()
            var byStep: [Int: [String: Double]] = [:]
            for row in try store.metrics(runID: stored.id) { byStep[row.step, default: [:]][row.name] = row.value }
            for (step, values) in byStep { series.record(step: step, values) }
            measured[run] = series
            if let start = clock.date(from: stored.startedAt), let end = stored.finishedAt.flatMap(clock.date(from:)) {
                seconds += end.timeIntervalSince(start)
            }
        }
        return (measured, seconds)
    }

    /// The study's analysis of what the store holds.
    public func analyze(_ study: some Study, _ options: StudyOptions) throws -> StudyResult {
        let (measured, seconds) = try measurements(study, options)
        return StudyResult(study: study, analysis: try study.analyze(measured, options), wallSeconds: seconds)
    }
}
