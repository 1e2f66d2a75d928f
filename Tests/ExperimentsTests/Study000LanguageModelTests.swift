@testable import Experiments
import Foundation
import Testing

/// Study 000-beta2-lm: the language-model version of 000-beta2 has the same criteria under its own claim
/// ids, trains a transformer on text with next-token cross-entropy, and its quick run gives a verdict per claim.
struct AdamBetaLanguageModelStudyTests {
    @Test func sameCriteriaUnderItsOwnIds() {
        let lm = AdamBetaLanguageModelStudy().claims, miniature = AdamBetaStudy().claims
        #expect(lm.map(\.id) == ["000-beta2-lm-argmin-falls", "000-beta2-lm-gain-grows", "000-beta2-lm-beta1-rises", "000-beta2-lm-transition-batch"])
        #expect(lm.map(\.criterion) == miniature.map(\.criterion) && lm.map(\.source) == miniature.map(\.source))
        #expect(zip(lm, miniature).allSatisfy { $0.statement.hasPrefix($1.statement) && $0.statement != $1.statement })
        #expect(Set(lm.map(\.id)).isDisjoint(with: Studies.all.flatMap(\.claims).map(\.id)))
        // Selected with --lm only: `reproduce 000` stays the miniature.
        #expect(Studies.selected(by: "000", in: .languageModel).map(\.name) == ["000-beta2-lm"])
        #expect(Studies.selected(by: "000").map(\.name) == ["000-beta2"])
        #expect(Studies.selected(by: "all", in: .languageModel).count == Studies.languageModel.count)
        #expect(Studies.named("000-beta2-lm") == nil && Studies.named("000-beta2-lm", in: .languageModel) != nil)
    }

    @Test func settingsAreALanguageModelsWithNIsTheSequenceCount() throws {
        for quick in [true, false] {
            let s = AdamBetaLanguageModelStudy.setting(quick: quick)
            #expect(s.problem.model.hasPrefix("transformer:") && s.problem.loss == "next-token-ce" && s.problem.train.hasPrefix("text:"))
            #expect(s.problem.test?.contains("split=validation") == true && s.problem.train.contains("n=\(s.samples)"))
            #expect(s.batchSizes.last == s.samples && s.batchSizes == s.batchSizes.sorted())
            #expect(s.beta2s.first == AdamBetaStudy.defaultBeta2 && s.beta1s.first == AdamBetaStudy.defaultBeta1)
        }
        // The run keys and configurations are the miniature's machinery on this setting.
        let s = AdamBetaLanguageModelStudy.setting(quick: true)
        let runs = AdamBetaLanguageModelStudy().runs(StudyOptions(quick: true))
        #expect(runs.count == s.batchSizes.count * (s.beta2s.count + s.beta1s.count - 1))
        #expect(runs.allSatisfy { $0.configuration.contains("next-token-ce") && $0.configuration.contains("transformer:") })
    }

    @Test func quickRunProducesAVerdictPerClaim() throws {
        let study = AdamBetaLanguageModelStudy()
        let result = try study.run(StudyOptions(quick: true))
        #expect(result.study == "000-beta2-lm" && result.outcomes.map(\.claim.id) == study.claims.map(\.id))
        #expect(result.figures.count == 4 && result.settings.contains { $0.0 == "loss" && $0.1.contains("next-token") })
        let numbers = result.outcomes[0].numbers
        #expect(numbers.keys.sorted() == ["argmin_beta2_b16", "argmin_beta2_b4"])
        #expect(numbers.values.allSatisfy { [0.999, 0.9].contains($0) })
        let transition = result.outcomes[3].numbers
        // B_simple over the 16 per-sequence gradients is finite and positive; at full batch λ = 0.
        #expect(transition["b_simple"]!.isFinite && transition["b_simple"]! > 0)
        #expect(transition["lambda_b16"] == 0)
        // λ(b = 4) = (N/b − 1)/(N − 1)·B̂ (Eq. (8)) at the measured B̂.
        #expect(abs(transition["lambda_b4"]! - 3.0 / 15 * transition["b_simple"]!) < 1e-12 * max(1, transition["b_simple"]!))
    }
}
