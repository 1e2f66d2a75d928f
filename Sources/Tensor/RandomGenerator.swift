import Foundation

/// BiasLab's seeded generator: PCG64 (O'Neill 2014, "PCG: A Family of Simple Fast Space-Efficient
/// Statistically Good Algorithms for Random Number Generation", the XSL-RR 128/64 member — the bit
/// generator NumPy calls PCG64).
///
/// ```
/// state ← state · 0x2360ED051FC65DA44385DF649FCCF645 + increment   (mod 2¹²⁸, increment odd)
/// output ← rotr64(high64(state) ⊕ low64(state), high64(state) >> 58)
/// ```
///
/// Seeding is BiasLab's own (not NumPy's SeedSequence): `(seed, stream)` is hashed with FNV-1a and
/// expanded with SplitMix64 into the 128-bit state and the odd increment, so the same seed and stream
/// name give bit-identical numbers on every run and machine. Independent components (init, data,
/// sampler, label noise, probes) each take their own stream by name (``stream(_:)``), so adding a
/// consumer never shifts another's numbers.
///
/// The transforms are written here, not taken from the standard library, so they are part of our
/// contract: uniform = (x >> 11)·2⁻⁵³ ∈ [0, 1); Gaussian by the Box–Muller transform (pairs, the second
/// cached); Rademacher from one bit; bounded integers by Lemire's multiply-and-reject; permutations by
/// Fisher–Yates; categorical by inverse CDF.
public struct RandomGenerator: RandomNumberGenerator, Codable, Sendable, Equatable {
    private var stateHigh: UInt64
    private var stateLow: UInt64
    private var incrementHigh: UInt64
    private var incrementLow: UInt64
    private var cachedGaussian: Double?
    /// The seed this generator was derived from.
    public let seed: UInt64
    /// The stream name path ("" for the root; "init", "data/sampler", …).
    public let streamName: String

    /// A generator for `seed` on the stream `stream` ("" is the root stream).
    public init(seed: UInt64, stream: String = "") {
        self.seed = seed
        self.streamName = stream
        var sm = SplitMix64(state: seed ^ RandomGenerator.fnv1a(stream))
        stateHigh = sm.next(); stateLow = sm.next()
        incrementHigh = sm.next(); incrementLow = sm.next() | 1
        cachedGaussian = nil
        _ = next()
    }

    /// An independent generator for the named component, derived from (seed, this stream, name) only —
    /// not from how many numbers this generator has drawn.
    public func stream(_ name: String) -> RandomGenerator {
        RandomGenerator(seed: seed, stream: streamName.isEmpty ? name : streamName + "/" + name)
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        // state · multiplier (mod 2¹²⁸)
        let mulHigh: UInt64 = 0x2360_ED05_1FC6_5DA4, mulLow: UInt64 = 0x4385_DF64_9FCC_F645
        let (carry, low) = stateLow.multipliedFullWidth(by: mulLow)
        var high = carry &+ stateHigh &* mulLow &+ stateLow &* mulHigh
        // + increment
        let (newLow, overflow) = low.addingReportingOverflow(incrementLow)
        high = high &+ incrementHigh &+ (overflow ? 1 : 0)
        stateHigh = high; stateLow = newLow
        let xored = high ^ newLow
        let rotation = high >> 58
        return (xored >> rotation) | (xored << ((64 &- rotation) & 63))
    }

    /// Uniform on [0, 1) with 53 random bits.
    public mutating func uniform() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// Uniform on [low, high).
    public mutating func uniform(in low: Double, _ high: Double) -> Double { low + (high - low) * uniform() }

    /// Standard normal N(0, 1) by Box–Muller.
    public mutating func gaussian() -> Double {
        if let g = cachedGaussian { cachedGaussian = nil; return g }
        var u1 = uniform()
        while u1 == 0 { u1 = uniform() }
        let u2 = uniform()
        let r = (-2 * log(u1)).squareRoot(), angle = 2 * Double.pi * u2
        cachedGaussian = r * sin(angle)
        return r * cos(angle)
    }

    /// ±1 with probability ½ each.
    public mutating func rademacher() -> Double { (next() >> 63) == 0 ? -1 : 1 }

    /// Uniform integer in 0..<bound (Lemire's nearly divisionless method; unbiased).
    public mutating func integer(below bound: Int) -> Int {
        precondition(bound > 0, "integer(below:): bound must be positive, got \(bound)")
        let b = UInt64(bound)
        var (high, low) = next().multipliedFullWidth(by: b)
        if low < b {
            let threshold = (0 &- b) % b
            while low < threshold { (high, low) = next().multipliedFullWidth(by: b) }
        }
        return Int(high)
    }

    /// A uniformly random permutation of 0..<n (Fisher–Yates).
    public mutating func permutation(_ n: Int) -> [Int] {
        var p = Array(0..<n)
        if n < 2 { return p }
        for i in stride(from: n - 1, to: 0, by: -1) { p.swapAt(i, integer(below: i + 1)) }
        return p
    }

    /// An index drawn with probability proportional to `weights` (non-negative, positive sum).
    public mutating func categorical(_ weights: [Double]) -> Int {
        let total = weights.reduce(0, +)
        precondition(total > 0 && weights.allSatisfy { $0 >= 0 }, "categorical: weights must be non-negative with a positive sum")
        let u = uniform() * total
        var acc = 0.0
        for (i, w) in weights.enumerated() {
            acc += w
            if u < acc { return i }
        }
        return weights.lastIndex { $0 > 0 }!
    }

    /// `count` standard normals.
    public mutating func gaussians(_ count: Int) -> [Double] { (0..<count).map { _ in gaussian() } }
    /// `count` Rademacher signs.
    public mutating func rademachers(_ count: Int) -> [Double] { (0..<count).map { _ in rademacher() } }
    /// `count` uniforms on [low, high).
    public mutating func uniforms(_ count: Int, in low: Double = 0, _ high: Double = 1) -> [Double] {
        (0..<count).map { _ in uniform(in: low, high) }
    }

    /// 64-bit FNV-1a of a string's UTF-8 bytes.
    static func fnv1a(_ s: String) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in s.utf8 { h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return h
    }
}

/// SplitMix64 (Steele, Lea, Flood 2014), used only to expand seeds into PCG64 state.
struct SplitMix64 {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
