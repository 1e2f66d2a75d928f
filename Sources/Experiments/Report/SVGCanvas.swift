import Foundation

/// Escapes text for XML/HTML character data and attribute values: & < > " ' become entities.
public enum Markup {
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.count)
        for c in text {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }
}

/// An SVG document built element by element, rendered as one `<svg>` element (inline in HTML or
/// standalone; no external references). Coordinates are written with one decimal; every text is escaped.
public struct SVGCanvas: Sendable {
    public let width: Double
    public let height: Double
    /// The accessible title (`<title>`), e.g. the chart's title.
    public let title: String
    private var elements: [String] = []

    public init(width: Double, height: Double, title: String) {
        self.width = width
        self.height = height
        self.title = title
    }

    static func n(_ v: Double) -> String { String(format: "%.1f", v) }

    private static func dash(_ pattern: String?) -> String { pattern.map { " stroke-dasharray=\"\($0)\"" } ?? "" }

    public mutating func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, stroke: String, width: Double = 1, dash: String? = nil) {
        elements.append("<line x1=\"\(Self.n(x1))\" y1=\"\(Self.n(y1))\" x2=\"\(Self.n(x2))\" y2=\"\(Self.n(y2))\" stroke=\"\(stroke)\" stroke-width=\"\(width)\"\(Self.dash(dash))/>")
    }

    private static func coordinates(_ points: [(Double, Double)]) -> String {
        points.map { "\(n($0.0)),\(n($0.1))" }.joined(separator: " ")
    }

    /// ` clip-path="url(#clip)"` and ` key="value"` for each attribute (sorted by key, values escaped).
    private static func extras(clip: String?, _ attributes: [String: String]) -> String {
        (clip.map { " clip-path=\"url(#\($0))\"" } ?? "")
            + attributes.keys.sorted().map { " \($0)=\"\(Markup.escape(attributes[$0]!))\"" }.joined()
    }

    /// A polyline through `points` (at least two), clipped to `clip` when given (an id of ``clipRect(id:x:y:width:height:)``),
    /// with extra `attributes` (e.g. `data-…`).
    public mutating func polyline(_ points: [(Double, Double)], stroke: String, width: Double = 1.5, dash: String? = nil, clip: String? = nil,
                                  attributes: [String: String] = [:]) {
        elements.append("<polyline points=\"\(Self.coordinates(points))\" fill=\"none\" stroke=\"\(stroke)\" stroke-width=\"\(width)\" stroke-linejoin=\"round\"\(Self.dash(dash))\(Self.extras(clip: clip, attributes))/>")
    }

    /// A filled polygon through `points` with fill opacity `opacity`, clipped like ``polyline(_:stroke:width:dash:clip:attributes:)``.
    public mutating func polygon(_ points: [(Double, Double)], fill: String, opacity: Double, clip: String? = nil, attributes: [String: String] = [:]) {
        elements.append("<polygon points=\"\(Self.coordinates(points))\" fill=\"\(fill)\" fill-opacity=\"\(opacity)\" stroke=\"none\"\(Self.extras(clip: clip, attributes))/>")
    }

    public mutating func circle(_ cx: Double, _ cy: Double, radius: Double, fill: String, clip: String? = nil) {
        elements.append("<circle cx=\"\(Self.n(cx))\" cy=\"\(Self.n(cy))\" r=\"\(Self.n(radius))\" fill=\"\(fill)\"\(Self.extras(clip: clip, [:]))/>")
    }

    /// A rectangle; `tooltip` becomes a `<title>` child (shown on hover).
    public mutating func rect(_ x: Double, _ y: Double, _ w: Double, _ h: Double, fill: String, stroke: String? = nil, strokeWidth: Double = 1, tooltip: String? = nil) {
        let s = stroke.map { " stroke=\"\($0)\" stroke-width=\"\(strokeWidth)\"" } ?? ""
        let open = "<rect x=\"\(Self.n(x))\" y=\"\(Self.n(y))\" width=\"\(Self.n(w))\" height=\"\(Self.n(h))\" fill=\"\(fill)\"\(s)"
        if let tooltip { elements.append(open + "><title>\(Markup.escape(tooltip))</title></rect>") } else { elements.append(open + "/>") }
    }

    public enum Anchor: String { case start, middle, end }

    /// Text at (x, y) (the baseline), optionally rotated by `rotate` degrees about that point.
    public mutating func text(_ x: Double, _ y: Double, _ string: String, size: Double = 12, anchor: Anchor = .start,
                              fill: String = "#222", bold: Bool = false, rotate: Double? = nil) {
        let r = rotate.map { " transform=\"rotate(\(Self.n($0)) \(Self.n(x)) \(Self.n(y)))\"" } ?? ""
        let w = bold ? " font-weight=\"bold\"" : ""
        elements.append("<text x=\"\(Self.n(x))\" y=\"\(Self.n(y))\" font-size=\"\(Self.n(size))\" text-anchor=\"\(anchor.rawValue)\" fill=\"\(fill)\"\(w)\(r)>\(Markup.escape(string))</text>")
    }

    /// Defines a rectangular clip path with `id` (unique within the page).
    public mutating func clipRect(id: String, x: Double, y: Double, width: Double, height: Double) {
        elements.append("<defs><clipPath id=\"\(Markup.escape(id))\"><rect x=\"\(Self.n(x))\" y=\"\(Self.n(y))\" width=\"\(Self.n(width))\" height=\"\(Self.n(height))\"/></clipPath></defs>")
    }

    /// The `<svg>` element.
    public func render() -> String {
        """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(Self.n(width))" height="\(Self.n(height))" viewBox="0 0 \(Self.n(width)) \(Self.n(height))" \
        role="img" font-family="Helvetica, Arial, sans-serif"><title>\(Markup.escape(title))</title>
        \(elements.joined(separator: "\n"))
        </svg>
        """
    }

    /// An estimate of a text's width in pixels at `size` (Helvetica's average advance ≈ 0.56 em).
    public static func textWidth(_ string: String, size: Double) -> Double { Double(string.count) * size * 0.56 }
}
