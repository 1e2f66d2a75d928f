import Testing
import Tensor
@testable import Curvature

@Suite("Eigensolvers")
struct EigensolverTests {
    /// A 200 × 200 matrix with five top outliers, three bottom outliers and a bulk in [−2, 5].
    static let spectrum: [Double] = {
        var generator = RandomGenerator(seed: 11)
        return [50, 40, 30, 20, 10, -8, -6, -5] + (0..<192).map { _ in generator.uniform(in: -2, 5) }
    }()
    static let test = TestMatrices.withSpectrum(spectrum, seed: 12)

    // Oracle: the prescribed spectrum of A = Q diag(λ) Qᵀ.
    @Test func lanczosFindsTheTopEigenvaluesInDescendingOrder() throws {
        let result = try lanczosEigenpairs(of: DenseOperator(Self.test.matrix), count: 5, seed: 1)
        #expect(result.allConverged)
        #expect(result.end == .largest)
        for (observed, expected) in zip(result.eigenvalues, [50.0, 40, 30, 20, 10]) {
            expectClose(observed, expected, relative: 1e-8, "λ")
        }
        checkRitzPairs(result, matrix: Self.test.matrix)
    }

    // Oracle: the prescribed spectrum (bottom end, ascending).
    @Test func lanczosFindsTheSmallestEigenvaluesInAscendingOrder() throws {
        let result = try lanczosEigenpairs(of: DenseOperator(Self.test.matrix), count: 3, end: .smallest, seed: 2)
        #expect(result.allConverged)
        for (observed, expected) in zip(result.eigenvalues, [-8.0, -6, -5]) {
            expectClose(observed, expected, relative: 1e-8, "λ")
        }
        checkRitzPairs(result, matrix: Self.test.matrix)
    }

    // Oracle: the prescribed spectrum; k = d exhausts the space (every Ritz value is exact).
    @Test func lanczosWithTheWholeSpace() throws {
        let spectrum = [3.0, -1, 2, 7, 0.5, 4]
        let (a, _) = TestMatrices.withSpectrum(spectrum, seed: 13)
        let result = try lanczosEigenpairs(of: DenseOperator(a), count: 6, seed: 3)
        #expect(result.iterations == 6 && result.allConverged)
        for (observed, expected) in zip(result.eigenvalues, spectrum.sorted(by: >)) {
            expectClose(observed, expected, relative: 1e-12, floor: 1, "λ")
        }
    }

    // Oracle: the prescribed spectrum. Starting inside the invariant subspace span(q₁, q₂) makes the
    // Krylov space break down after two steps; the restart must still find λ₃.
    @Test func lanczosRestartsAfterAnInvariantSubspace() throws {
        let spectrum = (0..<30).map { Double(30 - $0) }
        let (a, q) = TestMatrices.withSpectrum(spectrum, seed: 14)
        let start = zip(TestMatrices.column(q, 0), TestMatrices.column(q, 1)).map { $0 + $1 }
        let result = try lanczosEigenpairs(of: DenseOperator(a), count: 3, initialVector: start, seed: 4)
        #expect(result.allConverged)
        for (observed, expected) in zip(result.eigenvalues, [30.0, 29, 28]) {
            expectClose(observed, expected, relative: 1e-8, "λ")
        }
    }

    // Oracle: the prescribed λ₁ = 50, and ‖Av − λv‖ recomputed densely.
    @Test func powerIterationWithTheResidualRule() {
        let a = Self.test.matrix
        let result = powerIteration(of: DenseOperator(a), tolerance: 1e-10, maxIterations: 2000,
                                    stoppingRule: .residual, seed: 5)
        #expect(result.converged)
        expectClose(result.eigenvalue, 50, relative: 1e-8, "λ₁")
        let av = Tensor.matvec(a, Tensor(result.eigenvector)).scalars
        let residual = VectorOps.norm(zip(av, result.eigenvector).map { $0 - result.eigenvalue * $1 })
        expectClose(result.residualNorm, residual, relative: 1e-6, floor: 1e-12, "reported residual")
        #expect(result.residualNorm <= 1e-10 * 50)
    }

    // Oracle: a warm start at the exact eigenvector q₁ converges at once (PyHessian's rule needs two
    // Rayleigh quotients to compare).
    @Test func powerIterationWarmStart() {
        let q1 = TestMatrices.column(Self.test.eigenvectors, 0)
        let result = powerIteration(of: DenseOperator(Self.test.matrix), initialVector: q1)
        #expect(result.converged && result.iterations == 2)
        expectClose(result.eigenvalue, 50, relative: 1e-12, "λ₁")
    }

    // Oracle: the prescribed spectrum, whose dominant eigenvalue is negative; and a budget too small
    // to converge is reported as such.
    @Test func powerIterationReturnsTheLargestMagnitude() {
        let (a, _) = TestMatrices.withSpectrum([-60, 50, 10, 1, 0, -2], seed: 15)
        let result = powerIteration(of: DenseOperator(a), tolerance: 1e-12, maxIterations: 5000, stoppingRule: .residual)
        expectClose(result.eigenvalue, -60, relative: 1e-10, "dominant λ")
        let short = powerIteration(of: DenseOperator(a), tolerance: 1e-12, maxIterations: 3, stoppingRule: .residual)
        #expect(!short.converged && short.iterations == 3)
    }

    /// Every Ritz pair: unit, mutually orthogonal, and its reported residual matches ‖Ay − θy‖.
    private func checkRitzPairs(_ result: LanczosResult, matrix: Tensor) {
        for (i, y) in result.eigenvectors.enumerated() {
            expectClose(VectorOps.norm(y), 1, relative: 1e-12, "‖y\(i)‖")
            for z in result.eigenvectors[(i + 1)...] {
                #expect(abs(VectorOps.dot(y, z)) <= 1e-10, "Ritz vectors \(i) not orthogonal")
            }
            let ay = Tensor.matvec(matrix, Tensor(y)).scalars
            let residual = VectorOps.norm(zip(ay, y).map { $0 - result.eigenvalues[i] * $1 })
            #expect(abs(residual - result.residualNorms[i]) <= 1e-9 * 50,
                    "pair \(i): reported residual \(result.residualNorms[i]), recomputed \(residual)")
        }
    }
}
