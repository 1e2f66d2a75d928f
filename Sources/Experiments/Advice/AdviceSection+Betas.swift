import Curvature
import DataIO
import Optim
import Theory

extension AdviceSection {
    /// The betas of paper 000 (Cattaneo & Shigida, Eqs. (7)–(8), §3.3): C_total(β₁, β₂, λ) at the measured
    /// λ, its slopes ∂C_total/∂β₂ and ∂C_total/∂β₁ (exact, by dual numbers), the transition batch sizes
    /// b_{1/2} and b₁, and the rule of thumb (``AdamBetaRecommendation``). C_total > 0: implicit
    /// penalization of ‖∇L‖₁. For Adam only; an Adam outside Def. 3.1's conventions (ε outside the root) is
    /// answered from its (β₁, β₂) with a note (C₁…C₅ do not depend on ε; the paper's analysis is ε → 0).
    static func betas(_ settings: any OptimizerSettings, _ m: AdviceMeasurements) -> AdviceSection {
        let question = "Which beta1, beta2 at this batch size?"
        let source = "paper 000, Eqs. (7)-(8), Lemmas 3.4-3.7, rule of thumb of §3.3"
        guard let h = settings as? Adam.Hyperparameters else {
            return AdviceSection(.betas, question: question,
                                 doesNotApply: "paper 000's (beta1, beta2) rule is for Adam; \(type(of: settings).optimizerName) has no such pair",
                                 source: source)
        }
        var notes = ["The rule is directional, not quantitative (paper 000's own caveat); 'as high as convergence allows' is shown as 0.999, the paper's example.",
                     "On the 000-beta2 setting this advice disagreed with the measured best beta2 at b = 64 and 256 (it keeps beta2 high where "
                        + "0.757 and 0.919 were best): docs/REPRODUCTIONS.md, 'biaslab advise against the studies'."]
        let coefficients: AdamNoiseCoefficients
        do {
            coefficients = try AdamNoiseCoefficients(settings)
        } catch {
            guard h.weightDecay == 0, let plain = try? AdamNoiseCoefficients(beta1: h.beta1, beta2: h.beta2) else {
                return AdviceSection(.betas, question: question, doesNotApply: "\(error)", source: source)
            }
            coefficients = plain
            notes.append("Extrapolated: \(error). C1..C5 depend on (beta1, beta2) only and the paper's analysis is for small eps.")
        }
        let lambda = m.noiseRatio.value
        let cTotal = coefficients.total(noiseRatio: lambda)
        let slopeBeta2 = AdamNoiseCoefficients.total(beta1: Dual(h.beta1), beta2: Dual.variable(h.beta2), noiseRatio: Dual(lambda)).derivative
        let slopeBeta1 = AdamNoiseCoefficients.total(beta1: Dual.variable(h.beta1), beta2: Dual(h.beta2), noiseRatio: Dual(lambda)).derivative
        let transition = try? AdamNoiseScale.transitionBatchSizes(datasetSize: Double(m.sampleCount),
                                                                   simpleNoiseScale: m.simpleNoiseScale.value)
        guard let recommendation = try? AdamBetaRecommendation(noiseRatio: lambda) else {
            return AdviceSection(.betas, question: question, doesNotApply: "the noise ratio lambda = \(lambda) is not a number ≥ 0", source: source)
        }
        let f = { (x: Double) in RunDigest.format(x) }
        let direction = { (slope: Double) in slope > 0 ? "raises" : "lowers" }
        var answer = "beta1 = \(f(recommendation.beta1)), beta2 = \(f(recommendation.beta2)): \(recommendation.reason). "
            + "At (\(f(h.beta1)), \(f(h.beta2))) C_total = \(f(cTotal)) (\(cTotal > 0 ? "penalizes" : "anti-penalizes") ‖∇L‖₁); "
            + "raising beta2 \(direction(slopeBeta2)) it (dC/dbeta2 = \(f(slopeBeta2))), raising beta1 \(direction(slopeBeta1)) it (dC/dbeta1 = \(f(slopeBeta1)))."
        var evidence = [Evidence("B_simple", m.simpleNoiseScale), Evidence("lambda", m.noiseRatio), Evidence("C1 + C2", coefficients.noiseSlope),
                        Evidence("C_total", cTotal), Evidence("dC_total/dbeta2", slopeBeta2), Evidence("dC_total/dbeta1", slopeBeta1)]
        if let transition {
            answer += " Transition batch sizes: b_1/2 = \(f(transition.half)) (lambda = 1/2), b_1 = \(f(transition.one)) (lambda = 1); b = \(m.batchSize)."
            evidence += [Evidence("b_1/2", transition.half), Evidence("b_1", transition.one)]
        }
        return AdviceSection(.betas, question: question, answer: answer, evidence: evidence,
                             formula: "C_total = beta1/(1-beta1) - beta2/(1-beta2) + (C1+C2)·lambda, lambda = (N/b - 1)/(N - 1)·B_simple, "
                                + "b_l = N·B_simple/(B_simple + l(N - 1))",
                             source: source, validation: ["000-beta2-argmin-falls", "000-beta1-rises", "000-transition-batch"], notes: notes)
    }

    /// The batch-size change of paper 004 (square-root rule, Def. 5.1/5.2, for RMSprop and Adam) or paper
    /// 003 (LSSR, eq. (17), for SGD) from b to the target, with its validity (κ against 1/(1−β)) and whether
    /// the gradient noise still dominates at the target (B₁ ≤ B_simple, paper 004 Figs. 4–5).
    static func batchSizeChange(_ settings: any OptimizerSettings, _ m: AdviceMeasurements, target: Int?) -> AdviceSection {
        let question = "How to change lr, betas and eps for the target batch size?"
        let sqrtSource = "paper 004, Defs. 5.1-5.2, Thm 5.3, Figs. 4-5; App. I.1"
        guard let target else {
            return AdviceSection(.batchSizeChange, question: question, doesNotApply: "no target batch size was given (--target-batch-size)",
                                 source: sqrtSource)
        }
        let base: ScalableHyperparameters
        do { base = try ScalableHyperparameters(settings, batchSize: Double(m.batchSize)) } catch {
            return AdviceSection(.batchSizeChange, question: question, doesNotApply: "\(error)", source: sqrtSource)
        }
        let f = { (x: Double?) in RunDigest.format(x) }
        let newBatch = Double(target)
        if base.optimizer == .sgd {
            return lssr(base, m, target: newBatch, question: question)
        }
        guard let result = try? ScalingRule.squareRoot(.full).apply(to: base, newBatchSize: newBatch) else {
            return AdviceSection(.batchSizeChange, question: question, doesNotApply: "the square-root rule rejected B = \(target)", source: sqrtSource)
        }
        let s = result.hyperparameters
        let noiseScale = m.simpleNoiseScale.value
        let dominated = newBatch <= noiseScale
        var answer = "Square-root rule to B = \(target) (kappa = \(f(result.kappa))): lr \(f(base.learningRate)) → \(f(s.learningRate))"
        if let b1 = base.beta1 { answer += ", beta1 \(f(b1)) → \(f(s.beta1))" }
        answer += ", beta2 \(f(base.beta2)) → \(f(s.beta2)), eps \(f(base.epsilon)) → \(f(s.epsilon)), v0 × \(f(s.secondMomentInitScale)); "
            + "steps × \(f(result.stepsFactor)) for the same epochs."
        answer += result.valid ? " Valid." : " INVALID: \(result.reason ?? "")."
        answer += dominated
            ? " The noise dominates at the target (B = \(target) ≤ B_simple = \(f(noiseScale))): the rule is expected to hold."
            : " The noise does not dominate at the target (B = \(target) > B_simple = \(f(noiseScale))): the rule is expected to fail."
        var evidence = [Evidence("kappa", result.kappa), Evidence("B_simple", m.simpleNoiseScale), Evidence("lr'", s.learningRate)]
        if let b1 = base.beta1 { evidence += [Evidence("1/(1-beta1)", 1 / (1 - b1)), Evidence("beta1'", s.beta1 ?? .nan)] }
        if let b2 = base.beta2 { evidence += [Evidence("1/(1-beta2)", 1 / (1 - b2)), Evidence("beta2'", s.beta2 ?? .nan)] }
        if let eps = s.epsilon { evidence.append(Evidence("eps'", eps)) }
        var notes = ["B_simple is measured at this θ: along the 004-sqrt base run it varied 30-fold (47 at θ₀, 1415 after 15 epochs), "
                     + "so the noise-dominance check holds for the current θ only (docs/REPRODUCTIONS.md, 'biaslab advise against the studies')."]
        if !result.valid {
            if let partial = try? ScalingRule.squareRoot(.learningRateEpsilonBeta1).apply(to: base, newBatchSize: newBatch), partial.valid {
                let p = partial.hyperparameters
                notes.append("Alternative, paper 004 App. I.1 ablation (c), the paper's 'close second' (beta2 kept): lr \(f(p.learningRate))"
                             + (p.beta1.map { ", beta1 \(f($0))" } ?? "") + ", eps \(f(p.epsilon)).")
            } else {
                notes.append("Outside the papers: no rule of paper 004 reaches kappa = \(f(result.kappa)) with these betas; move in steps "
                             + "of kappa < 1/(1 - beta) or tune lr at the target batch size.")
            }
        }
        if !dominated {
            notes.append("Outside the papers: beyond B_simple the loss no longer follows the SDE; expect diminishing returns from the "
                         + "larger batch and tune lr at the target batch size (paper 004 Figs. 4-5 show the rule breaking there).")
        }
        return AdviceSection(.batchSizeChange, question: question, answer: answer, evidence: evidence,
                             formula: "lr' = sqrt(kappa)·lr, 1 - beta' = kappa(1 - beta), eps' = eps/sqrt(kappa), v0' = v0/kappa, kappa = B1/B0; "
                                + "valid while kappa < 1/(1 - beta); expected to hold while B1 ≤ B_simple",
                             source: sqrtSource, validation: ["004-sqrt-tracks", "004-sqrt-partial", "004-sqrt-breaks"], notes: notes)
    }

    /// LSSR (paper 003, eq. (17)): η' = η·ρ_{B₁}/ρ_{B₀} with the measured ρ, N and shuffled epochs.
    private static func lssr(_ base: ScalableHyperparameters, _ m: AdviceMeasurements, target: Double, question: String) -> AdviceSection {
        let source = "paper 003, eqs. (15), (17), §5 (LSSR)"
        let n = Double(m.sampleCount)
        let rule = ScalingRule.lssr(rho: m.rho.value, datasetSize: n, sampling: .withoutReplacement)
        guard let result = try? rule.apply(to: base, newBatchSize: target),
              let before = result.concentrationBefore, let after = result.concentrationAfter,
              let crossover = try? LSSR.crossoverBatchSize(rho: m.rho.value, datasetSize: n, sampling: .withoutReplacement) else {
            return AdviceSection(.batchSizeChange, question: question, doesNotApply: "LSSR needs rho in (0, 1], measured \(m.rho.value)",
                                 source: source)
        }
        let f = { (x: Double) in RunDigest.format(x) }
        let lr = result.hyperparameters.learningRate
        let answer = "LSSR to B = \(Int(target)) (kappa = \(f(result.kappa))): lr \(f(base.learningRate)) → \(f(lr)) "
            + "(rho_b \(f(before)) → \(f(after))); the linear rule would give \(f(base.learningRate * result.kappa)) and the square-root rule "
            + "\(f(base.learningRate * result.kappa.squareRoot())). Linear regime below B ≈ \(f(crossover)), saturation above it."
        let note = "On the 003-lssr setting this rule was 2-3.5x off the measured best lr (docs/REPRODUCTIONS.md, 'biaslab advise against the studies')."
        return AdviceSection(.batchSizeChange, question: question, answer: answer,
                             evidence: [Evidence("rho", m.rho), Evidence("rho_B0", before), Evidence("rho_B1", after), Evidence("lr'", lr),
                                        Evidence("crossover batch size", crossover)],
                             formula: "lr' = lr·rho_B1/rho_B0, rho_b = 1/((gamma/b)/rho + 1 - gamma/b), gamma = (N - b)/(N - 1)",
                             source: source, validation: ["003-lssr-fits", "003-lssr-saturates"], notes: [note])
    }
}
