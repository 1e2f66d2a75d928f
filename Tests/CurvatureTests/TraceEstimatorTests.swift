import Foundation
import Testing
import Tensor
@testable import Curvature

@Suite("Trace and diagonal estimators")
struct TraceEstimatorTests {
    static let dimension = 120
    static let matrix: Tensor = {
        var generator = RandomGenerator(seed: 21)
        return TestMatrices.withSpectrum((0..<dimension).map { _ in generator.uniform(in: -1, 4) }, seed: 22).matrix
    }()
    static var exactMatrixTrace: Double { TestMatrices.trace(matrix) }
    /// ‖A‖_F² − Σᵢ Aᵢᵢ², the Rademacher variance constant.
    static var offDiagonalSquared: Double {
        TestMatrices.frobeniusSquared(matrix) - TestMatrices.diagonal(matrix).reduce(0) { $0 + $1 * $1 }
    }

    // Oracle: the matrix entries themselves. Block size 64 does not divide d = 150, and the closure
    // operator exercises the default (looping) block product.
    @Test func exactDiagonalAndTrace() {
        let (a, _) = TestMatrices.withSpectrum((0..<150).map { Double($0) / 10 - 3 }, seed: 23)
        let expected = TestMatrices.diagonal(a)
        let dense = DenseOperator(a)
        for op in [dense as any LinearOperator, ClosureOperator(dimension: 150) { dense.apply($0) }] {
            let diagonal = exactDiagonal(of: op, blockSize: 64)
            for i in 0..<150 { expectClose(diagonal[i], expected[i], relative: 1e-10, floor: 1, "A[\(i)][\(i)]") }
            expectClose(exactTrace(of: op), TestMatrices.trace(a), relative: 1e-10, floor: 1, "tr A")
        }
        // tr A = Σ λ = Σ (i/10 − 3) for i < 150.
        expectClose(exactTrace(of: dense), (0..<150).reduce(0) { $0 + Double($1) / 10 - 3 }, relative: 1e-10, "tr A = Σλ")
    }

    // Oracle: the exact trace, with z = 3 standard errors.
    @Test(arguments: ProbeDistribution.allCases)
    func hutchinsonIsWithinThreeStandardErrors(_ distribution: ProbeDistribution) {
        let estimate = hutchinsonTrace(of: DenseOperator(Self.matrix), probeCount: 300, distribution: distribution, seed: 7)
        #expect(estimate.sampleCount == 300 && estimate.seed == 7)
        expectWithinStandardErrors(estimate, Self.exactMatrixTrace, z: 3, "Hutchinson (\(distribution))")
    }

    // Oracle: the closed-form variance, 2(‖A‖_F² − Σ Aᵢᵢ²)/n (Rademacher) and 2‖A‖_F²/n (Gaussian).
    // With n = 400 nearly Gaussian samples the sample standard deviation has relative spread ≈ 1/√(2n)
    // ≈ 3.5 %, so 15 % is a > 4σ allowance.
    @Test(arguments: ProbeDistribution.allCases)
    func hutchinsonStandardErrorMatchesTheClosedForm(_ distribution: ProbeDistribution) {
        let n = 400
        let estimate = hutchinsonTrace(of: DenseOperator(Self.matrix), probeCount: n, distribution: distribution, seed: 8)
        let perProbe = distribution == .rademacher ? 2 * Self.offDiagonalSquared : 2 * TestMatrices.frobeniusSquared(Self.matrix)
        expectClose(estimate.standardError, (perProbe / Double(n)).squareRoot(), relative: 0.15, "SE (\(distribution))")
    }

    // Oracle: enumeration. Over all 2ᵈ sign vectors z the average of zᵢzₖ is δᵢₖ, so the mean of zᵀAz is
    // tr(A) exactly, and the population variance of zᵀAz = tr(A) + 2Σ_{i<k} Aᵢₖzᵢzₖ is
    // 4Σ_{i<k} Aᵢₖ² = 2(‖A‖_F² − Σᵢ Aᵢᵢ²) (the products zᵢzₖ are orthonormal); the sample variance
    // (n − 1 in the denominator) of the N = 2ᵈ values makes SE² = 2(‖A‖_F² − Σᵢ Aᵢᵢ²)/(N − 1).
    // Block size 5 does not divide 64.
    @Test func hutchinsonOnAllSignVectorsIsExact() {
        let d = 6, count = 1 << 6
        let a = TestMatrices.withSpectrum([3, -1, 0.5, 2, 7, -4], seed: 26).matrix
        let signs = (0..<count).flatMap { j in (0..<d).map { i in (j >> i) & 1 == 1 ? 1.0 : -1.0 } }
        let estimate = hutchinsonTrace(of: DenseOperator(a), probes: Tensor(shape: [count, d], scalars: signs), blockSize: 5)
        let offDiagonal = TestMatrices.frobeniusSquared(a) - TestMatrices.diagonal(a).reduce(0) { $0 + $1 * $1 }
        expectClose(estimate.value, TestMatrices.trace(a), relative: 1e-12, floor: 1, "mean over all sign vectors = tr A")
        expectClose(estimate.standardError, (2 * offDiagonal / Double(count - 1)).squareRoot(), relative: 1e-10, "SE")
        #expect(estimate.sampleCount == count && estimate.seed == 0)
    }

    // Oracle: the seeded estimator. Given the probes it draws (its stream, in order, one n × d block),
    // the explicit-probe estimator returns the identical Estimate apart from the seed it records.
    @Test(arguments: ProbeDistribution.allCases)
    func seededHutchinsonIsTheExplicitEstimatorOnItsDraws(_ distribution: ProbeDistribution) {
        let (n, seed): (Int, UInt64) = (70, 11)
        let seeded = hutchinsonTrace(of: DenseOperator(Self.matrix), probeCount: n, distribution: distribution, seed: seed)
        var generator = estimatorGenerator(seed: seed, name: "hutchinson-trace")
        let probes = distribution.drawBlock(count: n, dimension: Self.dimension, using: &generator)
        let explicit = hutchinsonTrace(of: DenseOperator(Self.matrix), probes: probes)
        #expect(seeded.seed == seed)
        #expect(explicit == Estimate(value: seeded.value, standardError: seeded.standardError, sampleCount: n, seed: 0))
    }

    // Oracle: the exact trace of a low-rank-dominated matrix (ten eigenvalues 10…100 over a bulk of
    // 190 at ≤ 0.01). Over ten seeds at a budget of 60 products, Hutch++'s RMS error must be at most a
    // tenth of Hutchinson's (the theory predicts a factor ≈ 10³ here), and each Hutch++ estimate lies
    // within 4 of its standard errors.
    @Test func hutchPlusPlusBeatsHutchinsonOnALowRankDominatedMatrix() {
        var generator = RandomGenerator(seed: 24)
        let spectrum = (1...10).map { 10 * Double($0) } + (0..<190).map { _ in generator.uniform(in: 0, 0.01) }
        let a = DenseOperator(TestMatrices.withSpectrum(spectrum, seed: 25).matrix)
        let exact = spectrum.reduce(0, +)
        var (plusSquared, plainSquared) = (0.0, 0.0)
        for seed in UInt64(0)..<10 {
            let plus = hutchPlusPlusTrace(of: a, budget: 60, seed: seed)
            let plain = hutchinsonTrace(of: a, probeCount: 60, seed: seed)
            #expect(plus.sampleCount <= 60)
            expectWithinStandardErrors(plus, exact, z: 4, "Hutch++ seed \(seed)")
            plusSquared += pow(plus.value - exact, 2)
            plainSquared += pow(plain.value - exact, 2)
        }
        #expect(plusSquared.squareRoot() <= 0.1 * plainSquared.squareRoot(),
                "RMS error: Hutch++ \((plusSquared / 10).squareRoot()), Hutchinson \((plainSquared / 10).squareRoot())")
    }

    // Oracle: the exact diagonal and the closed-form per-entry variances Σ_{k≠i} Aᵢₖ²/n (Rademacher)
    // and (2Aᵢᵢ² + Σ_{k≠i} Aᵢₖ²)/n (Gaussian). The standardized errors (D̂ᵢ − Aᵢᵢ)/SEᵢ over 60
    // entries must have RMS within [0.7, 1.3] (its spread is ≈ 1/√(2·60) ≈ 0.09) and none beyond 4.5;
    // each SE within 15 % of the closed form (relative spread ≈ 1/√(2n) ≈ 1.6 % at n = 2000).
    @Test(arguments: ProbeDistribution.allCases)
    func hutchinsonDiagonalMatchesTheExactDiagonal(_ distribution: ProbeDistribution) {
        let d = 60
        let (a, _) = TestMatrices.withSpectrum((0..<d).map { Double($0 % 7) - 1 }, seed: 26)
        let n = 2000
        let estimate = hutchinsonDiagonal(of: DenseOperator(a), probeCount: n, distribution: distribution, seed: 9)
        let exact = TestMatrices.diagonal(a)
        var sumSquares = 0.0
        for i in 0..<d {
            let z = (estimate.values[i] - exact[i]) / estimate.standardErrors[i]
            #expect(abs(z) <= 4.5, "entry \(i): exact \(exact[i]), estimate \(estimate[i])")
            sumSquares += z * z
            let offDiagonal = (0..<d).reduce(0.0) { $1 == i ? $0 : $0 + pow(a.scalars[i * d + $1], 2) }
            let variance = distribution == .rademacher ? offDiagonal : offDiagonal + 2 * exact[i] * exact[i]
            expectClose(estimate.standardErrors[i], (variance / Double(n)).squareRoot(), relative: 0.15, "SE of entry \(i)")
        }
        let rms = (sumSquares / Double(d)).squareRoot()
        #expect(rms >= 0.7 && rms <= 1.3, "RMS standardized error \(rms)")
    }

    // Oracle: Σ max(Aᵢᵢ, 0)^p written out by hand.
    @Test func diagonalPowerTraceClampsAndCounts() {
        let result = adaptiveSharpness(diagonal: [4, 9, -1, 0, 2.25, -3])
        #expect(result.value == 2 + 3 + 1.5)
        #expect(result.negativeCount == 2 && result.mostNegativeEntry == -3 && result.dimension == 6 && result.power == 0.5)
        let cubed = diagonalPowerTrace(diagonal: [2, -1, 0.5], power: 3)
        expectClose(cubed.value, 8.125, relative: 1e-15, "p = 3")
        // p = 1 on a matrix with a nonnegative diagonal is the trace; via the operator's exact diagonal.
        let (a, _) = TestMatrices.withSpectrum((1...30).map(Double.init), seed: 27)
        let linear = diagonalPowerTrace(of: DenseOperator(a), power: 1)
        expectClose(linear.value, TestMatrices.trace(a), relative: 1e-12, "p = 1")
        #expect(linear.negativeCount == 0)
        let root = diagonalPowerTrace(of: DenseOperator(a), power: 0.5)
        expectClose(root.value, TestMatrices.diagonal(a).reduce(0) { $0 + $1.squareRoot() }, relative: 1e-12, "p = ½")
    }
}
