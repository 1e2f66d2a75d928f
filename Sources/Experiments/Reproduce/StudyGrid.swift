/// A study's runs over a grid: one run per seed and grid point, seed by seed, each keyed by
/// `key(point, seed)` (e.g. `b=8,seed=0`); and, back from a run, the point it stands for.
struct StudyGrid<Point> {
    let points: [Point]
    let key: (Point, Int) -> String
    /// The configuration string stored with a run (a change re-measures the run).
    let configuration: (Point, Int) -> String

    /// A grid whose runs all store the study's one configuration string.
    init(points: [Point], configuration: String, key: @escaping (Point, Int) -> String) {
        self.init(points: points, key: key) { _, _ in configuration }
    }

    /// A grid whose runs store each its own configuration string (e.g. the run's optimizer and data).
    init(points: [Point], key: @escaping (Point, Int) -> String, configuration: @escaping (Point, Int) -> String) {
        self.points = points
        self.key = key
        self.configuration = configuration
    }

    /// The run of `point` at `seed`.
    func run(_ point: Point, seed: Int) -> StudyRun { StudyRun(key(point, seed), seed: UInt64(seed), configuration: configuration(point, seed)) }

    /// The series `measured` holds for the run of `point` at `seed` (the analysis's way back to a run: the
    /// key is written once, in `key`).
    func series(_ point: Point, seed: Int, in measured: StudyMeasurements) throws -> StudySeries { try measured.series(run(point, seed: seed)) }

    /// For each seed of `seeds`, a run per point in `points` order.
    func runs(_ seeds: Range<Int>) -> [StudyRun] { seeds.flatMap { seed in points.map { run($0, seed: seed) } } }

    /// The point whose key, at the run's seed, is the run's key.
    /// - Throws: `StudyError.missingRun` when no point has it.
    func point(of run: StudyRun) throws -> Point {
        guard let point = points.first(where: { key($0, Int(run.seed)) == run.key }) else { throw StudyError.missingRun(run.key) }
        return point
    }
}

/// A study whose runs are a ``StudyGrid`` over the setting of its version (quick or full): the runs and a
/// run's point come from `grid(setting(quick:))`, here once for every such study; the study measures a point.
protocol GridStudy: NamedStudy {
    associatedtype Setting
    associatedtype Point
    /// The setting of the quick or the full version.
    static func setting(quick: Bool) -> Setting
    /// The runs over the setting's points.
    static func grid(_ setting: Setting) -> StudyGrid<Point>
    /// Measures one run: its grid point, under the setting (the run gives the seed and the key).
    func measure(_ point: Point, _ run: StudyRun, _ setting: Setting) throws -> StudySeries
}

extension GridStudy {
    public func runs(_ options: StudyOptions) -> [StudyRun] { Self.grid(Self.setting(quick: options.quick)).runs(options.seedRange) }

    public func measure(_ run: StudyRun, _ options: StudyOptions) throws -> StudySeries {
        let setting = Self.setting(quick: options.quick)
        return try measure(Self.grid(setting).point(of: run), run, setting)
    }
}
