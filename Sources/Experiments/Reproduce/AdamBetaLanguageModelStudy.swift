/// Study 000-beta2 (``AdamBetaStudy``) on a language model — paper 000's own setting is Transformer-XL on
/// WikiText-2 with perplexity = exp(cross-entropy) (§4, Fig. 2, Table 1, Fig. 3, Fig. 4; digest 000 §5): the
/// same runs, metric, analysis and criteria (``AdamBetaStudy/claims(ids:on:)``), with their own claim ids
/// (`000-beta2-lm-…`), on a byte-level transformer over Debian's fortunes (`text:…`, next-token
/// cross-entropy averaged over positions; a sample is one sequence, so N counts sequences and B_simple is
/// measured from per-sequence gradients).
///
/// Settings (chosen after the claims were written, before the study was first run), sized so the full run
/// (72 runs: 4 batch sizes × 6 (β₁, β₂) × 3 seeds) fits in 30 minutes on 2 cores: a 1-layer transformer of
/// width 16 with 2 heads over byte windows of 32 tokens (`transformer:vocab=256:context=32:width=16:heads=2:layers=1`,
/// tied embeddings), N = 128 training sequences (the first windows of the training documents), validated on the
/// first 128 windows of the held-out documents; `adam:paper000` at η = 10⁻², b ∈ {4, 16, 64, 128 = full batch},
/// 150 epochs for every b; the β₂ grid (β₁ = 0.9) is every other point of 000-beta2's, {0.999, 0.991, 0.919,
/// 0.757} (ratio 9 in 1 − β₂), the β₁ grid (β₂ = 0.999) {0.9, 0.97, 0.99}. Calibrated with `biaslab run` on seed
/// 0, β = (0.9, 0.999), validation loss every epoch (release build, shared machine): at N = 256, η = 3·10⁻³
/// the full-batch run was at 3.30 and still falling fast after 60 epochs (b = 8: minimum 2.77 at epoch 23);
/// η = 10⁻² and 3·10⁻² left it at 3.03 (80 epochs) and 3.05 (120 epochs, oscillating); at N = 128, η = 10⁻²
/// the full-batch run reached 2.985 at epoch 98 of 100, its gain per epoch shrinking (train 2.75, the gap
/// opening), and b = 4 had its minimum 2.864 at epoch 13 — so 150 epochs; an epoch cost ≈ 0.12 s of CPU
/// (N = 128), ≈ 18 s per run.
struct AdamBetaLanguageModelStudy: GridStudy {
    static let about = StudyAbout(name: "000-beta2-lm", title: "Adam with mini-batch noise on a language model: the best β₂ falls and the best β₁ rises as the batch grows")

    static func setting(quick: Bool) -> AdamBetaStudy.Setting {
        let loss = "next-token cross-entropy, averaged over the positions of a sequence and over sequences (the paper's perplexity is its exponential)"
        return quick
            ? AdamBetaStudy.Setting(problem: StudyProblem(model: "transformer:vocab=256:context=8:width=8:heads=2:layers=1", train: "text:context=8,n=16",
                                                                 test: "text:split=validation,context=8,n=16", loss: "next-token-ce"), lossDescription: loss, samples: 16,
                                    batchSizes: [4, 16], beta2s: [0.999, 0.9], beta1s: [0.9, 0.99], learningRate: 1e-2, epochs: 2)
            : AdamBetaStudy.Setting(problem: StudyProblem(model: "transformer:vocab=256:context=32:width=16:heads=2:layers=1", train: "text:context=32,n=128",
                                                                 test: "text:split=validation,context=32,n=128", loss: "next-token-ce"), lossDescription: loss, samples: 128,
                                    batchSizes: [4, 16, 64, 128], beta2s: [0.999, 0.991, 0.919, 0.757], beta1s: [0.9, 0.97, 0.99],
                                    learningRate: 1e-2, epochs: 150)
    }

    static func grid(_ s: AdamBetaStudy.Setting) -> StudyGrid<AdamBetaStudy.Point> { AdamBetaStudy.grid(s) }

    func measure(_ point: AdamBetaStudy.Point, _ run: StudyRun, _ s: AdamBetaStudy.Setting) throws -> StudySeries {
        try AdamBetaStudy().measure(point, run, s)
    }

    func analyze(_ measured: StudyMeasurements, _ options: StudyOptions) throws -> StudyAnalysis {
        try AdamBetaStudy().analyze(measured, options.seedRange, Self.setting(quick: options.quick), claims: claims)
    }

    var claims: [Claim] {
        AdamBetaStudy.claims(ids: ["000-beta2-lm-argmin-falls", "000-beta2-lm-gain-grows", "000-beta2-lm-beta1-rises", "000-beta2-lm-transition-batch"],
                             on: "on a byte-level transformer language model over Debian's fortunes; the paper's own setting is Transformer-XL on WikiText-2")
    }
}
