@testable import Experiments
import Foundation
import Testing

/// Paper 003's LSSR study: the best learning rates and the three rules' errors on a made-up grid against a
/// hand computation with eq. (17) written out, the criteria's verdicts, and the quick run.
struct LinearSaturationScalingStudyTests {
    typealias Study = LinearSaturationScalingStudy
    static let setting = Study.setting(quick: false)

    /// A grid whose best η index per b is `best` (accuracy 0.8 there, 0.5 elsewhere), ρ = `rho` everywhere.
    static func grid(best: [Int], rho: Double = 1.0 / 64) -> Study.Grid {
        Study.Grid(accuracy: best.map { k in setting.learningRates.indices.map { $0 == k ? 0.8 : 0.5 } },
                   rho: best.map { _ in setting.learningRates.map { _ in rho } })
    }

    @Test func bestLearningRateAndRuleErrorsByHand() {
        #expect(Self.setting.batchSizes == [8, 32, 128, 512] && Self.setting.samples == 1024)
        let a = Self.setting.learningRates[0]
        let fit = Study.fit(Self.grid(best: [0, 2, 3, 3]), Self.setting)  // η* = a, 4a, 8a, 8a
        #expect(fit.best == [a, 4 * a, 8 * a, 8 * a])
        #expect(abs(fit.errors["lsr"]! - 4) < 1e-12)   // predictions a·(1, 4, 16, 64): |log₂| errors 0, 0, 1, 3
        #expect(abs(fit.errors["srsr"]! - 2) < 1e-12)  // a·(1, 2, 4, 8): errors 0, 1, 1, 0
        // eq. (17) written out, without replacement: γ = (n − b)/(n − 1), ρ_b = 1/((γ/b)/ρ + 1 − γ/b).
        let rho = 1.0 / 64, n = 1024.0
        func rhoB(_ b: Double) -> Double { let w = (n - b) / (n - 1) / b; return 1 / (w / rho + 1 - w) }
        let expected = zip([8.0, 32, 128, 512], [1.0, 4, 8, 8]).map { b, m in abs(log2(m) - log2(rhoB(b) / rhoB(8))) }.reduce(0, +)
        #expect(abs(fit.errors["lssr"]! - expected) < 1e-9)
        #expect(fit.rho == rho)
        // A tie goes to the smaller η.
        var tied = Self.grid(best: [1, 1, 1, 1])
        tied.accuracy[0][5] = 0.8
        #expect(tied.best[0] == 1)
    }

    @Test func criteriaOnMadeUpGrids() {
        let study = Study()
        func verdicts(_ seeds: [Study.Grid]) -> [Verdict] {
            let mean = Study.Grid(accuracy: Study.average(seeds.map(\.accuracy)), rho: Study.average(seeds.map(\.rho)))
            return study.outcomes(mean: mean, seeds: seeds, Self.setting).map(\.verdict)
        }
        // Linear then flat, as LSSR with ρ = 1/64 predicts: every claim reproduced.
        let lssr = Self.grid(best: [0, 2, 3, 3])
        #expect(verdicts([lssr, lssr]) == [.reproduced, .reproduced, .reproduced])
        // η ∝ b all the way (LSR): no saturation, and LSR fits best.
        let lsr = Self.grid(best: [0, 2, 4, 6])
        #expect(verdicts([lsr]) == [.reproduced, .notReproduced, .notReproduced])
        // The same η at every b: no linear regime.
        #expect(verdicts([Self.grid(best: [3, 3, 3, 3])])[0] == .notReproduced)
    }

    @Test func quickRunProducesAVerdictPerClaim() throws {
        let study = Study()
        let result = try study.run(StudyOptions(quick: true))
        #expect(result.outcomes.map(\.claim.id) == study.claims.map(\.id))
        #expect(result.figures.count == 2)
    }
}
