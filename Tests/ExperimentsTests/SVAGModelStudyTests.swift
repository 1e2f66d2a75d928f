@testable import Experiments
import Foundation
import Testing

/// Paper 004's SVAG study: the path statistics and distances against hand computations, the criterion's
/// three verdicts on made-up curves, and the quick run.
struct SVAGModelStudyTests {
    typealias Study = SVAGModelStudy

    /// Two paths with f = (1, 3) and (3, 5): means (2, 4), standard errors s/√2 with s = √2, i.e. 1.
    @Test func pathMeansAndStandardErrorsByHand() {
        let curves = Study.curves([["train_loss": [1, 3]], ["train_loss": [3, 5]]])
        #expect(curves.mean["train_loss"] == [2, 4])
        #expect(curves.standardError["train_loss"]!.allSatisfy { abs($0 - 1) < 1e-12 })
        var other = Study.Curves()
        other.mean["train_loss"] = [2.5, 3]
        other.standardError["train_loss"] = [0, 0]
        // D = max(|2 − 2.5|, |4 − 3|) = 1; floor = max 2·√(1² + 0²) = 2.
        let d = Study.distance(curves, other, "train_loss")
        #expect(abs(d.distance - 1) < 1e-12 && abs(d.floor - 2) < 1e-12)
    }

    /// ℓ-curves whose successive gaps are `gaps` (ℓ_k's mean is 1 + Σ_{j<k} gaps[j] at every time) with the
    /// same standard error `se` for every function.
    static func curves(gaps: [Double], se: Double) -> [Study.Curves] {
        var level = 1.0
        return ([0] + gaps).map { step in
            level += step
            var c = Study.Curves()
            for f in Study.functions {
                c.mean[f] = [level, level]
                c.standardError[f] = [se, se]
            }
            return c
        }
    }

    @Test func criterionOnMadeUpCurves() {
        let study = Study()
        let s = Study.setting(quick: false)
        #expect(s.ells == [1, 2, 4, 8])
        // Gaps shrinking well above the noise: reproduced.
        #expect(study.outcome(Self.curves(gaps: [0.4, 0.1, 0.02], se: 0.01), s).verdict == .reproduced)
        // The last gap no smaller than the first: not reproduced.
        #expect(study.outcome(Self.curves(gaps: [0.4, 0.1, 0.5], se: 0.01), s).verdict == .notReproduced)
        // The first gap within 2·√2·SE: inconclusive, whatever the order.
        #expect(study.outcome(Self.curves(gaps: [0.02, 0.1, 0.01], se: 0.01), s).verdict == .inconclusive)
        #expect(study.outcome(Self.curves(gaps: [0.02, 0.1, 0.5], se: 0.01), s).verdict == .inconclusive)
    }

    @Test func quickRunProducesAVerdictPerClaim() throws {
        let study = Study()
        let result = try study.run(StudyOptions(quick: true))
        #expect(result.outcomes.map(\.claim.id) == study.claims.map(\.id))
        #expect(result.figures.count == Study.functions.count)
        #expect(study.runs(StudyOptions(quick: true)).count == Study.setting(quick: true).ells.count)
    }
}
