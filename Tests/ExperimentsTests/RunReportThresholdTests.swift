import BiasLabTestSupport
import Experiments
import Foundation
import Optim
import Testing

/// Run reports draw every quantity against its threshold, with its standard-error band, on an axis
/// reaching strictly beyond the threshold, and judge the quantity the run's regime calls for.
@Suite struct RunReportThresholdTests {
    static let base = """
        name: r
        model: mlp:2-3-2:tanh
        data: gaussian-mixture:n=16,d=2,classes=2,seed=1
        optimizer: {name: sgd, lr: 0.5}
        training: {steps: 6, batch_size: 4}
        probes:
          - {name: train, every: 2}
          - {name: sharpness, every: 3}
          - {name: batch_sharpness, every: 3, options: {batch_count: 4}}
          - {name: interaction, every: 3}
        """

    /// Runs `yaml` with `overrides` into a fresh store; the run and its series.
    static func run(_ overrides: [String] = [], yaml: String = base) throws -> (RunCharts.Entry, RunStore) {
        let url = try CLIRunner.temporaryDirectory().appendingPathComponent("runs.sqlite")
        var document = try ConfigValue.parse(yaml: yaml, source: "test")
        try RunConfig.applyOverrides(overrides, to: &document)
        let outcome = try Runner.start(try RunConfig(document: document), store: url, options: RunOptions(softwareVersion: "test"))
        let store = try RunStore(url: url)
        let run = try #require(try store.run(id: outcome.runID))
        #expect(run.status == .completed)
        return (RunCharts.Entry(run: run, series: Dictionary(grouping: try store.metrics(runID: run.id), by: \.name)), store)
    }

    /// The chart `id`, its elements, and its y scale.
    static func chart(_ id: String, in entry: RunCharts.Entry) throws -> (LineChart, [ElementCollector.Element]) {
        let chart = try #require(RunCharts(entries: [entry]).charts().first { $0.id == id }, "no chart \(id)")
        return (chart, try ElementCollector.parse(chart.svg()))
    }

    /// Oracle: 2/η = 2/0.5 = 4 — the dashed line carries data-value 4 and lies at the pixel row of y = 4;
    /// the y domain reaches strictly beyond 4 on both sides; the batch-sharpness band has one vertex above
    /// and one below per measurement, at value ± the stored `batch_sharpness_se`.
    @Test func miniBatchSGDDrawsItsQuantitiesAgainstTwoOverEta() throws {
        let (entry, store) = try Self.run()
        for metric in ["batch_sharpness", "instability_ratio"] {
            let (chart, elements) = try Self.chart("run-\(metric)", in: entry)
            let line = try #require(elements.first { $0.name == "polyline" && $0.attributes["data-threshold"] == "gd_threshold" }, "\(metric)")
            #expect(line.attributes["data-value"].flatMap(Double.init) == 4)
            let scale = chart.yScale()
            let y4 = try #require(scale.position(of: 4))
            #expect(line.points.count == 3 && line.points.allSatisfy { abs($0.1 - y4) < 0.051 })
            #expect(scale.domain.lowerBound < 4 && 4 < scale.domain.upperBound, "\(metric): \(scale.domain)")
        }
        let (chart, elements) = try Self.chart("run-batch_sharpness", in: entry)
        let band = try #require(elements.first { $0.name == "polygon" && $0.attributes["data-band"] == "batch_sharpness_se" })
        let values = try store.metrics(runID: entry.run.id, name: "batch_sharpness")
        let errors = try store.metrics(runID: entry.run.id, name: "batch_sharpness_se")
        #expect(values.map(\.step) == [0, 3, 6] && errors.map(\.step) == [0, 3, 6] && errors.allSatisfy { $0.value > 0 })
        #expect(band.points.count == 6)
        let scale = chart.yScale()
        for (k, (value, error)) in zip(values, errors).enumerated() {
            let upper = try #require(scale.position(of: value.value + error.value))
            let lower = try #require(scale.position(of: value.value - error.value))
            #expect(abs(band.points[k].1 - upper) < 0.051 && abs(band.points[5 - k].1 - lower) < 0.051)
        }
        // IAS against the recorded 2ρ_b/η, point by point.
        let (_, iasElements) = try Self.chart("run-ias", in: entry)
        let iasLine = try #require(iasElements.first { $0.name == "polyline" && $0.attributes["data-threshold"] == "ias_threshold" })
        #expect(iasLine.points.count == (try store.metrics(runID: entry.run.id, name: "ias_threshold")).count)
        // The ratio chart has each quantity ÷ its threshold and the line at 1.
        let (_, ratio) = try Self.chart("run-normalized-sharpness", in: entry)
        let names = ratio.filter { $0.name == "text" }.map(\.text)
        for what in ["r: λ_max(H) ÷ 2/η", "r: batch sharpness ÷ 2/η", "r: tr(H S_b)/tr(S_N) ÷ 2/η", "r: IAS ÷ 2ρ_b/η"] {
            #expect(names.contains(what), "\(what)")
        }
        #expect(ratio.contains { $0.name == "polyline" && $0.attributes["data-value"] == "1.0" })

        let digest = RunDigest(run: entry.run, series: entry.series)
        #expect(digest.regime == .miniBatch && digest.sharpnessMetric == "batch_sharpness" && digest.threshold == 4)
        #expect(digest.finalSharpness == values.last?.value)
        let html = try ElementCollector.parse(try RunReport.page(runs: [entry.run], store: store).render())
        let cells = html.filter { $0.name == "td" }.map(\.text)
        #expect(cells.contains("mini-batch") && cells.contains("batch sharpness") && cells.contains("2/η = 4"))
    }

    /// Without batch sharpness, a mini-batch run is judged by tr(H S_b)/tr(S_N); a full-batch one by λ_max(H).
    @Test func theSummaryJudgesTheRegimesQuantity() throws {
        let (sgd, _) = try Self.run(["probes=[{name: sharpness, every: 3}, {name: interaction, every: 3}]"])
        let sgdDigest = RunDigest(run: sgd.run, series: sgd.series)
        #expect(sgdDigest.regime == .miniBatch && sgdDigest.sharpnessMetric == "instability_ratio" && sgdDigest.sharpnessSymbol == "tr(H S_b)/tr(S_N)")
        let (gd, _) = try Self.run(["training.batch_size=full", "probes=[{name: sharpness, every: 3}]"])
        let gdDigest = RunDigest(run: gd.run, series: gd.series)
        #expect(gdDigest.regime == .fullBatch && gdDigest.sharpnessMetric == "lambda_max" && gdDigest.threshold == 4)
        // Only λ_max recorded on mini-batch SGD: nothing the regime calls for, so nothing is judged.
        let (lonely, _) = try Self.run(["probes=[{name: sharpness, every: 3}]"])
        let lonelyDigest = RunDigest(run: lonely.run, series: lonely.series)
        #expect(lonelyDigest.regime == .miniBatch && lonelyDigest.sharpnessMetric == nil && lonelyDigest.threshold == nil)
    }

    /// Oracle: Adam at β₁ = 0.9, η = 0.01: (2 + 2β₁)/((1 − β₁)η) = 3.8/0.001 = 3800, judged as λ₁(P⁻¹H).
    @Test func adaptiveRunsAreJudgedByPreconditionedSharpness() throws {
        let (adam, _) = try Self.run(["optimizer={name: \"adam:torch\", lr: 0.01, beta1: 0.9}", "training.batch_size=full",
                                      "probes=[{name: sharpness, every: 3}, {name: preconditioned_sharpness, every: 3}]"])
        let digest = RunDigest(run: adam.run, series: adam.series)
        #expect(digest.regime == .adaptive && digest.sharpnessMetric == "preconditioned_sharpness")
        let expected = (2 + 2 * 0.9) / ((1 - 0.9) * 0.01)
        #expect(abs(try #require(digest.threshold) - expected) <= 1e-12 * expected)
        let (chart, elements) = try Self.chart("run-preconditioned_sharpness", in: adam)
        let line = try #require(elements.first { $0.name == "polyline" && $0.attributes["data-threshold"] == "aeos_threshold" })
        let value = try #require(line.attributes["data-value"].flatMap(Double.init))
        #expect(abs(value - expected) <= 1e-12 * expected)
        #expect(chart.yScale().domain.lowerBound < value && value < chart.yScale().domain.upperBound)
    }

    /// Oracle: Polyak heavy ball β = 0.9 at η = 0.05, full batch: (2/η)(1+β₁)/(1+2β₂) = 40 · 1.9 = 76, not
    /// 2/η = 40 — the digest judges λ_max(H) against 76, the chart draws the dashed `momentum_threshold` at 76,
    /// the ratio chart divides by it, and the summary table names it.
    @Test func momentumRunsAreJudgedAgainstTheMomentumThreshold() throws {
        let (run, store) = try Self.run(["optimizer={name: \"momentum:paper\", lr: 0.05, momentum: 0.9}", "training.batch_size=full",
                                         "probes=[{name: sharpness, every: 3}, {name: interaction, every: 3}]"])
        let digest = RunDigest(run: run.run, series: run.series)
        #expect(digest.regime == .fullBatch && digest.sharpnessMetric == "lambda_max")
        let threshold = try #require(digest.threshold)
        #expect(digest.thresholdSymbol == "(2/η)(1+β₁)/(1+2β₂)" && abs(threshold - 76) <= 1e-12)
        let (chart, elements) = try Self.chart("run-lambda_max", in: run)
        #expect(chart.title == "Sharpness λ_max(H) and (2/η)(1+β₁)/(1+2β₂)")
        let line = try #require(elements.first { $0.name == "polyline" && $0.attributes["data-threshold"] == "momentum_threshold" })
        #expect(line.attributes["data-value"].flatMap(Double.init).map { abs($0 - 76) <= 1e-12 } == true)
        #expect(!elements.contains { $0.attributes["data-threshold"] == "gd_threshold" })
        let (_, iasElements) = try Self.chart("run-ias", in: run)
        let iasLine = try #require(iasElements.first { $0.name == "polyline" && $0.attributes["data-threshold"] == "ias_threshold" })
        #expect(iasLine.attributes["data-value"].flatMap(Double.init).map { abs($0 - 76) <= 1e-12 } == true)
        let (_, ratio) = try Self.chart("run-normalized-sharpness", in: run)
        #expect(ratio.filter { $0.name == "text" }.map(\.text).contains("r: λ_max(H) ÷ (2/η)(1+β₁)/(1+2β₂)"))
        let lambda = try store.metrics(runID: run.run.id, name: "lambda_max")
        let ratioLine = try #require(ratio.first { $0.name == "polyline" && $0.attributes["data-threshold"] == nil })
        #expect(ratioLine.points.count == lambda.count)
        let cells = try ElementCollector.parse(try RunReport.page(runs: [run.run], store: store).render()).filter { $0.name == "td" }.map(\.text)
        #expect(cells.contains("(2/η)(1+β₁)/(1+2β₂) = 76"))
    }

    /// Oracle: a momentum quantity without a recorded `momentum_threshold` derives it as γ × `gd_threshold`
    /// (γ = 1.9/2.8 for Nesterov β = 0.9: 40 → 27.142857…), and IAS's as ρ_b × γ × 2/η.
    @Test func momentumThresholdFallsBackToTwoOverEta() throws {
        func rows(_ name: String, _ values: [(Int, Double)]) -> [RunStore.MetricRow] { values.map { .init(step: $0.0, name: name, value: $0.1) } }
        let series = ["gd_threshold": rows("gd_threshold", [(0, 40), (1, 40)]), "rho_b": rows("rho_b", [(1, 0.5)])]
        let gamma = 1.9 / 2.8
        let lambda = ThresholdedQuantity.lambdaMax.underMomentum(beta1: 0.9, beta2: 0.9)
        #expect(lambda.threshold == "momentum_threshold" && lambda.momentumFactor == gamma)
        #expect(lambda.thresholdRows(in: series)?.map(\.value) == [40 * gamma, 40 * gamma])
        let ias = ThresholdedQuantity.interactionAwareSharpness.underMomentum(beta1: 0.9, beta2: 0.9)
        #expect(ias.thresholdSymbol == "ρ_b(2/η)(1+β₁)/(1+2β₂)" && ias.thresholdRows(in: series)?.map(\.value) == [0.5 * 40 * gamma])
        #expect(ThresholdedQuantity.preconditionedSharpness.underMomentum(beta1: 0.9, beta2: 0) == .preconditionedSharpness)
        let settings = try OptimizerSpec(parsing: "adam:torch").hyperparameters
        #expect(ThresholdedQuantity.judged(ThresholdedQuantity.all, settings: settings) == ThresholdedQuantity.all)
    }

    /// Every optimizer with a diagonal preconditioner is adaptive; the others are judged by batch size.
    @Test func regimesFollowTheOptimizerAndTheBatch() throws {
        func regime(_ optimizer: String, batch: String = "full") throws -> StabilityRegime {
            let yaml = "model: mlp:2-3-2:tanh\ndata: gaussian-mixture:n=16,d=2,classes=2,seed=1\noptimizer: \"\(optimizer)\"\n"
                + "training: {steps: 1, batch_size: \(batch)}"
            return StabilityRegime(config: try RunConfig(document: try ConfigValue.parse(yaml: yaml, source: "t")))
        }
        for adaptive in ["adam:torch", "adamw:torch", "rmsprop:torch", "nadam:optax", "adam-mini:official", "adalayer:paper002",
                         "adasgd:paper002", "adafactor:paper002", "adame:paper002"] {
            #expect(try regime(adaptive) == .adaptive && regime(adaptive, batch: "4") == .adaptive, "\(adaptive)")
        }
        for plain in ["sgd:plain", "momentum:paper", "nesterov:torch"] {
            #expect(try regime(plain) == .fullBatch && regime(plain, batch: "4") == .miniBatch, "\(plain)")
        }
    }

    /// Oracle: data 0 … 10 with a threshold at 10 gives nice ticks 0 … 10, so the threshold would sit on
    /// the frame; widened by 5 % of the span to 10.5, Heckbert's ticks are (range nice(10.5) = 20, step
    /// nice(20/4) = 5) 0, 5, 10, 15; likewise −0.5 gives −5 … 10. A threshold inside is left alone.
    @Test func thresholdsNeverSitOnTheFrame() {
        let pixels = (start: 300.0, end: 0.0)
        #expect(AxisScale.fitting([0, 10], log: false, pixels: pixels).domain == 0...10)
        #expect(AxisScale.fitting([0, 10], strictlyInside: [10], log: false, pixels: pixels).domain == 0...15)
        #expect(AxisScale.fitting([0, 10], strictlyInside: [0], log: false, pixels: pixels).domain == -5...10)
        #expect(AxisScale.fitting([0, 10], strictlyInside: [5], log: false, pixels: pixels).domain == 0...10)
        let log = AxisScale.fitting([1, 100], strictlyInside: [100], log: true, pixels: pixels)
        #expect(log.kind == .log && log.domain.upperBound > 100)
        let series = LineChart.Series(name: "λ", points: [(0, 2), (1, 10)], color: "#000")
        let threshold = LineChart.Series(name: "2/η", points: [(0, 10), (1, 10)], color: "#000", dashed: true)
        let chart = LineChart(id: "c", title: "t", xLabel: "x", yLabel: "y", series: [series, threshold])
        #expect(chart.yScale().domain.upperBound > 10)
    }

    /// Oracle: without `ias_threshold`, IAS's threshold is 2ρ_b/η = `rho_b` × `gd_threshold` at the
    /// steps recording both (here 0.5 × 4 at step 0 and 0.25 × 4 at step 2; step 1 has no ρ_b).
    @Test func iasThresholdFromConcentrationAndLearningRate() throws {
        func rows(_ name: String, _ values: [(Int, Double)]) -> [RunStore.MetricRow] { values.map { .init(step: $0.0, name: name, value: $0.1) } }
        let series = ["ias": rows("ias", [(0, 1), (1, 2), (2, 3)]), "rho_b": rows("rho_b", [(0, 0.5), (2, 0.25)]),
                      "gd_threshold": rows("gd_threshold", [(0, 4), (1, 4), (2, 4)])]
        let derived = try #require(ThresholdedQuantity.interactionAwareSharpness.thresholdRows(in: series))
        #expect(derived.map(\.step) == [0, 2] && derived.map(\.value) == [2, 1])
        #expect(ThresholdedQuantity.batchSharpness.thresholdRows(in: series)?.map(\.value) == [4, 4, 4])
        #expect(ThresholdedQuantity.lambdaMax.standardError == "lambda_max_se")
        #expect(StabilityRegime.miniBatch.quantities == [.batchSharpness, .instabilityRatio, .interactionAwareSharpness])
        #expect(StabilityRegime.adaptive.explanation == "adaptive: λ₁(P⁻¹H) against (2+2β₁)/((1−β₁)η)")
    }
}
