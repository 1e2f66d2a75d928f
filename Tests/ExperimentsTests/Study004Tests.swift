@testable import Experiments
import Foundation
import Optim
import Testing
import NN
import Theory

/// Paper 004's square-root-rule study: the gap against a hand computation, the scaled settings against the
/// digest's worked example, the criteria on made-up curves whose verdicts are known, and the quick run.
struct SquareRootRuleStudyTests {
    typealias Study = SquareRootRuleStudy

    /// mean over e = 1…E of |log L − log L₀|, by hand; a run that stopped early is infinitely far.
    @Test func gapIsTheMeanAbsoluteLogDifference() {
        let base = Study.Curve(loss: [1, exp(-1), exp(-1)], testAccuracy: 0.5, noiseScale: [])
        let run = Study.Curve(loss: [1, exp(-1), exp(-2)], testAccuracy: 0.5, noiseScale: [])
        #expect(abs(Study.gap(run, base: base, epochs: 2) - 0.5) < 1e-12)
        #expect(Study.gap(base, base: base, epochs: 2) == 0)
        #expect(Study.gap(Study.Curve(loss: [1], testAccuracy: nil, noiseScale: []), base: base, epochs: 2) == .infinity)
    }

    /// Digest 004 §4.1's worked example (β₁ = β₂ = 0.999, η = 1e-3, ε = 1e-8, κ = 16): η = 4e-3, β = 0.984,
    /// ε = 2.5e-9; the linear rule (d) at κ = 4: η = 4e-3, β = 0.996, ε unchanged; no change keeps everything.
    @Test func scaledSettingsFollowTheDigestsWorkedExample() throws {
        let adam = try Adam.Hyperparameters(learningRate: 1e-3, beta1: 0.999, beta2: 0.999, epsilon: 1e-8)
        let sqrt = try #require(try Study.scaled(adam, rule: .squareRoot, baseBatch: 8, kappa: 16) as? Adam.Hyperparameters)
        #expect(abs(sqrt.learningRate - 4e-3) < 1e-15 && abs(sqrt.beta1 - 0.984) < 1e-12 && abs(sqrt.beta2 - 0.984) < 1e-12)
        #expect(abs(sqrt.epsilon - 2.5e-9) < 1e-20)
        let linear = try #require(try Study.scaled(adam, rule: .linear, baseBatch: 8, kappa: 4) as? Adam.Hyperparameters)
        #expect(abs(linear.learningRate - 4e-3) < 1e-15 && abs(linear.beta1 - 0.996) < 1e-12 && linear.epsilon == 1e-8)
        #expect(try Study.scaled(adam, rule: .none, baseBatch: 8, kappa: 4) as? Adam.Hyperparameters == adam)
        let partial = try #require(try Study.scaled(adam, rule: .scaling(.squareRoot(.learningRateEpsilonBeta1)), baseBatch: 8, kappa: 4)
                                   as? Adam.Hyperparameters)
        #expect(abs(partial.beta1 - 0.996) < 1e-12 && partial.beta2 == 0.999 && abs(partial.epsilon - 5e-9) < 1e-20)
        // κ beyond 1/(1 − β) leaves the betas' range: the run is refused, not trained.
        #expect(throws: StudyError.self) { try Study.scaled(adam, rule: .squareRoot, baseBatch: 8, kappa: 2000) }
    }

    /// Made-up curves for one arm with B₀ = 8, κ ∈ {4, 16} and B_simple ≡ 100: κ = 4 (B = 32) is
    /// noise-dominated, κ = 16 (B = 128) is not. `sqrtGap` etc. set each run's constant log-distance.
    static func seed(sqrt: [Int: Double], linear: Double, none: Double, partial: Double, accuracy: Double = 0.8) -> Study.SeedCurves {
        let base = Study.Curve(loss: [2, 1, 0.5, 0.25], testAccuracy: 0.8, noiseScale: [100, 100, 100, 100])
        func shifted(_ d: Double, accuracy: Double = 0.8) -> Study.Curve {
            Study.Curve(loss: base.loss.enumerated().map { $0.offset == 0 ? $0.element : $0.element * exp(d) }, testAccuracy: accuracy, noiseScale: [])
        }
        var out = Study.SeedCurves()
        out.base["adam"] = base
        for kappa in [4, 16] {
            out.scaled["adam", default: [:]][.squareRoot, default: [:]][kappa] = shifted(sqrt[kappa]!, accuracy: accuracy)
            out.scaled["adam", default: [:]][.linear, default: [:]][kappa] = shifted(linear)
            out.scaled["adam", default: [:]][.none, default: [:]][kappa] = shifted(none)
            for rule in Study.Rule.partials { out.scaled["adam", default: [:]][rule, default: [:]][kappa] = shifted(partial) }
        }
        return out
    }

    static let setting = Study.Setting(problem: StudyProblem(model: "m", train: "t", test: "t", loss: "ce"), baseBatch: 8, kappas: [4, 16], epochs: 3,
                                       arms: [Study.arms(quick: true)[0]])

    static func verdicts(_ seeds: [Study.SeedCurves]) -> [String: Verdict] {
        let outcomes = Study.Evaluation(setting: setting, curves: seeds).outcomes(Study().claims)
        return Dictionary(uniqueKeysWithValues: outcomes.map { ($0.claim.id, $0.verdict) })
    }

    @Test func criteriaOnMadeUpCurves() {
        #expect(Study.Evaluation(setting: Self.setting, curves: [Self.seed(sqrt: [4: 0.1, 16: 0.5], linear: 0.3, none: 0.4, partial: 0.2)])
            .noiseDominated("adam") == [4])
        // sqrt closest where the noise dominates, worse beyond: tracks, partial and breaks reproduced.
        let good = Self.seed(sqrt: [4: 0.1, 16: 0.5], linear: 0.3, none: 0.4, partial: 0.2)
        var v = Self.verdicts([good, good])
        #expect(v["004-sqrt-tracks"] == .reproduced && v["004-sqrt-partial"] == .reproduced && v["004-sqrt-breaks"] == .reproduced)
        #expect(v["004-sqrt-test-accuracy"] == .reproduced && v["004-sqrt-tracks-variants"] == .inconclusive)
        // One seed where the linear rule is closer: the mean still passes, so inconclusive.
        let bad = Self.seed(sqrt: [4: 0.1, 16: 0.5], linear: 0.05, none: 0.4, partial: 0.2)
        v = Self.verdicts([good, good, good, bad])
        #expect(v["004-sqrt-tracks"] == .inconclusive)
        v = Self.verdicts([bad])
        #expect(v["004-sqrt-tracks"] == .notReproduced && v["004-sqrt-partial"] == .reproduced)
        // A partial rule closer than the full one; the rule no worse beyond the noise scale.
        v = Self.verdicts([Self.seed(sqrt: [4: 0.3, 16: 0.2], linear: 0.5, none: 0.6, partial: 0.1)])
        #expect(v["004-sqrt-partial"] == .notReproduced && v["004-sqrt-breaks"] == .notReproduced && v["004-sqrt-tracks"] == .reproduced)
        // Test accuracy 4 points below the base run's: beyond Fig. 1's 3 %.
        v = Self.verdicts([Self.seed(sqrt: [4: 0.1, 16: 0.5], linear: 0.3, none: 0.4, partial: 0.2, accuracy: 0.76)])
        #expect(v["004-sqrt-test-accuracy"] == .notReproduced)
        // A diverged linear run is infinitely far: the square-root rule still wins.
        var diverged = good
        diverged.scaled["adam"]![.linear]![4] = Study.Curve(loss: [2, 1], testAccuracy: nil, noiseScale: [])
        #expect(Self.verdicts([diverged])["004-sqrt-tracks"] == .reproduced)
    }

    /// v₀ = E_B[g_B ⊙ g_B] for batches of 2 drawn with replacement from 5 samples, against the average over
    /// all 25 ordered batches of the mini-batch gradient's square.
    @Test func initialSecondMomentIsTheExpectedSquaredBatchGradient() throws {
        let problem = try ProblemSpec(model: "mlp:3-4-1:tanh", data: "sparse-regression:n=5,d=3,k=2,seed=1", loss: "mse").build()
        let objective = try #require(problem.objective as? SupervisedObjective)
        let theta = problem.initialParameters(seed: 2)
        var expected = [Double](repeating: 0, count: theta.count)
        for i in 0..<5 {
            for j in 0..<5 {
                let g = objective.gradient(at: theta, batch: [i, j])
                for k in g.indices { expected[k] += g[k] * g[k] / 25 }
            }
        }
        let v0 = Study.expectedSquaredBatchGradient(objective, at: theta, batchSize: 2)
        #expect(zip(v0, expected).allSatisfy { abs($0 - $1) <= 1e-12 * max(1, abs($1)) })
        #expect(expected.contains { $0 > 1e-6 })
    }

    @Test func quickRunProducesAVerdictPerClaim() throws {
        let study = Study()
        let result = try study.run(StudyOptions(quick: true))
        #expect(result.outcomes.map(\.claim.id) == study.claims.map(\.id))
        #expect(result.figures.count == 3)
        let runs = study.runs(StudyOptions(quick: true))
        #expect(runs.count == Study.arms(quick: true).map { 1 + $0.rules.count }.reduce(0, +))
        #expect(Set(runs.map(\.key)).count == runs.count)
    }
}
