import Testing
import Tensor
@testable import Curvature

@Suite("Linear operators")
struct OperatorTests {
    // Oracle: the dense matrix-vector product, one row at a time.
    @Test func blockProductAgreesWithSingleProducts() {
        let (a, _) = TestMatrices.withSpectrum((0..<40).map { Double($0) - 10 }, seed: 1)
        var generator = RandomGenerator(seed: 2)
        let vectors = (0..<7).map { _ in generator.gaussians(40) }
        let dense = DenseOperator(a)
        let looping = ClosureOperator(dimension: 40) { dense.apply($0) }
        let fromDense = rowVectors(of: dense.apply(rowsOf: blockOfRows(vectors, dimension: 40)))
        let fromLoop = looping.apply(each: vectors)
        for (j, v) in vectors.enumerated() {
            let single = dense.apply(v)
            for i in 0..<40 {
                expectClose(fromDense[j][i], single[i], relative: 1e-13, floor: 1, "dgemm block row \(j)")
                #expect(fromLoop[j][i] == single[i], "default block product row \(j) entry \(i)")
            }
        }
        // Applied twice to the same vectors, an operator gives the same result (one fixed matrix).
        #expect(dense.apply(rowsOf: blockOfRows(vectors, dimension: 40)) == dense.apply(rowsOf: blockOfRows(vectors, dimension: 40)))
    }

    // Oracle: the definition of symmetry, on an explicitly asymmetric matrix.
    @Test func denseOperatorDetectsAsymmetry() {
        let symmetric = TestMatrices.withSpectrum([1, 2, 3, 4], seed: 3).matrix
        #expect(DenseOperator(symmetric).isSymmetric)
        var asymmetric = symmetric
        asymmetric.scalars[1] += 1e-3
        #expect(!DenseOperator(asymmetric).isSymmetric)
    }

    // Oracle: Diag(a) v = a ⊙ v, elementwise.
    @Test func diagonalOperator() {
        let op = DiagonalOperator([1, -2, 3])
        #expect(op.apply([1, 1, 2]) == [1, -2, 6])
        #expect(op.apply(rowsOf: Tensor(rows: [[1, 1, 2], [0, 1, 0]])) == Tensor(rows: [[1, -2, 6], [0, -2, 0]]))
    }

    // Oracle: the generalized eigenproblem A x = λ P x, checked by its residual for x = P^{-1/2} u,
    // and the preconditioned block product against P^{-1/2} A P^{-1/2} formed densely.
    @Test func preconditionedOperatorSolvesTheGeneralizedEigenproblem() throws {
        let d = 60
        let (a, _) = TestMatrices.withSpectrum((0..<d).map { Double($0 % 13) - 3 }, seed: 4)
        var generator = RandomGenerator(seed: 5)
        let p = (0..<d).map { _ in generator.uniform(in: 0.2, 5) }
        let op = PreconditionedOperator(DenseOperator(a), preconditioner: p)
        var explicit = a
        for i in 0..<d { for j in 0..<d { explicit.scalars[i * d + j] /= (p[i] * p[j]).squareRoot() } }
        let v = generator.gaussians(d)
        let fromOperator = op.apply(rowsOf: Tensor(shape: [1, d], scalars: v)).scalars
        let fromDense = Tensor.matvec(explicit, Tensor(v)).scalars
        for i in 0..<d { expectClose(fromOperator[i], fromDense[i], relative: 1e-12, floor: 1, "P^{-1/2}AP^{-1/2}v entry \(i)") }

        let top = try lanczosEigenpairs(of: op, count: 3, tolerance: 1e-12, maxIterations: d)
        for (λ, u) in zip(top.eigenvalues, top.eigenvectors) {
            let x = zip(u, p).map { $0 / $1.squareRoot() }
            let ax = Tensor.matvec(a, Tensor(x)).scalars
            let residual = VectorOps.norm(zip(ax, zip(p, x)).map { $0 - λ * $1.0 * $1.1 })
            #expect(residual <= 1e-9 * abs(λ), "A x − λ P x for λ = \(λ): residual \(residual)")
        }
        // S^{1/2} A S^{1/2} with S = P⁻¹ is the same operator.
        let same = PreconditionedOperator(DenseOperator(a), inversePreconditioner: p.map { 1 / $0 })
        let again = same.apply(v)
        for i in 0..<d { expectClose(again[i], fromDense[i], relative: 1e-12, floor: 1, "inverse-preconditioner form entry \(i)") }
    }
}
