import Foundation

/// Axis tick values and their labels.
///
/// Linear axes use Heckbert's "nice numbers" (Graphics Gems, 1990): the step is 1, 2 or 5 × 10ᵏ,
/// chosen as the nice number nearest to range/(count − 1) after rounding the range itself up to a
/// nice number; ticks are the multiples of the step from ⌊lo/step⌋·step to ⌈hi/step⌉·step, so they
/// enclose [lo, hi]. Log axes use the powers of ten covering [lo, hi], with 2 and 5 × 10ᵏ added when
/// the axis spans fewer than three decades.
public enum NiceTicks {
    /// The nice number near `x` > 0: rounded to 1, 2, 5 or 10 × 10ᵏ when `round`, else the smallest
    /// of them ≥ x.
    public static func niceNumber(_ x: Double, round: Bool) -> Double {
        let exponent = floor(log10(x))
        let fraction = x / pow(10, exponent)
        let nice: Double
        if round {
            nice = fraction < 1.5 ? 1 : fraction < 3 ? 2 : fraction < 7 ? 5 : 10
        } else {
            nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10
        }
        return nice * pow(10, exponent)
    }

    /// About `count` nice ticks enclosing [lo, hi] (a degenerate range is widened to ±1 or ±10 %).
    public static func linear(_ lo: Double, _ hi: Double, count: Int = 5) -> [Double] {
        var (lo, hi) = (min(lo, hi), max(lo, hi))
        if hi - lo <= abs(hi) * 1e-12 {
            let pad = hi == 0 ? 1 : abs(hi) * 0.1
            (lo, hi) = (lo - pad, hi + pad)
        }
        let range = niceNumber(hi - lo, round: false)
        let step = niceNumber(range / Double(max(count - 1, 1)), round: true)
        let first = floor(lo / step + 1e-9), last = ceil(hi / step - 1e-9)
        // Multiply rather than accumulate, so 0.1 × 3 prints as 0.3 after rounding in `label`.
        return stride(from: first, through: last, by: 1).map { $0 * step }
    }

    /// Powers of ten enclosing [lo, hi] (both > 0), with 2·10ᵏ and 5·10ᵏ inside when fewer than three decades.
    public static func logarithmic(_ lo: Double, _ hi: Double) -> [Double] {
        let a = floor(log10(min(lo, hi))), b = max(ceil(log10(max(lo, hi))), a + 1)
        var ticks: [Double] = []
        for k in stride(from: a, through: b, by: 1) {
            ticks.append(pow(10, k))
            if b - a < 3, k < b { ticks += [2 * pow(10, k), 5 * pow(10, k)] }
        }
        return ticks
    }

    /// A short label: up to 4 significant digits, exponent notation outside [10⁻³, 10⁵), no trailing zeros.
    public static func label(_ value: Double) -> String {
        if value == 0 { return "0" }
        let magnitude = abs(value)
        if magnitude >= 1e5 || magnitude < 1e-3 {
            let exponent = Int(floor(log10(magnitude)))
            let mantissa = value / pow(10, Double(exponent))
            let m = trimmed(String(format: "%.3f", mantissa))
            return m == "1" ? "1e\(exponent)" : m == "-1" ? "-1e\(exponent)" : "\(m)e\(exponent)"
        }
        return trimmed(String(format: "%.4g", value))
    }

    private static func trimmed(_ text: String) -> String {
        guard text.contains("."), !text.contains("e") else { return text }
        var t = text
        while t.hasSuffix("0") { t.removeLast() }
        if t.hasSuffix(".") { t.removeLast() }
        return t == "-0" ? "0" : t
    }
}
