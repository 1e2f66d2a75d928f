/// The advice as terminal text and as an HTML page (`biaslab advise`, `-o advice.html`).
extension Advice {
    /// "value ± se" (no "±" when exact or without an error).
    static func show(_ value: Double, _ se: Double?) -> String {
        guard let se, se > 0 else { return RunDigest.format(value) }
        return "\(RunDigest.format(value)) ± \(RunDigest.format(se))"
    }

    /// The measurements, one row each: name, value ± se, estimator.
    var measurementRows: [[String]] {
        let m = measurements
        var rows: [(String, Measured)] = [
            ("‖∇L‖²", m.gradientNormSquared), ("tr Σ", m.traceSigma), ("B_simple", m.simpleNoiseScale), ("lambda (paper 000)", m.noiseRatio),
            ("rho", m.rho), ("rho_b", m.rhoB), ("lambda_max", m.lambdaMax), ("tr H", m.hessianTrace), ("IAS", m.interactionAwareSharpness),
        ]
        if let p = m.preconditionedSharpness { rows.append(("lambda_1(P^-1 H)", p)) }
        return rows.map { [$0.0, Self.show($0.1.value, $0.1.standardError), $0.1.kind.rawValue, $0.1.estimator] }
    }

    /// The report as lines of text: a header, the measurement table, then each section.
    public func textLines() -> [String] {
        var lines = ["\(optimizer), lr = \(RunDigest.format(learningRate)), b = \(batchSize)"
                     + (targetBatchSize.map { ", target b = \($0)" } ?? "")
                     + "; N = \(measurements.sampleCount), d = \(measurements.dimension), θ \(parametersSource), L(θ) = \(RunDigest.format(measurements.loss))",
                     "", "Measured at θ (\(exactEstimators ? "exact per-sample estimators" : "sampled estimators")):"]
        lines += TextTable.lines([["quantity", "value", "kind", "estimator"]] + measurementRows).map { "  " + $0 }
        for section in sections {
            lines += ["", "[\(section.topic.rawValue)] \(section.question)"]
            if section.status == .doesNotApply {
                lines.append("  does not apply: \(section.answer)")
                continue
            }
            lines.append("  \(section.answer)")
            lines += TextTable.lines(section.evidence.map { ["    " + $0.name, Self.show($0.value, $0.standardError)] })
            lines.append("  formula: \(section.formula)")
            lines.append("  source: \(section.source)")
            lines.append("  validated: \(AdviceValidation.summary(section.validation))")
            lines += section.notes.map { "  note: \($0)" }
        }
        return lines
    }

    /// The report as a standalone HTML page.
    public func htmlPage() -> HTMLPage {
        var page = HTMLPage(title: "biaslab advise: \(optimizer), b = \(batchSize)")
        page.paragraph("lr = \(RunDigest.format(learningRate)), b = \(batchSize)" + (targetBatchSize.map { ", target b = \($0)" } ?? "")
                       + "; N = \(measurements.sampleCount), d = \(measurements.dimension); θ \(parametersSource); L(θ) = \(RunDigest.format(measurements.loss)).")
        page.heading("Measured at θ")
        page.table(header: ["quantity", "value", "kind", "estimator"], rows: measurementRows)
        for section in sections {
            page.heading("\(section.topic.rawValue): \(section.question)")
            if section.status == .doesNotApply {
                page.paragraph("Does not apply: \(section.answer)", muted: true)
                continue
            }
            page.paragraph(section.answer)
            page.table(header: ["evidence", "value"], rows: section.evidence.map { [$0.name, Self.show($0.value, $0.standardError)] })
            page.paragraph("Formula: \(section.formula). Source: \(section.source).")
            page.table(header: ["claim", "study", "statement", "verdict"],
                       rows: section.validation.isEmpty ? [["not validated", "", "", ""]]
                           : section.validation.map { [$0.claim, $0.study, $0.statement, $0.verdict.rawValue] })
            for note in section.notes { page.paragraph(note, muted: true) }
        }
        return page
    }
}
