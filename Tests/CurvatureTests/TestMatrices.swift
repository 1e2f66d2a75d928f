import Testing
import Tensor
@testable import Curvature

/// Dense oracles shared by the Curvature tests: matrices with a prescribed spectrum, and direct
/// (O(d³)) formulas that the estimators are compared against.
enum TestMatrices {
    /// A random d × d orthogonal matrix: the eigenvectors of a seeded symmetric Gaussian matrix.
    static func randomOrthogonal(_ d: Int, seed: UInt64) -> Tensor {
        var generator = RandomGenerator(seed: seed, stream: "test/orthogonal")
        let m = Tensor(shape: [d, d], scalars: generator.gaussians(d * d))
        let symmetric = symmetrized(m)
        return try! symmetric.symmetricEigen().eigenvectors
    }

    /// A = Q diag(λ) Qᵀ for a random orthogonal Q, symmetrized to remove rounding asymmetry. Returns A
    /// and Q (eigenvector of `spectrum[j]` is column j of Q).
    static func withSpectrum(_ spectrum: [Double], seed: UInt64) -> (matrix: Tensor, eigenvectors: Tensor) {
        let d = spectrum.count
        let q = randomOrthogonal(d, seed: seed)
        var scaled = q
        for i in 0..<d { for j in 0..<d { scaled.scalars[i * d + j] *= spectrum[j] } }
        return (symmetrized(Tensor.matmul(scaled, q, transposeB: true)), q)
    }

    /// (M + Mᵀ)/2.
    static func symmetrized(_ m: Tensor) -> Tensor {
        let d = m.shape[0]
        var s = m
        for i in 0..<d { for j in 0..<d { s.scalars[i * d + j] = 0.5 * (m.scalars[i * d + j] + m.scalars[j * d + i]) } }
        return s
    }

    /// Column j of a square matrix.
    static func column(_ m: Tensor, _ j: Int) -> [Double] {
        let d = m.shape[0]
        return (0..<d).map { m.scalars[$0 * d + j] }
    }

    static func trace(_ m: Tensor) -> Double { (0..<m.shape[0]).reduce(0) { $0 + m.scalars[$1 * m.shape[0] + $1] } }
    static func diagonal(_ m: Tensor) -> [Double] { (0..<m.shape[0]).map { m.scalars[$0 * m.shape[0] + $0] } }
    static func frobeniusSquared(_ m: Tensor) -> Double { m.scalars.reduce(0) { $0 + $1 * $1 } }

    /// A random N × d matrix of "per-sample gradients": a shared mean direction plus noise, so that
    /// ‖g‖² and tr Σ are both of order 1.
    static func perSampleGradients(count n: Int, dimension d: Int, seed: UInt64) -> Tensor {
        var generator = RandomGenerator(seed: seed, stream: "test/gradients")
        let mean = generator.gaussians(d)
        var scalars = [Double]()
        for _ in 0..<n { scalars += zip(mean, generator.gaussians(d)).map { $0 + 1.5 * $1 } }
        return Tensor(shape: [n, d], scalars: scalars)
    }
}

/// Expects |observed − expected| ≤ tolerance · max(|expected|, floor) and prints expected, observed
/// and the error on failure.
func expectClose(_ observed: Double, _ expected: Double, relative tolerance: Double, floor: Double = 0,
                 _ what: String = "", sourceLocation: SourceLocation = #_sourceLocation) {
    let error = abs(observed - expected)
    let bound = tolerance * max(abs(expected), floor)
    #expect(error <= bound,
            "\(what): expected \(expected), observed \(observed), error \(error) > \(bound)",
            sourceLocation: sourceLocation)
}

/// Expects |estimate − exact| ≤ z · SE (Monte-Carlo check with a stated z).
func expectWithinStandardErrors(_ estimate: Estimate, _ exact: Double, z: Double, _ what: String = "",
                                sourceLocation: SourceLocation = #_sourceLocation) {
    let error = abs(estimate.value - exact)
    #expect(estimate.standardError > 0 && error <= z * estimate.standardError,
            "\(what): exact \(exact), estimate \(estimate), error \(error) = \(error / estimate.standardError) SE > \(z) SE",
            sourceLocation: sourceLocation)
}
