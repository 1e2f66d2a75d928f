@testable import Experiments
import Testing

/// A study's schedule visits θ₀ … θ_steps and measures at the multiples of `every`; a grid finds a run's
/// series back from its point and seed through the one key it writes.
struct MeasurementScheduleTests {
    @Test func visitsAndMeasures() {
        let schedule = MeasurementSchedule(steps: 60, every: 25)
        #expect(schedule.visited == 0..<61)
        #expect(schedule.visited.filter(schedule.measures(at:)) == [0, 25, 50])
        #expect(MeasurementSchedule(steps: 40, every: 10).visited.filter(MeasurementSchedule(steps: 40, every: 10).measures(at:)) == [0, 10, 20, 30, 40])
    }

    @Test func gridFindsARunsSeries() throws {
        let grid = StudyGrid(points: [8, 32], configuration: "c") { "b=\($0),seed=\($1)" }
        var measured = StudyMeasurements()
        var series = StudySeries()
        series.record(step: 3, ["x": 1.5])
        measured[StudyRun("b=32,seed=2", seed: 2)] = series
        #expect(try grid.series(32, seed: 2, in: measured).values("x") == [1.5])
        #expect(throws: StudyError.self) { try grid.series(8, seed: 2, in: measured) }
        #expect(throws: StudyError.self) { try grid.series(32, seed: 1, in: measured) }
    }
}
