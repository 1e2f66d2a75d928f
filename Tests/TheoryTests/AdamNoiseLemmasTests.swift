import Testing
@testable import Theory

// Oracles: the paper's rounded Lemma constants; digest 000 §4.5 recomputed thresholds; and, for the two
// interior infima, a 40-digit mpmath computation (findroot on r′ = 0 of the same formulas), because the
// digest's interior values are slightly off (0.49453938 at 0.94988 and 0.49945581 at 0.99499, a coarse
// grid's reading): the exact infima are 0.4945366333 at β₂ = 0.9506620267 and 0.4994556174 at
// β₂ = 0.9950554417. The extrema are found by bisection on the exact (dual-number) derivative, so values
// agree to rounding; tolerance 1e-9 relative for values and 1e-8 for locations (r is flat at its minimum,
// so its location is conditioned ~√ulp-worse than its value). Digest values are checked to 1e-5.

@Test func lemma34Thresholds() throws {
    let t = try AdamNoiseLemmas.beta2Sweep(beta1: 0.9)
    expectClose(t.upper, 0.5081870045195229, relative: 1e-9, "Lemma 3.4 sup")
    #expect(t.upperLocation == 0.9)
    expectClose(t.lower, 0.4945366332527292, relative: 1e-9, "Lemma 3.4 inf")
    expectClose(t.lowerLocation, 0.9506620267029613, relative: 1e-8, "Lemma 3.4 argmin")
    expectClose(t.lower, 0.49453938, relative: 1e-5, "Lemma 3.4 inf, digest value")
    #expect(t.upper < 0.5082 && t.lower > 0.494, "paper's rounded constants bracket the exact ones")
}

@Test func lemma35Thresholds() throws {
    let t = try AdamNoiseLemmas.beta2Sweep(beta1: 0.99)
    expectClose(t.upper, 2.684160322580267, relative: 1e-9, "Lemma 3.5 sup")
    #expect(t.upperLocation == 0.9)
    expectClose(t.lower, 0.4994556174383295, relative: 1e-9, "Lemma 3.5 inf")
    expectClose(t.lowerLocation, 0.9950554416864593, relative: 1e-8, "Lemma 3.5 argmin")
    expectClose(t.lower, 0.49945581, relative: 1e-5, "Lemma 3.5 inf, digest value")
    #expect(t.upper < 2.685 && t.lower > 0.499)
}

@Test func lemma36Thresholds() throws {
    let t = try AdamNoiseLemmas.beta1Sweep(beta2: 0.999)
    expectClose(t.upper, 1999.0 / 1996.0, relative: 1e-12, "Lemma 3.6 sup (limit beta1 -> 1)")
    #expect(t.upperLocation == 1)
    expectClose(t.lower, 0.99564874, relative: 1e-7, "Lemma 3.6 inf (digest, 8 digits)")
    #expect(t.lowerLocation == 0.9)
    #expect(t.upper < 1.002 && t.lower > 0.995)
    // The ratio approaches its limit from below: at 1 − β₁ = 1e-6 it is within O(1e-6) of 1999/1996.
    expectClose(AdamNoiseLemmas.beta1CriticalNoiseRatio(beta1: 1 - 1e-6, beta2: 0.999), 1999.0 / 1996.0, relative: 1e-5)
}

// Oracle: the thresholds' meaning. Just above sup r, C_total(0.9, ·, λ) increases on a fine grid of [0.9, 1);
// just below inf r it decreases (Lemma 3.4); between, it is neither.
@Test func lemma34MonotonicityOnGrid() throws {
    let t = try AdamNoiseLemmas.beta2Sweep(beta1: 0.9)
    func isMonotone(_ lambda: Double, increasing: Bool) -> Bool {
        let grid = (0..<2000).map { 0.9 + 0.0999 * Double($0) / 1999 }
        let values = grid.map { AdamNoiseCoefficients.total(beta1: 0.9, beta2: $0, noiseRatio: lambda) }
        return zip(values, values.dropFirst()).allSatisfy { increasing ? $1 > $0 : $1 < $0 }
    }
    #expect(isMonotone(t.upper * 1.001, increasing: true))
    #expect(isMonotone(t.lower * 0.999, increasing: false))
    #expect(!isMonotone(0.5, increasing: true) && !isMonotone(0.5, increasing: false))
}

// Oracle: Lemma 3.7, C_total(β, β, λ) = λC₁(β, β) strictly increasing on [0.5, 1) (derivative > 0 on a grid).
@Test func lemma37DiagonalIncreasing() {
    for index in 0..<1000 {
        let beta = 0.5 + 0.4999 * Double(index) / 999
        let slope = AdamNoiseCoefficients.c1(beta1: Dual.variable(beta), beta2: Dual.variable(beta)).derivative
        #expect(slope > 0, "d/dbeta C1(beta, beta) at \(beta) = \(slope)")
    }
}

// Oracle: Lemma A.1 bounds (paper) and digest 000 §4.5 bracketed sups (3 significant digits: 1% tolerance).
@Test func lemmaA1Ratios() throws {
    let cases: [(AdamNoiseCoefficient, AdamNoiseCoefficient, AdamNoiseLemmas.SweptBeta, Double, Double, Double)] = [
        (.c4, .c1, .beta2, 0.9, 3e-4, 2.39e-4),
        (.c5, .c1, .beta2, 0.9, 4e-3, 3.53e-3),
        (.c4, .c2, .beta2, 0.99, 1e-3, 5.08e-4),
        (.c5, .c2, .beta2, 0.99, 6e-3, 5.80e-3),
        (.c4, .c2, .beta1, 0.999, 6e-5, 5.16e-5),
        (.c5, .c2, .beta1, 0.999, 5e-4, 4.70e-4),
    ]
    for (numerator, denominator, sweep, fixed, bound, digest) in cases {
        let sup = try AdamNoiseLemmas.coefficientRatioSupremum(numerator, over: denominator, sweeping: sweep, fixed: fixed)
        #expect(sup.value < bound, "\(numerator)/\(denominator) sweeping \(sweep) at \(fixed): \(sup.value)")
        expectClose(sup.value, digest, relative: 1e-2, "\(numerator)/\(denominator) sweeping \(sweep) at \(fixed)")
    }
}
