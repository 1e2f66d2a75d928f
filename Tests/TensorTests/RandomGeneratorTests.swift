import Foundation
import Tensor
import Testing

/// The seeded generator: reproducibility, stream independence, and the distributions' moments (each
/// against its exact value with a tolerance of 5 standard errors of the sample mean).
struct RandomGeneratorTests {
    /// Same seed and stream → bit-identical numbers; another seed or stream → different numbers.
    @Test func sameSeedGivesBitIdenticalNumbers() {
        var a = RandomGenerator(seed: 42, stream: "data"), b = RandomGenerator(seed: 42, stream: "data")
        let x = (0..<1000).map { _ in a.next() }, y = (0..<1000).map { _ in b.next() }
        #expect(x == y)
        var c = RandomGenerator(seed: 43, stream: "data"), d = RandomGenerator(seed: 42, stream: "init")
        #expect((0..<1000).map { _ in c.next() } != x)
        #expect((0..<1000).map { _ in d.next() } != x)
    }

    /// A derived stream depends only on (seed, path, name), not on how much the parent has drawn.
    @Test func streamsDoNotShareState() {
        let root = RandomGenerator(seed: 7)
        var used = root
        for _ in 0..<100 { _ = used.next() }
        var s1 = root.stream("sampler"), s2 = used.stream("sampler")
        #expect((0..<10).map { _ in s1.next() } == (0..<10).map { _ in s2.next() })
        #expect(root.stream("a").stream("b").streamName == "a/b")
    }

    /// The state survives a JSON round trip: the restored generator continues the same sequence.
    @Test func stateRoundTripsThroughJSON() throws {
        var g = RandomGenerator(seed: 3, stream: "probe")
        _ = g.gaussian()  // leaves a cached Box–Muller value
        let data = try JSONEncoder().encode(g)
        var restored = try JSONDecoder().decode(RandomGenerator.self, from: data)
        #expect((0..<20).map { _ in g.gaussian() } == (0..<20).map { _ in restored.gaussian() })
    }

    /// Oracle: U[0,1) has mean ½ and variance 1/12; N(0,1) has mean 0, variance 1 and E[x⁴] = 3;
    /// Rademacher has mean 0 and x² = 1 exactly.
    @Test func distributionMomentsMatchTheirExactValues() {
        var g = RandomGenerator(seed: 11)
        let n = 200_000
        let u = g.uniforms(n)
        #expect(u.allSatisfy { $0 >= 0 && $0 < 1 })
        let uMean = u.reduce(0, +) / Double(n)
        #expect(abs(uMean - 0.5) <= 5 * (1.0 / 12).squareRoot() / Double(n).squareRoot())
        let z = g.gaussians(n)
        let zMean = z.reduce(0, +) / Double(n)
        let zVar = z.reduce(0) { $0 + $1 * $1 } / Double(n)
        let z4 = z.reduce(0) { $0 + $1 * $1 * $1 * $1 } / Double(n)
        #expect(abs(zMean) <= 5 / Double(n).squareRoot())
        #expect(abs(zVar - 1) <= 5 * 2.0.squareRoot() / Double(n).squareRoot())
        #expect(abs(z4 - 3) <= 5 * 96.0.squareRoot() / Double(n).squareRoot())
        let r = g.rademachers(n)
        #expect(r.allSatisfy { $0 == 1 || $0 == -1 })
        #expect(abs(r.reduce(0, +) / Double(n)) <= 5 / Double(n).squareRoot())
    }

    /// Bounded integers are uniform (χ² over 7 bins below its 99.9 % quantile, 24.32 for 6 degrees of
    /// freedom) and permutations contain every index exactly once.
    @Test func integersAndPermutations() {
        var g = RandomGenerator(seed: 5)
        var counts = [Int](repeating: 0, count: 7)
        let n = 70_000
        for _ in 0..<n { counts[g.integer(below: 7)] += 1 }
        let expected = Double(n) / 7
        let chi2 = counts.reduce(0.0) { $0 + pow(Double($1) - expected, 2) / expected }
        #expect(chi2 < 24.32)
        let p = g.permutation(1000)
        #expect(p.sorted() == Array(0..<1000))
        #expect(p != Array(0..<1000))
    }

    /// Categorical sampling follows its weights (each frequency within 5 binomial standard errors),
    /// and a zero weight is never drawn.
    @Test func categoricalFollowsWeights() {
        var g = RandomGenerator(seed: 9)
        let weights = [0.5, 0, 1.5, 2.0]
        var counts = [Int](repeating: 0, count: 4)
        let n = 40_000
        for _ in 0..<n { counts[g.categorical(weights)] += 1 }
        #expect(counts[1] == 0)
        for (w, c) in zip(weights, counts) {
            let p = w / 4
            #expect(abs(Double(c) / Double(n) - p) <= 5 * (p * (1 - p) / Double(n)).squareRoot())
        }
    }
}
