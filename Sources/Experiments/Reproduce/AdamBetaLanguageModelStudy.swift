/// Study 000-beta2 (``AdamBetaStudy``) on a language model — paper 000's own setting is Transformer-XL on
/// WikiText-2 with perplexity = exp(cross-entropy) (§4, Fig. 2, Table 1, Fig. 3, Fig. 4; digest 000 §5): the
/// same runs, metric, analysis and criteria (``AdamBetaStudy/claims(ids:on:)``), with their own claim ids
/// (`000-beta2-lm-…`), on a byte-level transformer over Debian's fortunes (`text:…`, next-token
/// cross-entropy averaged over positions; a sample is one sequence, so N counts sequences and B_simple is
/// measured from per-sequence gradients).
///
/// Settings (chosen before the full run, after the claims were written): CALIBRATION
public struct AdamBetaLanguageModelStudy: GridStudy {
    public init() {}
    public let name = "000-beta2-lm"
    public let title = "Adam with mini-batch noise on a language model: the best β₂ falls and the best β₁ rises as the batch grows"

    static func setting(quick: Bool) -> AdamBetaStudy.Setting {
        let loss = "next-token cross-entropy, averaged over the positions of a sequence and over sequences (the paper's perplexity is its exponential)"
        return quick
            ? AdamBetaStudy.Setting(model: "transformer:vocab=256:context=8:width=8:heads=2:layers=1", train: "text:context=8,n=16",
                                    validation: "text:split=validation,context=8,n=16", loss: "next-token-ce", lossDescription: loss, samples: 16,
                                    batchSizes: [4, 16], beta2s: [0.999, 0.9], beta1s: [0.9, 0.99], learningRate: 1e-2, epochs: 2)
            : AdamBetaStudy.Setting(model: "transformer:vocab=256:context=32:width=16:heads=2:layers=1", train: "text:context=32,n=256",
                                    validation: "text:split=validation,context=32,n=256", loss: "next-token-ce", lossDescription: loss, samples: 256,
                                    batchSizes: [8, 32, 128, 256], beta2s: [0.999, 0.997, 0.991, 0.973, 0.919, 0.757], beta1s: [0.9, 0.97, 0.99, 0.997],
                                    learningRate: 3e-3, epochs: 40)
    }

    static func grid(_ s: AdamBetaStudy.Setting) -> StudyGrid<AdamBetaStudy.Point> { AdamBetaStudy.grid(s) }

    func measure(_ point: AdamBetaStudy.Point, _ run: StudyRun, _ s: AdamBetaStudy.Setting) throws -> StudySeries {
        try AdamBetaStudy().measure(point, run, s)
    }

    public func analyze(_ measured: StudyMeasurements, _ options: StudyOptions) throws -> StudyAnalysis {
        try AdamBetaStudy().analyze(measured, options.seedRange, Self.setting(quick: options.quick), claims: claims)
    }

    public var claims: [Claim] {
        AdamBetaStudy.claims(ids: ["000-beta2-lm-argmin-falls", "000-beta2-lm-gain-grows", "000-beta2-lm-beta1-rises", "000-beta2-lm-transition-batch"],
                             on: "on a byte-level transformer language model over Debian's fortunes; the paper's own setting is Transformer-XL on WikiText-2")
    }
}
