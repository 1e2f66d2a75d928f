/// Rows of text cells aligned in columns for terminal output.
///
/// Each column is as wide as its widest cell (counted in Characters, so `λ` is one column) and
/// columns are separated by `gap` spaces, so cells never run together whatever their length. The last
/// column is not padded (no trailing spaces).
public enum TextTable {
    /// The rows (a header first, if any) as aligned lines. Rows shorter than the widest get empty cells.
    public static func lines(_ rows: [[String]], gap: Int = 2) -> [String] {
        let columns = rows.map(\.count).max() ?? 0
        let widths = (0..<columns).map { c in rows.map { c < $0.count ? $0[c].count : 0 }.max() ?? 0 }
        let separator = String(repeating: " ", count: gap)
        return rows.map { row in
            (0..<columns).map { c -> String in
                let text = c < row.count ? row[c] : ""
                return c == columns - 1 ? text : text + String(repeating: " ", count: widths[c] - text.count)
            }.joined(separator: separator).trimmingTrailingSpaces()
        }
    }
}

extension String {
    fileprivate func trimmingTrailingSpaces() -> String {
        var s = Substring(self)
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}
