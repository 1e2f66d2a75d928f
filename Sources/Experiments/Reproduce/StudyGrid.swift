/// A study's runs over a grid: one run per seed and grid point, seed by seed, each keyed by
/// `key(point, seed)` (e.g. `b=8,seed=0`); and, back from a run, the point it stands for.
struct StudyGrid<Point> {
    let points: [Point]
    /// The study's configuration string, stored with every run (a change re-measures the runs).
    let configuration: String
    let key: (Point, Int) -> String

    /// For each seed of `seeds`, a run per point in `points` order.
    func runs(_ seeds: Range<Int>) -> [StudyRun] {
        seeds.flatMap { seed in points.map { StudyRun(key($0, seed), seed: UInt64(seed), configuration: configuration) } }
    }

    /// The point whose key, at the run's seed, is the run's key.
    /// - Throws: `StudyError.missingRun` when no point has it.
    func point(of run: StudyRun) throws -> Point {
        guard let point = points.first(where: { key($0, Int(run.seed)) == run.key }) else { throw StudyError.missingRun(run.key) }
        return point
    }
}
