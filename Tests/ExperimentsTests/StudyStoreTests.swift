import BiasLabTestSupport
@testable import Experiments
import Foundation
import Testing

/// A study kept in a run store: series round-trip bit for bit, only missing runs are measured again,
/// shards partition the runs, a failed run is recorded and rethrown, and the analysis of the store equals
/// the in-process one.
struct StudyStoreTests {
    /// A study whose runs record a known series (value k·seed + step/7 at steps 0, 5, 10) and count how
    /// often they were measured; run "fail" throws.
    final class Counting: Study, @unchecked Sendable {
        let name = "999-counting"
        let title = "counting"
        var claims: [Claim] { [Claim(id: "999-sum", source: "none", statement: "the values sum as computed", criterion: "exact")] }
        let failing: Bool
        private let lock = NSLock()
        private var counts: [String: Int] = [:]
        init(failing: Bool = false) { self.failing = failing }

        func runs(_ options: StudyOptions) -> [StudyRun] {
            (options.firstSeed..<(options.firstSeed + options.seeds)).map { StudyRun("seed=\($0)", seed: UInt64($0)) } + (failing ? [StudyRun("fail")] : [])
        }

        func measure(_ run: StudyRun, _ options: StudyOptions) throws -> StudySeries {
            lock.withLock { counts[run.key, default: 0] += 1 }
            if run.key == "fail" { throw StudyError.failedRun("fail", "on purpose") }
            var s = StudySeries()
            for step in [0, 5, 10] { s.record(step: step, ["value": Double(run.seed) * 3 + Double(step) / 7, "nan": .nan]) }
            return s
        }

        func analyze(_ series: StudyMeasurements, _ options: StudyOptions) throws -> StudyAnalysis {
            let total = try runs(options).map { try series.series($0).values("value").reduce(0, +) }.reduce(0, +)
            return StudyAnalysis(outcomes: [ClaimOutcome(claim: claims[0], measured: "\(total)", numbers: ["sum": total], verdict: .reproduced)],
                                 figures: [], settings: [])
        }

        func count(_ key: String) -> Int { lock.withLock { counts[key] ?? 0 } }
    }

    static func store() throws -> StudyStore {
        try StudyStore(url: try CLIRunner.temporaryDirectory().appendingPathComponent("study.sqlite"))
    }

    /// `seedRange` is `seeds` seeds from `firstSeed` (one when quick); a rerun from another first seed
    /// measures only its own runs in the same store and analyses those alone.
    @Test func rerunWithOtherSeedsInTheSameStore() throws {
        #expect(StudyOptions(seeds: 3).seedRange == 0..<3)
        #expect(StudyOptions(seeds: 3, firstSeed: 3).seedRange == 3..<6)
        #expect(StudyOptions(quick: true, seeds: 3, firstSeed: 7).seedRange == 7..<8)
        let study = Counting()
        let store = try Self.store()
        try store.measurePending(study, StudyOptions(seeds: 2), version: "test")
        let later = StudyOptions(seeds: 2, firstSeed: 2)
        #expect(try store.pending(study, later).map(\.key) == ["seed=2", "seed=3"])
        try store.measurePending(study, later, version: "test")
        #expect(study.count("seed=0") == 1 && study.count("seed=2") == 1)
        // Σ over seeds 2, 3 and steps 0, 5, 10 of 3·seed + step/7 = 3·3·(2 + 3) + 2·15/7.
        let sum = try store.analyze(study, later).outcomes[0].numbers["sum"]!
        #expect(abs(sum - (45 + 30.0 / 7)) < 1e-12)
    }

    @Test func seriesRoundTripAndOnlyMissingRunsAreMeasured() throws {
        let study = Counting()
        let store = try Self.store()
        let two = StudyOptions(seeds: 2)
        #expect(try store.pending(study, two).map(\.key) == ["seed=0", "seed=1"])
        try store.measurePending(study, two, version: "test")
        let (stored, _) = try store.measurements(study, two)
        for run in study.runs(two) {
            let direct = try study.measure(run, two)
            let back = try stored.series(run)
            #expect(back.series("value").steps == [0, 5, 10])
            #expect(back.values("value").map(\.bitPattern) == direct.values("value").map(\.bitPattern))
            let nans = back.values("nan")
            #expect(nans.count == 3 && nans.allSatisfy { $0.isNaN })
        }
        // Three seeds: only seed 2 is new.
        let three = StudyOptions(seeds: 3)
        #expect(try store.measurePending(study, three, version: "test").map(\.key) == ["seed=2"])
        #expect(study.count("seed=0") == 2 && study.count("seed=2") == 1)  // once by the store, once directly above
        // Σ over seeds s = 0…2 and steps {0, 5, 10} of (3s + step/7) = 3·3·(0 + 1 + 2) + 3·15/7.
        let expected: Double = 27 + 45.0 / 7
        let fromStore = try store.analyze(study, three)
        #expect(abs(fromStore.outcomes[0].numbers["sum"]! - expected) < 1e-12)
        #expect(try study.run(three).outcomes[0].numbers["sum"] == fromStore.outcomes[0].numbers["sum"])
        // The quick version is another set of runs.
        #expect(try store.pending(study, StudyOptions(quick: true, seeds: 3)).count == 3)
    }

    @Test func shardsPartitionTheRuns() throws {
        let study = Counting()
        let five = StudyOptions(seeds: 5)
        let shards = try (1...3).map { try SweepShard(parsing: "\($0)/3") }
        let keys = try shards.map { try Self.store().pending(study, five, shard: $0).map(\.key) }
        #expect(keys == [["seed=0", "seed=3"], ["seed=1", "seed=4"], ["seed=2"]])
        let store = try Self.store()
        try store.measurePending(study, five, shard: shards[1], version: "test")
        #expect(throws: StudyError.missingRun("seed=0")) { try store.analyze(study, five) }
        #expect(try store.pending(study, five).map(\.key) == ["seed=0", "seed=2", "seed=3"])
    }

    @Test func aFailedRunIsRecordedAndMeasuredAgain() throws {
        let study = Counting(failing: true)
        let store = try Self.store()
        let one = StudyOptions(seeds: 1)
        #expect(throws: StudyError.self) { try store.measurePending(study, one, version: "test") }
        let rows = try store.store.runs()
        #expect(rows.map(\.status) == [.completed, .failed] && rows[1].name == "999-counting/fail")
        #expect(try store.pending(study, one).map(\.key) == ["fail"])
        // A stop request before a run leaves it pending.
        #expect(try store.measurePending(study, one, version: "test", shouldStop: { true }).isEmpty)
        #expect(study.count("fail") == 1)
    }

    @Test func selectorsNameStudiesPapersOrAll() {
        #expect(Studies.selected(by: "003-toy").map(\.name) == ["003-toy"])
        #expect(Studies.selected(by: "003").map(\.name).allSatisfy { $0.hasPrefix("003-") })
        #expect(Studies.selected(by: "003").count >= 4)
        #expect(Studies.selected(by: "all").count == Studies.all.count)
        #expect(Studies.selected(by: "00").isEmpty && Studies.selected(by: "nope").isEmpty)
    }

    @Test func theCommandContinuesShardsAndJobs() throws {
        let dir = try CLIRunner.temporaryDirectory()
        let path = dir.appendingPathComponent("r.sqlite").path
        let first = try CLIRunner.run(["reproduce", "003-momentum", "--quick", "--shard", "1/2", "--store", path, "--json"])
        #expect(first.status == 0, "\(first.stderr)")
        #expect((first.json?["incomplete"] as? [String])?.first?.hasPrefix("003-momentum: 2 of 4") == true)
        let rest = try CLIRunner.run(["reproduce", "003-momentum", "--quick", "--jobs", "2", "--store", path, "--json"])
        #expect(rest.status == 0, "\(rest.stderr)")
        #expect((rest.json?["outcomes"] as? [[String: Any]])?.count == 2)
        let list = try CLIRunner.run(["results", "list", "--store", path, "--json"])
        let names = (list.json?["runs"] as? [[String: Any]])?.compactMap { $0["name"] as? String } ?? []
        #expect(names.filter { $0.hasPrefix("003-momentum/") }.count == 4)
        #expect(try CLIRunner.run(["reproduce", "003-toy", "--shard", "1/2"]).status == 2)
        #expect(try CLIRunner.run(["reproduce", "003-toy", "--jobs", "0"]).status == 2)
    }
}
