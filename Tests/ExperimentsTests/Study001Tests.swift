@testable import Experiments
import Foundation
import Testing

/// Paper 001's studies: each criterion on made-up numbers whose verdict is known (reproduced, inconclusive
/// when one seed fails, not reproduced when the seed mean fails), and each quick study end to end.
struct MemoryTrajectoryStudyTests {
    static let study = MemoryTrajectoryStudy()
    static let rates = [1e-4, 3e-4]

    @Test func criterionDecidesTheVerdicts() {
        let claim = Self.study.claims[0]
        func verdict(_ ratios: [[Double]]) -> Verdict { MemoryTrajectoryStudy.outcome(claim, ratios: ratios, learningRates: Self.rates).verdict }
        #expect(verdict([[0.2, 0.4], [0.3, 0.5]]) == .reproduced)
        // Seed 1 has the corrected iteration farther at h = 3e-4, but the mean (0.4 + 1.2)/2 = 0.8 < 1.
        #expect(verdict([[0.2, 0.4], [0.3, 1.2]]) == .inconclusive)
        // The seed mean at h = 1e-4 is (0.9 + 1.3)/2 = 1.1 ≥ 1.
        #expect(verdict([[0.9, 0.4], [1.3, 0.5]]) == .notReproduced)
        // A run without finite distances (NaN ratio) fails.
        #expect(verdict([[0.2, .nan]]) == .notReproduced)
        let outcome = MemoryTrajectoryStudy.outcome(claim, ratios: [[0.2, 0.4], [0.4, 0.6]], learningRates: Self.rates)
        #expect(abs(outcome.numbers["ratio_h0.0001"]! - 0.3) < 1e-15 && abs(outcome.numbers["ratio_h0.0003"]! - 0.5) < 1e-15)
    }

    @Test func ratioIsTheQuotientOfTheMaximalDistances() {
        var series = StudySeries()
        for (n, (first, second)) in [(0.1, 0.01), (0.4, 0.03), (0.3, 0.05)].enumerated() {
            series.record(step: n + 1, ["distance_first_order": first, "distance_second_order": second])
        }
        #expect(abs(MemoryTrajectoryStudy.ratio(series) - 0.05 / 0.4) < 1e-15)
    }

    @Test func quickRunProducesAVerdictPerClaim() throws {
        let result = try Self.study.run(StudyOptions(quick: true))
        #expect(result.outcomes.map(\.claim.id) == Self.study.claims.map(\.id))
        #expect(result.figures.count == 2)
        for outcome in result.outcomes { #expect(outcome.numbers.values.allSatisfy { $0.isFinite && $0 > 0 }, "\(outcome.measured)") }
    }
}

struct MemoryBetaTwoStudyTests {
    static let study = MemoryBetaTwoStudy()
    static let setting = MemoryBetaTwoStudy.setting(quick: false)

    /// Accuracies for β₂ = 0.9, 0.95, 0.99, 0.999, 0.9999, then Lion.
    static let good = [0.80, 0.79, 0.78, 0.76, 0.75, 0.795]

    @Test func criteriaDecideTheVerdicts() {
        func verdicts(_ accuracy: [[Double]]) -> [Verdict] { Self.study.analyze(accuracy, setting: Self.setting).map(\.verdict) }
        #expect(verdicts([Self.good, Self.good]) == [.reproduced, .reproduced, .reproduced])
        // Seed 1 rises with β₂ (0.77 → 0.78), but the mean still falls (0.785 > 0.765).
        var rising = Self.good
        rising[0] = 0.77; rising[4] = 0.78
        #expect(verdicts([Self.good, rising])[0] == .inconclusive)
        // Lion 0.01 above the low-β₂ Adam in both seeds: the gap is not closed (tolerance 0.005).
        var lionAhead = Self.good
        lionAhead[5] = 0.81
        #expect(verdicts([lionAhead, lionAhead]) == [.reproduced, .reproduced, .notReproduced])
        // Lion below Adam at β₂ = 0.9999: no gap.
        var lionBehind = Self.good
        lionBehind[5] = 0.74
        #expect(verdicts([lionBehind])[1] == .notReproduced)
        // A run that never reached the threshold (NaN) fails its seed; the mean over the seeds that reached passes.
        var unreached = Self.good
        unreached[4] = .nan
        #expect(verdicts([Self.good, unreached])[0] == .inconclusive)
        #expect(verdicts([unreached])[0] == .notReproduced)
    }

    @Test func quickRunProducesAVerdictPerClaim() throws {
        let result = try Self.study.run(StudyOptions(quick: true))
        #expect(result.outcomes.map(\.claim.id) == Self.study.claims.map(\.id))
        #expect(result.figures.count == 2)
        let accuracies = result.outcomes[0].numbers.values
        #expect(accuracies.count == 3 && accuracies.allSatisfy { !$0.isFinite || ($0 >= 0 && $0 <= 1) })
    }
}

struct AdaptiveSharpnessStudyTests {
    typealias Summary = AdaptiveSharpnessStudy.Summary
    static let claims = AdaptiveSharpnessStudy().claims

    static let good = [Summary(lateRatio: 1.02, maxRatio: 1.6, firstSharpness: 10, peakSharpness: 40, lastSharpness: 20),
                       Summary(lateRatio: 0.3, maxRatio: 0.6, firstSharpness: 10, peakSharpness: 15, lastSharpness: 15)]

    @Test func criteriaDecideTheVerdicts() {
        func verdicts(_ s: [[Summary]]) -> [Verdict] { AdaptiveSharpnessStudy.outcomes(Self.claims, s).map(\.verdict) }
        #expect(verdicts([Self.good, Self.good]) == [.reproduced, .reproduced, .reproduced])
        // β₁ = 0.9 far below its edge: not reproduced.
        var below = Self.good
        below[0] = Summary(lateRatio: 0.5, maxRatio: 0.7, firstSharpness: 10, peakSharpness: 40, lastSharpness: 20)
        #expect(verdicts([below])[0] == .notReproduced)
        // β₁ = 0.99 crossing its edge in one seed only: mean (0.6 + 1.2)/2 = 0.9 < 1, inconclusive.
        var crossing = Self.good
        crossing[1] = Summary(lateRatio: 0.5, maxRatio: 1.2, firstSharpness: 10, peakSharpness: 15, lastSharpness: 15)
        #expect(verdicts([Self.good, crossing])[1] == .inconclusive)
        // λ₁(H) still at its peak at the end: it did not fall.
        var monotone = Self.good
        monotone[0] = Summary(lateRatio: 1.02, maxRatio: 1.6, firstSharpness: 10, peakSharpness: 40, lastSharpness: 40)
        #expect(verdicts([monotone])[2] == .notReproduced)
    }

    @Test func summaryOfASeries() {
        var series = StudySeries()
        for (k, (ratio, sharpness)) in [(0.2, 5.0), (0.9, 9.0), (1.1, 12.0), (1.0, 8.0)].enumerated() {
            series.record(step: 10 * (k + 1), ["preconditioned_over_edge": ratio, "lambda_1": sharpness])
        }
        #expect(Summary(series) == Summary(lateRatio: 1.05, maxRatio: 1.1, firstSharpness: 5, peakSharpness: 12, lastSharpness: 8))
    }

    @Test func quickRunProducesAVerdictPerClaim() throws {
        let study = AdaptiveSharpnessStudy()
        let result = try study.run(StudyOptions(quick: true))
        #expect(result.outcomes.map(\.claim.id) == study.claims.map(\.id))
        #expect(result.figures.count == 2)
        #expect(result.outcomes.allSatisfy { $0.numbers.values.allSatisfy { $0.isFinite && $0 > 0 } })
    }
}
