import Curvature
import Optim
import Theory

extension AdviceSection {
    /// The edge of stability (paper 003 eq. (16) and Thm 2; Cohen et al. 2022 for Adam): the sharpness
    /// that matters for this optimizer against its threshold (``StabilityReport/threshold(for:learningRate:concentration:)``),
    /// the regime (``StabilityClassification``, edge band ±5 %) and the largest stable learning rate it implies.
    /// Every threshold is c/η, so at the measured sharpness S the threshold is crossed at η_max = η·T/S.
    static func stability(_ model: Result<StabilityOptimizer, any Error>, learningRate eta: Double, _ m: AdviceMeasurements) -> AdviceSection {
        let question = "How close to the edge of stability, and which lr is still stable?"
        let source = "paper 003, eq. (16), Thm 2; Cohen et al. 2022 (Adam)"
        let optimizer: StabilityOptimizer
        switch model {
        case .success(let o): optimizer = o
        case .failure(let error): return AdviceSection(.stability, question: question, doesNotApply: "\(error)", source: source)
        }
        let sharpness: Measured
        let formula: String
        let claims: [String]
        switch optimizer {
        case .sgd:
            sharpness = m.interactionAwareSharpness
            formula = "IAS = tr(H S_b)/tr(S_b) vs 2·rho_b/lr"
            claims = m.batchSize == m.sampleCount ? ["003-gd-ias-at-edge"] : ["003-sgd-ratio-at-edge"]
        case let .momentum(beta1, beta2):
            sharpness = m.interactionAwareSharpness
            formula = "IAS vs rho_b·(2/lr)(1 + beta1)/(1 + 2·beta2)"
            claims = beta2 == 0 ? ["003-momentum-polyak"] : (beta2 == beta1 ? ["003-momentum-nesterov"] : [])
        case .adam:
            guard let preconditioned = m.preconditionedSharpness else {
                return AdviceSection(.stability, question: question, doesNotApply: "Adam's preconditioned sharpness was not measured", source: source)
            }
            sharpness = preconditioned
            formula = "lambda_1(P^-1 H) vs (2 + 2·beta1)/((1 - beta1)·lr), P = \(m.preconditionerSource ?? "")"
            claims = ["001-fig5-preconditioned-edge", "001-fig6-below-edge"]
        }
        guard let (threshold, measure) = try? StabilityReport.threshold(for: optimizer, learningRate: eta, concentration: m.rhoB.value),
              let classification = try? StabilityClassification(sharpness: sharpness.value, threshold: threshold) else {
            return AdviceSection(.stability, question: question, doesNotApply: "the threshold is undefined at lr = \(eta)", source: source)
        }
        let largestStable = sharpness.value > 0 ? eta * threshold / sharpness.value : .infinity
        let f = { (x: Double) in RunDigest.format(x) }
        let answer = "\(measure) = \(f(sharpness.value)) against the threshold \(f(threshold)): \(classification.regime.rawValue) "
            + "(ratio \(f(classification.ratio)), edge band ±5%). At this sharpness the largest stable lr is \(f(largestStable)) (now \(f(eta)))."
        return AdviceSection(.stability, question: question, answer: answer,
                             evidence: [Evidence("sharpness", sharpness), Evidence("threshold", threshold), Evidence("ratio", classification.ratio),
                                        Evidence("largest stable lr", largestStable), Evidence("rho_b", m.rhoB),
                                        Evidence("lambda_max", m.lambdaMax), Evidence("2/lr", 2 / eta),
                                        Evidence("tr(H S_b)/tr(S_n)", m.instabilityRatio)],
                             formula: formula + "; largest stable lr = lr·threshold/sharpness", source: source, validation: claims,
                             notes: ["The sharpness moves with training (progressive sharpening, self-stabilization at the edge): the largest stable lr is for the current θ."])
    }

    /// The leading terms of paper 001's modified loss for this optimizer (``MemoryModifiedLoss/terms(for:learningRate:)``:
    /// heavy ball eq. (6), Nesterov, Adam/AdamW as ε → 0 §4) and their sizes at θ; for heavy ball also the
    /// mini-batch noise term hβ/(2(1−β)(1+β))·E_B‖∇L_B − ∇L‖² (App. G, without replacement).
    static func memory(_ settings: any OptimizerSettings, _ m: AdviceMeasurements, noise: GradientNoiseStatistics,
                       parameters theta: [Double]) -> AdviceSection {
        let question = "What does the optimizer's memory add to the loss it minimizes?"
        let source = "paper 001, eq. (6) (heavy ball), §4 (Adam/AdamW, eps → 0), App. G (mini-batch noise)"
        let rule: MemoryOptimizer
        do { rule = try MemoryOptimizer(settings) } catch {
            return AdviceSection(.memory, question: question, doesNotApply: "\(error)", source: source)
        }
        let h = settings.learningRate
        guard let evaluated = MemoryModifiedLoss.evaluate(rule, learningRate: h, loss: m.loss, noise: noise, parameters: theta,
                                                          batchSize: m.batchSize) else {
            return AdviceSection(.memory, question: question,
                                 doesNotApply: "paper 001 gives the modified loss in closed form only for heavy ball, Nesterov and Adam/AdamW "
                                    + "(eps → 0); 'biaslab theory memory' evaluates the correction M(θ) of this optimizer", source: source)
        }
        let modified = evaluated.terms, total = evaluated.total
        let f = { (x: Double) in RunDigest.format(x) }
        var evidence: [Evidence] = []
        var parts: [String] = []
        for (term, size) in zip(modified.terms, evaluated.values) where term.name == "loss" || term.coefficient != 0 {
            evidence.append(Evidence("\(f(term.coefficient))·\(term.name)", size))
            if term.name != "loss" { parts.append("\(f(term.coefficient))·\(term.name) = \(f(size))") }
        }
        if let penalty = evaluated.noisePenalty {
            evidence.append(Evidence("mini-batch noise term", penalty))
            parts.append("mini-batch noise term \(f(penalty))")
        }
        evidence.append(Evidence("modified loss", total))
        let answer = "L̃ = " + modified.terms.filter { $0.name == "loss" || $0.coefficient != 0 }.map { "\(f($0.coefficient))·\($0.name)" }.joined(separator: " + ")
            + " (step \(f(modified.stepScale)), \(modified.validity)). At θ, with L = \(f(m.loss)): " + parts.joined(separator: ", ")
            + "; L̃ = \(f(total))."
        let claims: [String] = if case .adam = rule { ["001-fig2a-accuracy-falls"] } else { [] }
        return AdviceSection(.memory, question: question, answer: answer, evidence: evidence,
                             formula: "heavy ball L + h·beta/(2(1-beta)^2)·‖∇L‖² + h·beta/(2(1-beta)(1+beta))·E_B‖∇L_B - ∇L‖²; Nesterov L + h·beta²/(2(1-beta)^2)·‖∇L‖²; "
                                + "AdamW (1 + wd·(*)h)L - h(*)(‖∇L‖₁ + wd·∇Lᵀθ), (*) = beta2/(1-beta2) - beta1/(1-beta1)",
                             source: source, validation: claims)
    }
}
