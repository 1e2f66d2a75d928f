import Foundation

/// One self-contained HTML page: inline CSS, inline SVG charts, no scripts, fonts or other external
/// resources. The markup is well-formed XML (XHTML syntax: every element closed, every text escaped),
/// so it can be checked with an XML parser.
public struct HTMLPage: Sendable {
    public var title: String
    private var body: [String] = []

    public init(title: String) { self.title = title }

    public mutating func heading(_ text: String, level: Int = 2) {
        let l = min(max(level, 1), 4)
        body.append("<h\(l)>\(Markup.escape(text))</h\(l)>")
    }

    public mutating func paragraph(_ text: String, muted: Bool = false) {
        body.append(muted ? "<p class=\"muted\">\(Markup.escape(text))</p>" : "<p>\(Markup.escape(text))</p>")
    }

    /// A figure: an SVG element from ``LineChart`` or ``Heatmap``, with an optional caption.
    public mutating func figure(_ svg: String, caption: String? = nil) {
        let c = caption.map { "<figcaption>\(Markup.escape($0))</figcaption>" } ?? ""
        body.append("<figure>\(svg)\(c)</figure>")
    }

    /// Figures side by side (wrapping on narrow windows).
    public mutating func row(_ svgs: [String]) {
        body.append("<div class=\"row\">" + svgs.map { "<figure>\($0)</figure>" }.joined() + "</div>")
    }

    /// A table; numeric-looking cells are right-aligned.
    public mutating func table(header: [String], rows: [[String]]) {
        func cell(_ tag: String, _ text: String) -> String {
            let numeric = Double(text) != nil || text == "-"
            return "<\(tag)\(numeric && tag == "td" ? " class=\"num\"" : "")>\(Markup.escape(text))</\(tag)>"
        }
        var html = "<table><thead><tr>" + header.map { cell("th", $0) }.joined() + "</tr></thead><tbody>"
        for row in rows { html += "<tr>" + row.map { cell("td", $0) }.joined() + "</tr>" }
        body.append(html + "</tbody></table>")
    }

    /// Preformatted text (a config).
    public mutating func code(_ text: String) {
        body.append("<pre>\(Markup.escape(text))</pre>")
    }

    static let style = """
        body { font-family: Helvetica, Arial, sans-serif; margin: 24px 32px; color: #222; max-width: 1400px; }
        h1 { font-size: 24px; margin-bottom: 4px; }
        h2 { font-size: 19px; margin-top: 32px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
        h3 { font-size: 16px; margin-top: 22px; }
        p.muted, figcaption { color: #666; font-size: 13px; }
        figure { margin: 8px 8px 8px 0; display: inline-block; vertical-align: top; }
        .row { display: flex; flex-wrap: wrap; }
        table { border-collapse: collapse; font-size: 13px; margin: 8px 0; }
        th, td { border: 1px solid #ddd; padding: 4px 8px; text-align: left; }
        th { background: #f4f4f4; }
        td.num { text-align: right; font-variant-numeric: tabular-nums; }
        pre { background: #f7f7f7; padding: 8px; font-size: 12px; overflow-x: auto; }
        """

    public func render() -> String {
        """
        <!DOCTYPE html>
        <html xmlns="http://www.w3.org/1999/xhtml" lang="en">
        <head>
        <meta charset="utf-8"/>
        <title>\(Markup.escape(title))</title>
        <style>
        \(Self.style)
        </style>
        </head>
        <body>
        <h1>\(Markup.escape(title))</h1>
        \(body.joined(separator: "\n"))
        </body>
        </html>

        """
    }
}
