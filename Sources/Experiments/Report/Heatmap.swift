import Foundation

/// A heatmap as SVG: one cell per (x, y) category pair coloured by viridis over the values' range
/// (log-scaled colours when the values span more than two decades), the value written in each cell,
/// missing cells (no finished run, diverged) hatched grey with "×", the best value (the minimum, or the
/// maximum for ``SummaryGoal/max``) outlined in red (once in the grid, or once per column), dashed red
/// column markers (e.g. a predicted boundary between batch sizes), and
/// a colour-scale legend with tick labels on the right.
public struct Heatmap: Sendable {
    public var title: String
    public var xLabel: String
    public var yLabel: String
    /// What the colours mean, with units (e.g. "best test loss").
    public var valueLabel: String
    public var xCategories: [String]
    public var yCategories: [String]
    /// values[row][column]: row = y category (drawn top to bottom), column = x category.
    public var values: [[Double?]]
    /// Outline the best value under this goal (argmin for `min`, argmax for `max`); nil: none.
    public var best: SummaryGoal? = .min
    /// Where ``best`` is looked for: the whole grid (one outline) or each column (one outline per column).
    public var bestScope: BestScope = .grid
    /// Vertical dashed lines between or across columns (e.g. a predicted regime change), drawn over the cells.
    public var columnMarkers: [ColumnMarker] = []

    public enum BestScope: Sendable {
        case grid
        case column
    }

    /// A vertical line at a fractional column position: 0 is the centre of the first column, 1 the centre
    /// of the second, 0.5 the border between them; positions outside [−0.5, columns − 0.5] are clamped
    /// to the grid's edge.
    public struct ColumnMarker: Sendable, Equatable {
        public let position: Double
        public let label: String

        public init(position: Double, label: String) {
            self.position = position
            self.label = label
        }

        /// The position of `value` on columns whose categories are the increasing `grid` values, linear in
        /// log(value) between neighbouring columns and extrapolated by the nearest pair outside them; nil
        /// with fewer than two grid values or a non-positive value.
        public static func logPosition(of value: Double, grid: [Double]) -> Double? {
            guard grid.count >= 2, value > 0, value.isFinite, grid.allSatisfy({ $0 > 0 }) else { return nil }
            let k = min(max((grid.lastIndex { $0 <= value } ?? 0), 0), grid.count - 2)
            return Double(k) + (log(value) - log(grid[k])) / (log(grid[k + 1]) - log(grid[k]))
        }
    }

    public init(title: String, xLabel: String, yLabel: String, valueLabel: String,
                xCategories: [String], yCategories: [String], values: [[Double?]]) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.valueLabel = valueLabel
        self.xCategories = xCategories
        self.yCategories = yCategories
        self.values = values
    }

    /// The colour scale: the domain of the finite values, t = its position in [0, 1].
    public func colorScale() -> AxisScale {
        AxisScale.fitting(values.flatMap { $0.compactMap { $0 } }, pixels: (0, 1))
    }

    public func svg() -> String {
        let cell = xCategories.count > 8 ? 48.0 : 64.0, cellHeight = 36.0
        let yLabelWidth = max(40, (yCategories.map { SVGCanvas.textWidth($0, size: 11) }.max() ?? 0) + 12)
        let left = 30 + yLabelWidth, top = columnMarkers.isEmpty ? 40.0 : 54.0
        let plotWidth = cell * Double(xCategories.count), plotHeight = cellHeight * Double(yCategories.count)
        let legendX = left + plotWidth + 30
        let legendLabel = valueLabel + (colorScale().kind == .log ? " (log)" : "")
        let width = max(legendX + max(110, SVGCanvas.textWidth(legendLabel, size: 11.5) + 8), left + SVGCanvas.textWidth(title, size: 15) + 10)
        let height = top + max(plotHeight, 160) + 58
        var canvas = SVGCanvas(width: width, height: height, title: title)
        canvas.rect(0, 0, width, height, fill: "#ffffff")
        canvas.text(left, 24, title, size: 15, bold: true)
        let scale = colorScale()
        let finite = values.flatMap { $0.compactMap { $0 } }.filter(\.isFinite)
        let target = best.flatMap { $0 == .min ? finite.min() : finite.max() }
        let columnTargets = xCategories.indices.map { c in
            best.flatMap { goal in
                let column = values.compactMap { c < $0.count ? $0[c] : nil }.filter(\.isFinite)
                return goal == .min ? column.min() : column.max()
            }
        }
        var marked = false
        var markedColumns = Set<Int>()
        for (r, row) in values.enumerated() {
            for (c, value) in row.enumerated() {
                let x = left + Double(c) * cell, y = top + Double(r) * cellHeight
                let tip = "\(yLabel) = \(yCategories[r]), \(xLabel) = \(xCategories[c]): " + (value.map(NiceTicks.label) ?? "no result")
                guard let value, value.isFinite, let t = scale.position(of: value) else {
                    canvas.rect(x, y, cell, cellHeight, fill: "#d9d9d9", stroke: "#ffffff", tooltip: tip)
                    canvas.text(x + cell / 2, y + cellHeight / 2 + 4, "×", size: 12, anchor: .middle, fill: "#666")
                    continue
                }
                canvas.rect(x, y, cell, cellHeight, fill: Palette.viridis(t), stroke: "#ffffff", tooltip: tip)
                canvas.text(x + cell / 2, y + cellHeight / 2 + 4, NiceTicks.label(value), size: 10.5, anchor: .middle,
                            fill: Palette.textColor(onViridis: t))
                switch bestScope {
                case .grid:
                    if value == target, !marked {
                        canvas.rect(x + 1.5, y + 1.5, cell - 3, cellHeight - 3, fill: "none", stroke: "#e00000", strokeWidth: 3)
                        marked = true
                    }
                case .column:
                    if value == columnTargets[c], !markedColumns.contains(c) {
                        canvas.rect(x + 1.5, y + 1.5, cell - 3, cellHeight - 3, fill: "none", stroke: "#e00000", strokeWidth: 3)
                        markedColumns.insert(c)
                    }
                }
            }
        }
        for marker in columnMarkers {
            let position = min(max(marker.position, -0.5), Double(xCategories.count) - 0.5)
            let x = left + (position + 0.5) * cell
            canvas.line(x, top - 6, x, top + plotHeight + 4, stroke: "#e00000", width: 2, dash: "6,3")
            canvas.text(x, top - 9, marker.label, size: 10.5, anchor: .middle, fill: "#e00000")
        }
        for (c, name) in xCategories.enumerated() {
            canvas.text(left + (Double(c) + 0.5) * cell, top + plotHeight + 16, name, size: 11, anchor: .middle, fill: "#333")
        }
        for (r, name) in yCategories.enumerated() {
            canvas.text(left - 6, top + (Double(r) + 0.5) * cellHeight + 4, name, size: 11, anchor: .end, fill: "#333")
        }
        canvas.text(left + plotWidth / 2, top + plotHeight + 38, xLabel, size: 13, anchor: .middle)
        canvas.text(16, top + plotHeight / 2, yLabel, size: 13, anchor: .middle, rotate: -90)

        // The colour legend: a bar of 40 bands, low values at the bottom, with the scale's ticks.
        let barTop = top, barHeight = max(plotHeight, 160), bands = 40
        for k in 0..<bands {
            let t0 = Double(k) / Double(bands)
            canvas.rect(legendX, barTop + barHeight * (1 - t0 - 1 / Double(bands)), 16, barHeight / Double(bands) + 0.5,
                        fill: Palette.viridis(t0 + 0.5 / Double(bands)))
        }
        canvas.rect(legendX, barTop, 16, barHeight, fill: "none", stroke: "#444")
        for tick in scale.ticks {
            guard let t = scale.position(of: tick) else { continue }
            let y = barTop + barHeight * (1 - t)
            canvas.line(legendX + 16, y, legendX + 21, y, stroke: "#444")
            canvas.text(legendX + 24, y + 4, NiceTicks.label(tick), size: 10.5, fill: "#333")
        }
        canvas.text(legendX, barTop + barHeight + 18, legendLabel, size: 11.5)
        return canvas.render()
    }
}
