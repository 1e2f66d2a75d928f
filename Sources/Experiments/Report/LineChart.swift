import Foundation

/// A line chart of several series over a shared x axis, as SVG: title, axes with nice tick labels,
/// axis labels (with units), light grid lines, a legend below the plot, and a log y axis when the
/// values span more than two decades (``AxisScale/prefersLog(_:)``) unless ``logY`` says otherwise.
/// Non-finite points (and non-positive ones on a log axis) break a line rather than end it. Bands
/// (a value ± its standard error) are shaded under the lines. The y axis encloses every dashed
/// (threshold) value strictly, so a threshold never sits on the frame (``AxisScale/fitting(_:strictlyInside:log:pixels:tickCount:)``).
public struct LineChart: Sendable {
    public struct Series: Sendable {
        public var name: String
        public var points: [(x: Double, y: Double)]
        public var color: String
        /// Dashed: thresholds and predictions, drawn over the measured curves.
        public var dashed: Bool
        /// Extra attributes of the series' lines (`data-…`, for readers of the SVG).
        public var attributes: [String: String]

        public init(name: String, points: [(x: Double, y: Double)], color: String, dashed: Bool = false, attributes: [String: String] = [:]) {
            self.name = name
            self.points = points
            self.color = color
            self.dashed = dashed
            self.attributes = attributes
        }
    }

    /// A shaded band between `lower` and `upper` at each x, e.g. a value ± its standard error.
    public struct Band: Sendable {
        public var points: [(x: Double, lower: Double, upper: Double)]
        public var color: String
        public var attributes: [String: String]

        public init(points: [(x: Double, lower: Double, upper: Double)], color: String, attributes: [String: String] = [:]) {
            self.points = points
            self.color = color
            self.attributes = attributes
        }
    }

    public var id: String
    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var series: [Series]
    public var bands: [Band]
    /// nil: log when the values span more than two decades.
    public var logY: Bool?
    public var width: Double = 640
    public var plotHeight: Double = 300

    /// `id` must be unique within a page (it names the chart's clip path).
    public init(id: String, title: String, xLabel: String, yLabel: String, series: [Series], bands: [Band] = [], logY: Bool? = nil) {
        self.id = id
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.series = series
        self.bands = bands
        self.logY = logY
    }

    static let margin = (left: 74.0, right: 18.0, top: 34.0, bottom: 52.0)

    /// The y scale the chart uses: it encloses the series and the bands, and the dashed series strictly.
    public func yScale() -> AxisScale {
        let top = Self.margin.top
        let values = series.flatMap { $0.points.map(\.y) } + bands.flatMap { $0.points.flatMap { [$0.lower, $0.upper] } }
        let thresholds = series.filter(\.dashed).flatMap { $0.points.map(\.y) }
        return AxisScale.fitting(values, strictlyInside: thresholds, log: logY, pixels: (top + plotHeight, top))
    }

    public func xScale() -> AxisScale {
        AxisScale.fitting(series.flatMap { $0.points.map(\.x) }, log: false, pixels: (Self.margin.left, width - Self.margin.right), tickCount: 7)
    }

    /// Legend rows: entries flow left to right and wrap at the chart's width.
    func legendRows() -> [[Int]] {
        var rows: [[Int]] = [[]]
        var x = Self.margin.left
        for (i, s) in series.enumerated() {
            let w = 34 + SVGCanvas.textWidth(s.name, size: 12) + 18
            if x + w > width - Self.margin.right, !rows[rows.count - 1].isEmpty {
                rows.append([])
                x = Self.margin.left
            }
            rows[rows.count - 1].append(i)
            x += w
        }
        return rows
    }

    public func svg() -> String {
        let m = Self.margin
        let rows = legendRows()
        let height = m.top + plotHeight + m.bottom + Double(rows.count) * 20 + 6
        var canvas = SVGCanvas(width: width, height: height, title: title)
        let xs = xScale(), ys = yScale()
        let left = m.left, right = width - m.right, top = m.top, bottom = m.top + plotHeight
        canvas.rect(0, 0, width, height, fill: "#ffffff")
        canvas.text(left, 22, title, size: 15, bold: true)

        for tick in ys.ticks {
            guard let y = ys.position(of: tick) else { continue }
            canvas.line(left, y, right, y, stroke: "#e4e4e4")
            canvas.line(left - 5, y, left, y, stroke: "#444")
            canvas.text(left - 8, y + 4, NiceTicks.label(tick), size: 11, anchor: .end, fill: "#333")
        }
        for tick in xs.ticks {
            guard let x = xs.position(of: tick) else { continue }
            canvas.line(x, top, x, bottom, stroke: "#f0f0f0")
            canvas.line(x, bottom, x, bottom + 5, stroke: "#444")
            canvas.text(x, bottom + 19, NiceTicks.label(tick), size: 11, anchor: .middle, fill: "#333")
        }
        canvas.rect(left, top, right - left, bottom - top, fill: "none", stroke: "#444")
        canvas.text((left + right) / 2, bottom + 40, xLabel, size: 13, anchor: .middle)
        canvas.text(18, (top + bottom) / 2, yLabel + (ys.kind == .log ? " (log scale)" : ""), size: 13, anchor: .middle, rotate: -90)

        let clip = "clip-\(id)"
        canvas.clipRect(id: clip, x: left, y: top, width: right - left, height: bottom - top)
        for band in bands {
            let drawable = band.points.compactMap { p -> (Double, Double, Double)? in
                guard let x = xs.position(of: p.x), let lo = ys.position(of: p.lower), let hi = ys.position(of: p.upper) else { return nil }
                return (x, lo, hi)
            }
            guard !drawable.isEmpty else { continue }
            canvas.polygon(drawable.map { ($0.0, $0.2) } + drawable.reversed().map { ($0.0, $0.1) }, fill: band.color, opacity: 0.2,
                           clip: clip, attributes: band.attributes)
        }
        // Measured curves first, dashed thresholds on top.
        for s in series.sorted(by: { !$0.dashed && $1.dashed }) {
            for segment in segments(s, xs, ys) {
                if segment.count == 1 {
                    canvas.circle(segment[0].0, segment[0].1, radius: 2.5, fill: s.color, clip: clip)
                } else {
                    canvas.polyline(segment, stroke: s.color, width: s.dashed ? 1.6 : 1.8, dash: s.dashed ? "7 4" : nil, clip: clip,
                                    attributes: s.attributes)
                }
            }
        }

        for (r, row) in rows.enumerated() {
            var x = left
            let y = bottom + m.bottom + Double(r) * 20 + 8
            for i in row {
                let s = series[i]
                canvas.line(x, y - 4, x + 26, y - 4, stroke: s.color, width: 2.5, dash: s.dashed ? "7 4" : nil)
                canvas.text(x + 32, y, s.name, size: 12)
                x += 34 + SVGCanvas.textWidth(s.name, size: 12) + 18
            }
        }
        return canvas.render()
    }

    /// Runs of consecutive drawable points of a series, in pixels.
    func segments(_ s: Series, _ xs: AxisScale, _ ys: AxisScale) -> [[(Double, Double)]] {
        var out: [[(Double, Double)]] = [[]]
        for p in s.points {
            if let x = xs.position(of: p.x), let y = ys.position(of: p.y) {
                out[out.count - 1].append((x, y))
            } else if !out[out.count - 1].isEmpty {
                out.append([])
            }
        }
        return out.filter { !$0.isEmpty }
    }
}
