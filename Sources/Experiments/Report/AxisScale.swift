import Foundation

/// A map from data values to pixel positions along one axis, linear or base-10 logarithmic:
/// ```
/// linear: p(v) = r₀ + (v − d₀)/(d₁ − d₀) · (r₁ − r₀)
/// log:    p(v) = r₀ + (log₁₀ v − log₁₀ d₀)/(log₁₀ d₁ − log₁₀ d₀) · (r₁ − r₀)   (v > 0)
/// ```
/// ``fitting(_:log:pixels:)`` chooses the domain from the data: the outermost nice ticks (``NiceTicks``).
public struct AxisScale: Sendable, Equatable {
    public enum Kind: String, Sendable { case linear, log }
    public let kind: Kind
    /// The data interval [d₀, d₁] (d₀ > 0 for log).
    public let domain: ClosedRange<Double>
    /// Pixel positions of d₀ and d₁ (r₁ < r₀ for a y axis growing upward).
    public let range: (start: Double, end: Double)
    /// Tick values inside the domain.
    public let ticks: [Double]

    public init(kind: Kind, domain: ClosedRange<Double>, range: (start: Double, end: Double), ticks: [Double]) {
        self.kind = kind
        self.domain = domain
        self.range = range
        self.ticks = ticks
    }

    public static func == (a: AxisScale, b: AxisScale) -> Bool {
        a.kind == b.kind && a.domain == b.domain && a.range == b.range && a.ticks == b.ticks
    }

    /// Whether values spanning [lo, hi] call for a log axis: all positive and more than two decades (hi/lo > 100).
    public static func prefersLog(_ values: [Double]) -> Bool {
        let finite = values.filter(\.isFinite)
        guard let lo = finite.min(), let hi = finite.max(), lo > 0 else { return false }
        return hi / lo > 100
    }

    /// A scale whose domain encloses the finite `values` and `strictlyInside` (non-positive ones are
    /// ignored on a log axis), extended to nice ticks, with every value of `strictlyInside` (thresholds)
    /// strictly inside the domain: when one lies on an edge, the data are widened on that side by 5 % of
    /// their span (of their decades on a log axis) before the ticks are chosen again. `log` nil chooses
    /// by ``prefersLog(_:)`` (over both lists).
    public static func fitting(_ values: [Double], strictlyInside: [Double], log: Bool? = nil, pixels range: (start: Double, end: Double),
                               tickCount: Int = 5) -> AxisScale {
        let all = values + strictlyInside
        let useLog = log ?? prefersLog(all)
        let scale = fitting(all, log: useLog, pixels: range, tickCount: tickCount)
        let inner = strictlyInside.filter { $0.isFinite && (!useLog || $0 > 0) }
        guard let lo = inner.min(), let hi = inner.max() else { return scale }
        let d = scale.domain
        let span = useLog ? Foundation.log10(d.upperBound / d.lowerBound) : d.upperBound - d.lowerBound
        let tolerance = 1e-9 * max(span, 1e-300)
        func widened(_ edge: Double, by sign: Double) -> Double {
            useLog ? edge * pow(10, sign * 0.05 * span) : edge + sign * 0.05 * span
        }
        func gap(_ a: Double, _ b: Double) -> Double { useLog ? Foundation.log10(b / a) : b - a }
        var extra: [Double] = []
        if gap(hi, d.upperBound) <= tolerance { extra.append(widened(d.upperBound, by: 1)) }
        if gap(d.lowerBound, lo) <= tolerance { extra.append(widened(d.lowerBound, by: -1)) }
        return extra.isEmpty ? scale : fitting(all + extra, log: useLog, pixels: range, tickCount: tickCount)
    }

    /// A scale whose domain encloses the finite `values` (non-positive ones are ignored on a log axis),
    /// extended to nice ticks; `log` nil chooses by ``prefersLog(_:)``.
    public static func fitting(_ values: [Double], log: Bool? = nil, pixels range: (start: Double, end: Double), tickCount: Int = 5) -> AxisScale {
        let useLog = log ?? prefersLog(values)
        let usable = values.filter { $0.isFinite && (!useLog || $0 > 0) }
        let lo = usable.min() ?? (useLog ? 1 : 0), hi = usable.max() ?? (useLog ? 10 : 1)
        if useLog {
            let ticks = NiceTicks.logarithmic(lo, hi)
            return AxisScale(kind: .log, domain: ticks.first!...ticks.last!, range: range, ticks: ticks)
        }
        let ticks = NiceTicks.linear(lo, hi, count: tickCount)
        return AxisScale(kind: .linear, domain: ticks.first!...ticks.last!, range: range, ticks: ticks)
    }

    /// The pixel position of `value`, or nil when it cannot be drawn (non-finite, or ≤ 0 on a log axis).
    public func position(of value: Double) -> Double? {
        guard value.isFinite else { return nil }
        let t: Double
        switch kind {
        case .linear:
            t = (value - domain.lowerBound) / (domain.upperBound - domain.lowerBound)
        case .log:
            guard value > 0 else { return nil }
            t = (log10(value) - log10(domain.lowerBound)) / (log10(domain.upperBound) - log10(domain.lowerBound))
        }
        return range.start + t * (range.end - range.start)
    }
}
