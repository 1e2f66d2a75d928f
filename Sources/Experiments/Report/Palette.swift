import Foundation

/// Colours of the charts: a categorical palette for series (Okabe & Ito 2008, distinguishable with
/// the common colour-vision deficiencies) and the sequential viridis map for heatmaps (van der Walt &
/// Smith, matplotlib), linearly interpolated between nine of its stops.
public enum Palette {
    /// Series colours, cycled.
    public static let categorical = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"]

    public static func series(_ index: Int) -> String { categorical[index % categorical.count] }

    static let viridisStops: [(Double, Double, Double)] = [
        (68, 1, 84), (71, 44, 122), (59, 81, 139), (44, 113, 142), (33, 144, 141),
        (39, 173, 129), (92, 200, 99), (170, 220, 50), (253, 231, 37),
    ]

    /// viridis(t) for t ∈ [0, 1] (clamped) as `#rrggbb`: dark purple at 0, yellow at 1.
    public static func viridis(_ t: Double) -> String {
        let x = min(max(t.isFinite ? t : 0, 0), 1) * Double(viridisStops.count - 1)
        let i = min(Int(x), viridisStops.count - 2), f = x - Double(i)
        let a = viridisStops[i], b = viridisStops[i + 1]
        func mix(_ p: Double, _ q: Double) -> Int { Int((p + (q - p) * f).rounded()) }
        return String(format: "#%02x%02x%02x", mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
    }

    /// Black or white, whichever reads better on viridis(t).
    public static func textColor(onViridis t: Double) -> String { t > 0.55 ? "#000000" : "#ffffff" }
}
