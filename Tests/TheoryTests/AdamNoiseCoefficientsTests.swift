import Testing
@testable import Theory

// Oracle: digest 000 §4.2 reference table (double precision, 10 significant digits printed). Tolerance 1e-8
// relative: the table is printed to 9–10 significant digits, and the formulas are evaluated in float64
// with a few dozen operations (error ~1e-14), so 1e-8 checks every printed digit but the last one or two.
private let referenceTable: [(b1: Double, b2: Double, c: [Double], sum: Double, fb: Double)] = [
    (0.9, 0.9, [8.027700831, 0, -8.775623269, 0, 0], 8.027700831, 0),
    (0.9, 0.95, [23.16652712, 4.960212202, -18.69462718, -0.004653543674, -0.08161599674], 28.12673932, -10),
    (0.9, 0.98, [68.52400512, 20.0719055, -48.51845046, -0.01441714198, -0.1552027178], 88.59591062, -40),
    (0.9, 0.99, [143.7289416, 45.14729611, -98.40750612, -0.01965404036, -0.1868615295], 188.8762377, -90),
    (0.9, 0.999, [1493.969315, 495.238298, -998.2684128, -0.02557483426, -0.2197302669], 1989.207613, -990),
    (0.95, 0.999, [1488.938222, 490.2263595, -998.2873097, -0.01208928361, -0.2283484998], 1979.164581, -980),
    (0.99, 0.999, [1448.720552, 450.1435886, -998.4145205, -0.001852769769, -0.20287968], 1898.864141, -900),
    (0.999, 0.999, [998.0002503, 0, -998.75025, 0, 0], 998.0002503, 0),
]

@Test func coefficientsMatchDigestTable() throws {
    for row in referenceTable {
        let c = try AdamNoiseCoefficients(beta1: row.b1, beta2: row.b2)
        let observed = [c.c1, c.c2, c.c3, c.c4, c.c5]
        for (index, (o, e)) in zip(observed, row.c).enumerated() {
            // Exact zeros (β₁ = β₂) are checked to 1e-12 absolute: the factor (β₁ − β₂) is exactly 0.
            if e == 0 { #expect(abs(o) < 1e-12, "C\(index + 1)(\(row.b1), \(row.b2)) = \(o)") } else {
                expectClose(o, e, relative: 1e-8, "C\(index + 1)(\(row.b1), \(row.b2))")
            }
        }
        expectClose(c.noiseSlope, row.sum, relative: 1e-8, "C1+C2(\(row.b1), \(row.b2))")
        // FB coefficient: 0.9/0.1 − 0.999/0.001 etc. are exact rationals; 1e-9 absolute covers rounding of
        // β/(1−β) near 1 (condition number ~1/(1−β) = 1e3).
        #expect(abs(c.fullBatch - row.fb) < 1e-9, "FB(\(row.b1), \(row.b2)) = \(c.fullBatch)")
    }
}

// Oracle: digest 000 §4.2 [derived] closed forms at β₁ = β₂, and C₃(β, β) simplified symbolically here.
// The general formulas add terms of size ~1/(1−β)² that cancel to ~1/(1−β), so their rounding error is
// ~ulp/(1−β)²: tolerance 1e-14/(1−β)² relative (1e-8 at β = 0.999, 1e-14 at β = 0).
@Test func diagonalClosedForms() throws {
    for beta in [0.0, 0.1, 0.5, 0.7, 0.9, 0.95, 0.99, 0.999] {
        let c = try AdamNoiseCoefficients(beta1: beta, beta2: beta)
        #expect(c.c2 == 0 && c.c4 == 0 && c.c5 == 0, "C2, C4, C5 vanish at beta = \(beta)")
        #expect(c.fullBatch == 0)
        let tolerance = 1e-14 / ((1 - beta) * (1 - beta))
        expectClose(c.c1, AdamNoiseCoefficients.c1OnDiagonal(beta: beta), relative: tolerance, floor: 1e-12, "C1(\(beta), \(beta))")
        expectClose(c.c3, AdamNoiseCoefficients.c3OnDiagonal(beta: beta), relative: tolerance, floor: 1e-12, "C3(\(beta), \(beta))")
    }
}

// Oracle: digest 000 §4.2 limits (1−β₂)(C₁+C₂) → 2 and (1−β₁)(C₁+C₂) → −2(2β₂−1)/(1+β₂). The remainder is
// O((1−β)/(1−β_other)): ≤ 1e-5 for the gaps used (1e-6 against 1−β₁ ≥ 0.01; 1e-9 against 1−β₂ ≥ 0.001),
// and rounding is ~ulp/(1−β)² · (1−β) ≤ 1e-7; tolerance 1e-4.
@Test func slopeLimitsAtOne() throws {
    for beta1 in [0.5, 0.9, 0.99] {
        let gap = 1e-6
        let c = try AdamNoiseCoefficients(beta1: beta1, beta2: 1 - gap)
        expectClose(gap * c.noiseSlope, 2, relative: 1e-4, "(1-beta2)(C1+C2) at beta1 = \(beta1)")
    }
    for beta2 in [0.9, 0.99, 0.999] {
        let gap = 1e-9
        let c = try AdamNoiseCoefficients(beta1: 1 - gap, beta2: beta2)
        expectClose(gap * c.noiseSlope, -2 * (2 * beta2 - 1) / (1 + beta2), relative: 1e-4, "(1-beta1)(C1+C2) at beta2 = \(beta2)")
    }
}

// Oracle: C₁ at β₁ = 0 is the limit of the paper's printed form (three 1/β₁ terms). Evaluate the printed
// form verbatim at β₁ = 1e-4 and compare; its O(β₁) deviation and 1/β₁ cancellation (~1e-12) fit in 1e-3.
@Test func c1IsRegularAtBetaOneZero() throws {
    func printed(_ x: Double, _ y: Double) -> Double {
        (1 - x * x) / (x * (1 - x * y)) + (1 - x) * (1 - x) / (x * (1 - x * y) * (1 - x * y))
            + 3 * (1 + x) / (2 * (1 - x) * (1 + y)) - 2 / (x * (1 - x)) + 3 / (2 - 2 * y) + 3 / ((1 + y) * (1 + y)) - 2
    }
    for y in [0.5, 0.9, 0.999] {
        expectClose(AdamNoiseCoefficients.c1(beta1: 0.0, beta2: y), printed(1e-4, y), relative: 1e-3, "C1(0, \(y))")
        expectClose(AdamNoiseCoefficients.c1(beta1: 0.3, beta2: y), printed(0.3, y), relative: 1e-13, "C1(0.3, \(y))")
    }
}

@Test func coefficientsRejectBetasOutsideUnitInterval() {
    #expect(throws: TheoryInputError(name: "beta2", value: 1, expected: "in [0, 1)")) {
        try AdamNoiseCoefficients(beta1: 0.9, beta2: 1)
    }
    #expect(throws: TheoryInputError.self) { try AdamNoiseCoefficients(beta1: -0.1, beta2: 0.9) }
}

// Oracle: C_total definition, Eq. (7): C_total(0.9, 0.999, λ) = −990 + 1989.207613λ (table row above).
@Test func totalCoefficient() throws {
    let c = try AdamNoiseCoefficients(beta1: 0.9, beta2: 0.999)
    expectClose(c.total(noiseRatio: 0), -990, relative: 1e-12)
    expectClose(c.total(noiseRatio: 1), -990 + 1989.207613, relative: 1e-8)
    expectClose(AdamNoiseCoefficients.total(beta1: 0.9, beta2: 0.999, noiseRatio: 0.5), c.total(noiseRatio: 0.5), relative: 1e-14)
}

// Oracle: forward-mode duals against a central difference of the same formula (error O(h²) ≈ 1e-10 at
// h = 1e-5 for derivatives of size ~1e3; tolerance 1e-6 relative).
@Test func dualDerivativeMatchesCentralDifference() {
    let (x, y, h) = (0.9, 0.95, 1e-5)
    let exact = AdamNoiseCoefficients.c1(beta1: Dual(x), beta2: Dual.variable(y)).derivative
    let numeric = (AdamNoiseCoefficients.c1(beta1: x, beta2: y + h) - AdamNoiseCoefficients.c1(beta1: x, beta2: y - h)) / (2 * h)
    expectClose(exact, numeric, relative: 1e-6)
}
