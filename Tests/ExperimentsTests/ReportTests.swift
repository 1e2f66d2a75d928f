import BiasLabTestSupport
import Experiments
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing

/// Every element of an XML document (an SVG or the whole XHTML page), by Foundation's XMLParser:
/// parsing fails on malformed markup or a bad escape.
final class ElementCollector: NSObject, XMLParserDelegate {
    struct Element { let name: String; let attributes: [String: String]; var text: String }
    var elements: [Element] = []
    private var open: [Int] = []

    static func parse(_ markup: String) throws -> [Element] {
        let parser = XMLParser(data: Data(markup.utf8))
        let collector = ElementCollector()
        parser.delegate = collector
        guard parser.parse() else {
            throw ConfigError(path: "xml", "line \(parser.lineNumber): \(parser.parserError.map { "\($0)" } ?? "parse error")")
        }
        return collector.elements
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        open.append(elements.count)
        elements.append(Element(name: name, attributes: attributes, text: ""))
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if let i = open.last { elements[i].text += string }
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) { open.removeLast() }
}

extension ElementCollector.Element {
    /// The points of a polyline as (x, y) pairs.
    var points: [(Double, Double)] {
        (attributes["points"] ?? "").split(separator: " ").map { pair in
            let xy = pair.split(separator: ",").map { Double($0)! }
            return (xy[0], xy[1])
        }
    }
}

/// The SVG chart library: ticks, scales, colours, escaping, and charts checked by parsing their markup.
@Suite struct ChartTests {
    /// Oracle: Heckbert's nice-number ticks worked by hand (range rounded up to 1/2/5·10ᵏ, step the nice
    /// number nearest range/(count − 1)).
    @Test func linearTicksAreNiceNumbers() {
        #expect(NiceTicks.linear(0, 1) == [0, 0.2, 0.4, 0.6000000000000001, 0.8, 1])
        #expect(NiceTicks.linear(22.5, 40.6) == [20, 25, 30, 35, 40, 45])
        #expect(NiceTicks.linear(-3, 7) == [-4, -2, 0, 2, 4, 6, 8])
        // range 600 → 1000, step nice(1000/6 = 166.7) = 200
        #expect(NiceTicks.linear(0, 600, count: 7) == [0, 200, 400, 600])
        // a point widened to [4.5, 5.5]: range 1, step nice(0.25) = 0.2
        let point = NiceTicks.linear(5, 5)
        #expect(point.count == 7 && zip(point, [4.4, 4.6, 4.8, 5, 5.2, 5.4, 5.6]).allSatisfy { abs($0 - $1) < 1e-12 })
        #expect(NiceTicks.niceNumber(0.0231, round: false) == 0.05 && NiceTicks.niceNumber(0.0231, round: true) == 0.02)
        #expect(NiceTicks.niceNumber(7.31, round: true) == 10 && NiceTicks.niceNumber(1.2, round: false) == 2)
    }

    /// Oracle: decades enclosing the range; 2 and 5 × 10ᵏ only below three decades.
    @Test func logTicksAreDecades() {
        #expect(NiceTicks.logarithmic(0.013, 2.3) == [0.01, 0.1, 1, 10])
        #expect(NiceTicks.logarithmic(3, 40) == [1, 2, 5, 10, 20, 50, 100])
        #expect(NiceTicks.logarithmic(2e-5, 0.9) == [1e-5, 1e-4, 1e-3, 0.01, 0.1, 1])
    }

    @Test func tickLabelsAreShort() {
        let cases: [(Double, String)] = [(0.30000000000000004, "0.3"), (1e-5, "1e-5"), (250_000, "2.5e5"), (30, "30"),
                                         (0.0667, "0.0667"), (-0.0, "0"), (380_000, "3.8e5"), (1, "1"), (-2.5, "-2.5"), (1e6, "1e6")]
        for (value, label) in cases { #expect(NiceTicks.label(value) == label, "\(value)") }
    }

    /// Oracle: p(v) = r₀ + (v − d₀)/(d₁ − d₀)(r₁ − r₀), and the same in log₁₀ v.
    @Test func scalesMapDataToPixels() throws {
        let linear = AxisScale(kind: .linear, domain: 0...10, range: (100, 0), ticks: [])
        #expect(linear.position(of: 2.5) == 75 && linear.position(of: 10) == 0 && linear.position(of: .nan) == nil)
        let log = AxisScale(kind: .log, domain: 1...1000, range: (0, 300), ticks: [])
        #expect(abs(try #require(log.position(of: 10)) - 100) < 1e-12)
        #expect(abs(try #require(log.position(of: 1000)) - 300) < 1e-12)
        #expect(log.position(of: 0) == nil && log.position(of: -1) == nil)
        #expect(AxisScale.prefersLog([0.01, 2]) && !AxisScale.prefersLog([0.5, 2]) && !AxisScale.prefersLog([0, 10]))
        let fitted = AxisScale.fitting([0.02, 0.5, 2.3], pixels: (300, 0))
        #expect(fitted.kind == .log && fitted.domain == 0.01...10)
        let flat = AxisScale.fitting([22.5, 40.6], pixels: (300, 0))
        #expect(flat.kind == .linear && flat.domain == 20...45)
    }

    /// Oracle: viridis's published end points #440154 and #fde725; escaping of the five XML specials.
    @Test func coloursAndEscaping() {
        #expect(Palette.viridis(0) == "#440154" && Palette.viridis(1) == "#fde725" && Palette.viridis(2) == "#fde725")
        #expect(Markup.escape("a<b & \"c\" 'd'>") == "a&lt;b &amp; &quot;c&quot; &#39;d&#39;&gt;")
    }

    /// Oracle: the chart's own data — each series is one polyline per run of finite points with one
    /// vertex per point, the dashed threshold sits at the pixel row of y = 30, names survive escaping.
    @Test func lineChartDrawsEverySeries() throws {
        let sharp = LineChart.Series(name: "<gd> & \"adam\"", points: (0...10).map { (Double($0 * 10), 20 + Double($0)) }, color: "#000")
        var gapped = (0...6).map { (x: Double($0 * 10), y: 25.0 + Double($0)) }
        gapped[3].y = .nan
        let threshold = LineChart.Series(name: "2/η = 30", points: [(0, 30), (100, 30)], color: "#111", dashed: true)
        let chart = LineChart(id: "t", title: "λ & threshold", xLabel: "step t", yLabel: "λ_max",
                              series: [sharp, .init(name: "gapped", points: gapped, color: "#222"), threshold])
        let elements = try ElementCollector.parse(chart.svg())
        let lines = elements.filter { $0.name == "polyline" }
        #expect(lines.map(\.points.count) == [11, 3, 3, 2])
        let dashed = try #require(lines.first { $0.attributes["stroke-dasharray"] != nil })
        let y30 = try #require(chart.yScale().position(of: 30))
        #expect(dashed.points.allSatisfy { abs($0.1 - y30) < 0.051 })
        let texts = elements.filter { $0.name == "text" }.map(\.text)
        #expect(texts.contains("<gd> & \"adam\"") && texts.contains("step t") && texts.contains("λ_max"))
        #expect(elements.first { $0.name == "title" }?.text == "λ & threshold")
        // y data 20 … 31: range nice(11) = 20, step nice(5) = 5, ticks 20 … 35; x 0 … 100 in steps of 20.
        #expect(chart.yScale().ticks == [20, 25, 30, 35] && chart.xScale().ticks == [0, 20, 40, 60, 80, 100])
        for tick in ["20", "25", "30", "35", "0", "40", "100"] { #expect(texts.contains(tick), "\(tick)") }
    }

    /// Oracle: one cell rect (with a tooltip) per category pair, grey for the missing one, the minimum
    /// outlined once, 40 colour bands in the legend.
    @Test func heatmapHasOneCellPerPair() throws {
        let heatmap = Heatmap(title: "best loss", xLabel: "β₁", yLabel: "β₂", valueLabel: "loss", xCategories: ["0", "0.9"],
                              yCategories: ["0.9", "0.99", "0.999"], values: [[0.5, 0.25], [0.125, nil], [1, 2]])
        let rects = try ElementCollector.parse(heatmap.svg()).filter { $0.name == "rect" }
        let cells = rects.filter { ($0.attributes["height"] ?? "") == "36.0" }
        #expect(cells.count == 6)
        #expect(cells.filter { $0.attributes["fill"] == "#d9d9d9" }.count == 1)
        #expect(rects.filter { $0.attributes["stroke"] == "#e00000" }.count == 1)
        #expect(rects.filter { $0.attributes["width"] == "16.0" && $0.attributes["fill"] != "none" }.count == 40)
        // goal max: the outline moves to the largest value, 2 (row β₂ = 0.999, column β₁ = 0.9).
        var highest = heatmap
        highest.best = .max
        let elements = try ElementCollector.parse(highest.svg())
        let outlined = elements.filter { $0.name == "rect" && $0.attributes["stroke"] == "#e00000" }
        let tooltip = try #require(elements.firstIndex { $0.name == "title" && $0.text == "β₂ = 0.999, β₁ = 0.9: 2" })
        let two = elements[tooltip - 1]
        #expect(outlined.count == 1 && abs(Double(outlined[0].attributes["x"]!)! - Double(two.attributes["x"]!)! - 1.5) < 0.051)
        highest.best = nil
        #expect(try ElementCollector.parse(highest.svg()).filter { $0.attributes["stroke"] == "#e00000" }.isEmpty)
    }
}

/// Reports read from a results store.
@Suite struct ReportTests {
    /// Oracle: the store's own rows — the page parses as XML, has one training-loss polyline per run
    /// with one vertex per `train_loss` row, the 2/η threshold dashed, and no external references.
    @Test func runReportChartsTheStoredSeries() throws {
        let url = try CLIRunner.temporaryDirectory().appendingPathComponent("runs.sqlite")
        let yaml = """
            name: r
            model: mlp:2-3-2:tanh
            data: gaussian-mixture:n=16,d=2,classes=2,seed=1
            optimizer: {name: sgd, lr: 0.5}
            training: {steps: 12, batch_size: full}
            probes: [{name: train, every: 2}, {name: sharpness, every: 3}]
            """
        var runs: [RunStore.Run] = []
        let store = try RunStore(url: url)
        for lr in ["0.5", "0.25"] {
            var document = try ConfigValue.parse(yaml: yaml, source: "test")
            try RunConfig.applyOverrides(["optimizer.lr=\(lr)", "name=<r> & lr \(lr)"], to: &document)
            let outcome = try Runner.start(try RunConfig(document: document), store: url, options: RunOptions(softwareVersion: "test"))
            runs.append(try #require(try store.run(id: outcome.runID)))
        }
        let html = try RunReport.page(runs: runs, store: store).render()
        #expect(!html.replacingOccurrences(of: "http://www.w3.org/", with: "").contains("http") && !html.contains("<script"))
        let elements = try ElementCollector.parse(html)
        let lossRows = try store.metrics(runID: runs[0].id, name: "train_loss")
        #expect(lossRows.count == 7)
        let svgs = elements.filter { $0.name == "svg" }
        #expect(svgs.count >= 4)
        let lines = elements.filter { $0.name == "polyline" }
        #expect(lines.filter { $0.points.count == 7 && $0.attributes["stroke-dasharray"] == nil }.count >= 4)  // train loss and accuracy, 2 runs
        let thresholds = lines.filter { $0.attributes["stroke-dasharray"] != nil && $0.points.count == 5 }  // steps 0,3,6,9,12
        #expect(thresholds.count == 2 && thresholds.allSatisfy { line in line.points.allSatisfy { $0.1 == line.points[0].1 } })
        #expect(elements.contains { $0.name == "text" && $0.text == "<r> & lr 0.5" })
        #expect(elements.contains { $0.name == "td" && $0.text == "2/η = 4" })  // 2/η at η = 0.5
        #expect(elements.contains { $0.name == "td" && $0.text == "full-batch" })
    }

    /// Oracle: the sweep's grid — one heatmap with a cell per (β₁, β₂) pair, seeds averaged.
    @Test func sweepReportHasAHeatmapCellPerGridPair() throws {
        let url = try CLIRunner.temporaryDirectory().appendingPathComponent("runs.sqlite")
        let spec = try SweepTests.spec()
        let points = try spec.points()
        for item in try SweepPlan(points: points, store: url).pending { _ = try item.execute(store: url, options: RunOptions(softwareVersion: "test")) }
        let html = try SweepReport.page(spec: spec, points: points, store: RunStore(url: url)).render()
        let elements = try ElementCollector.parse(html)
        let cells = elements.filter { $0.name == "rect" && $0.attributes["height"] == "36.0" }
        #expect(cells.count == 6 && cells.allSatisfy { $0.attributes["fill"] != "#d9d9d9" })
        let summary = try SweepSummary(spec: spec, points: points, store: RunStore(url: url))
        let mean = (summary.rows[0].objective! + summary.rows[1].objective!) / 2  // β₁ = 0, β₂ = 0.9, seeds 0 and 1
        #expect(elements.contains { $0.name == "title" && $0.text == "optimizer.beta2 = 0.9, optimizer.beta1 = 0.0: \(NiceTicks.label(mean))" })
    }
}
