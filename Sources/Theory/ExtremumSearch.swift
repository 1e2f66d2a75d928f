import Foundation

/// Extrema of a smooth function on [a, 1): a grid in log(1 − β), then bisection on the derivative.
///
/// The betas of the papers live on [a, 1) with the interesting behaviour crowding near 1, so the grid is
/// β_i = 1 − (1 − a)·10^(−decades·i/(n−1)). An interior extremum is refined by bisecting the sign change of
/// f′ (exact, from `Dual`), i.e. by root finding on f′ = 0; an extremum at the top of the grid is reported as
/// the limit β → 1, whose value the caller supplies in closed form. The supremum (infimum) is the larger
/// (smaller) of the refined grid extremum and that limit, so a function still rising at the top of the grid
/// reports its limit, not a point spoiled by rounding near β = 1.
struct ExtremumSearch {
    struct Extremum: Equatable {
        var value: Double
        var location: Double
    }

    /// f(β) with its derivative at β.
    let function: (Dual<Double>) -> Dual<Double>
    let lowerBound: Double
    /// lim_{β→1} f(β), reported when the extremum sits at the top of the grid.
    let limitAtOne: Double
    var gridCount = 4001
    var decades = 5.0

    func maximum() -> Extremum { search(sign: 1) }
    func minimum() -> Extremum { search(sign: -1) }

    private func location(_ index: Int) -> Double {
        1 - (1 - lowerBound) * pow10(-decades * Double(index) / Double(gridCount - 1))
    }

    private func pow10(_ exponent: Double) -> Double { Foundation.pow(10, exponent) }

    private func search(sign: Double) -> Extremum {
        let interior = gridExtremum(sign: sign)
        return sign * limitAtOne >= sign * interior.value ? Extremum(value: limitAtOne, location: 1) : interior
    }

    private func gridExtremum(sign: Double) -> Extremum {
        var best = 0
        var bestValue = -Double.infinity
        for index in 0..<gridCount {
            let value = sign * function(Dual(location(index))).value
            if value > bestValue { (best, bestValue) = (index, value) }
        }
        if best == gridCount - 1 { return Extremum(value: limitAtOne, location: 1) }
        if best == 0 {
            // Boundary maximum when the function moves away from it; otherwise refine to the right.
            let slope = sign * function(Dual.variable(lowerBound)).derivative
            if slope <= 0 { return Extremum(value: function(Dual(lowerBound)).value, location: lowerBound) }
        }
        var low = location(max(best - 1, 0))
        var high = location(best + 1)
        // sign·f′ > 0 at `low` and < 0 at `high` bracket the maximum of sign·f.
        for _ in 0..<200 {
            let middle = 0.5 * (low + high)
            if middle <= low || middle >= high { break }
            if sign * function(Dual.variable(middle)).derivative > 0 { low = middle } else { high = middle }
        }
        let root = 0.5 * (low + high)
        return Extremum(value: function(Dual(root)).value, location: root)
    }
}
