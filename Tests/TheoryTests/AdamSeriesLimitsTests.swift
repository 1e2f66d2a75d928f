import Testing
@testable import Theory

// Oracle: digest 000 §4.6 (Prop. A.6 series limits (a)–(f), Eq. (11) MP/R³ coefficients with β = β₁,
// ρ = β₂) and §4.2 (C_k = [L/R coefficient] − [MP/R³ coefficient]).

private struct Limits {
    let a, b, c, d, e, f: Double
    init(_ x: Double, _ y: Double) {
        let big = x * y * y - x * y + x + y * y - 2 * y
        a = x / (1 - x)
        b = x * big / ((1 - x) * (1 + y) * (1 - x * y))
        c = x * (y - x) / ((1 + x) * (1 - x * y))
        d = x * y * (y - x) * (1 - y) / ((1 + y) * (1 - x * y) * (1 - x * y))
        e = x * y * (1 - x) * (1 - y) / ((1 - x * y) * (1 - x * y))
        f = 2 * x * (1 - 2 * y) / ((1 - x) * (1 + y))
    }
}

/// The finite-n sums of Prop. A.6, each O(n²) by factoring the inner sums over k and p.
private func finiteSums(_ beta1: Double, _ beta2: Double, n: Int) -> [Double] {
    let mu = (0...n).map { AdamMemoryWeights.weights(step: $0, beta: beta1) }
    let nu = (0...n).map { AdamMemoryWeights.weights(step: $0, beta: beta2) }
    var a = 0.0, e = 0.0, nuPart = 0.0
    for k in 0...n {
        a += mu[n][k] * Double(n - k)
        e += nu[n][k] * mu[n][k] * Double(n - k)
        nuPart += 3 * nu[n][k] * nu[n][k] - nu[n][k]
    }
    var b = 0.0, c = 0.0, d = 0.0, prefixMu = 0.0
    for l in 0..<n {
        prefixMu += mu[n][l]  // Σ_{k≤l} μ_{n,k}
        var bInner = 0.0, dInner = 0.0
        for p in 0...l {
            bInner += (3 * nu[l][p] * nu[l][p] - nu[l][p] - 2 * mu[l][p] * nu[l][p]) / 2
            dInner += nu[n][p] * (mu[l][p] - nu[l][p])
            c += mu[n][p] * (mu[l][p] - nu[l][p])
        }
        b += prefixMu * bInner
        d += prefixMu * dInner
    }
    return [a, b, c, d, e, nuPart * a]
}

// Convergence is geometric (≈ n·max(β)^n ≤ 1e-19 at n = 1000 for these pairs); the sums accumulate ~1e6
// terms, so the tolerance is 1e-10 relative to max(|limit|, 1).
@Test(arguments: [(0.9, 0.95), (0.7, 0.5), (0.95, 0.9), (0.3, 0.8)])
func propA6SeriesConvergeToClosedForms(pair: (Double, Double)) {
    let limits = Limits(pair.0, pair.1)
    let expected = [limits.a, limits.b, limits.c, limits.d, limits.e, limits.f]
    let observed = finiteSums(pair.0, pair.1, n: 1000)
    for (index, (o, e)) in zip(observed, expected).enumerated() {
        expectClose(o, e, relative: 1e-10, floor: 1, "sum (\(["a", "b", "c", "d", "e", "f"][index])) at \(pair)")
    }
}

// Oracle: §4.2 identities C₁ = ½(f) − m_d², C₂ = (b) − m₂, C₃ = −(e) − m₃, C₄ = (c) − m₄, C₅ = −(d) − m₅.
// Both sides are float64 rational functions of size ≤ 30 here; 1e-11 relative with floor 1.
@Test(arguments: [(0.9, 0.95), (0.7, 0.5), (0.95, 0.9), (0.3, 0.8), (0.9, 0.999)])
func coefficientsAreLOverRMinusMPOverR3(pair: (Double, Double)) throws {
    let (x, y) = pair
    let l = Limits(x, y)
    let denominator3 = (1 - y) * (1 + y) * (1 + y) * (1 - x * y) * (1 - x * y)
    let x2 = x * x
    let y2 = y * y, y3 = y2 * y, y4 = y3 * y, y5 = y4 * y
    let mSquared: Double = -(4 * x2 * y5 + 2 * x * y5 + 3 * x2 * y4 - 6 * x * y4 - 3 * y4 - 5 * x2 * y3 - 10 * x * y3
        + 3 * y3 + 3 * x2 * y2 + 6 * x * y2 + 9 * y2 + x2 * y - 4 * x * y - 3 * y) / denominator3
    let m2 = y * (x * y2 - x * y + x + y2 - 2 * y) / ((1 + y) * (1 - y) * (1 - x * y))
    let m3Numerator: Double = 3 * x2 * y5 - x2 * y4 + 3 * x2 * y3 - x2 * y + x * y5 - 8 * x * y4 - 2 * x * y2 + x * y
        + 4 * y3 - y2 + y
    let m3 = m3Numerator / denominator3
    let m4 = y * (y - x) / ((1 + y) * (1 - x * y))
    let m5 = y * (y - x) * (x2 * (y2 - 3 * y - 1) + x * (3 * y2 - y + 2) + 1 - 2 * y)
        / ((1 + x) * (1 + y) * (1 + y) * (1 - x * y) * (1 - x * y))
    let c = try AdamNoiseCoefficients(beta1: x, beta2: y)
    let scale = max(1, abs(c.c1))
    expectClose(l.f / 2 - mSquared, c.c1, relative: 1e-11, floor: scale, "C1 \(pair)")
    expectClose(l.b - m2, c.c2, relative: 1e-11, floor: scale, "C2 \(pair)")
    expectClose(-l.e - m3, c.c3, relative: 1e-11, floor: scale, "C3 \(pair)")
    expectClose(l.c - m4, c.c4, relative: 1e-11, floor: 1, "C4 \(pair)")
    expectClose(-l.d - m5, c.c5, relative: 1e-11, floor: 1, "C5 \(pair)")
}

// Oracle: digest 000 §10 test oracle 1: Σ_k μ_{t,k} = Σ_k ν_{t,k} = 1 (to rounding, 1e-13).
@Test func memoryWeightsSumToOne() {
    for t in [0, 1, 5, 100] {
        for beta in [0.5, 0.9, 0.999] {
            expectClose(AdamMemoryWeights.weights(step: t, beta: beta).reduce(0, +), 1, relative: 1e-13)
        }
    }
}
