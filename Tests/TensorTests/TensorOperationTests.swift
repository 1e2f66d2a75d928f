import Foundation
import Tensor
import Testing

/// Tensor kernels against values computed by hand or by plain loops.
struct TensorOperationTests {
    static func naiveMatmul(_ a: Tensor, _ b: Tensor) -> Tensor {
        let (m, k, n) = (a.shape[0], a.shape[1], b.shape[1])
        var c = Tensor.zeros([m, n])
        for i in 0..<m { for j in 0..<n { for p in 0..<k { c.scalars[i * n + j] += a.scalars[i * k + p] * b.scalars[p * n + j] } } }
        return c
    }

    /// dgemm with every transpose combination equals a triple loop on explicitly transposed inputs.
    @Test func matmulMatchesTripleLoopForEveryTranspose() {
        var g = RandomGenerator(seed: 1)
        let a = Tensor(shape: [4, 3], scalars: g.gaussians(12)), b = Tensor(shape: [3, 5], scalars: g.gaussians(15))
        let reference = Self.naiveMatmul(a, b)
        func close(_ x: Tensor) -> Bool { zip(x.scalars, reference.scalars).allSatisfy { abs($0 - $1) <= 1e-14 } && x.shape == reference.shape }
        #expect(close(Tensor.matmul(a, b)))
        #expect(close(Tensor.matmul(a.transposed(), b, transposeA: true)))
        #expect(close(Tensor.matmul(a, b.transposed(), transposeB: true)))
        #expect(close(Tensor.matmul(a.transposed(), b.transposed(), transposeA: true, transposeB: true)))
        let x = Tensor(g.gaussians(3))
        let y = Tensor.matvec(a, x)
        for i in 0..<4 { #expect(abs(y.scalars[i] - (0..<3).reduce(0) { $0 + a[i, $1] * x.scalars[$1] }) <= 1e-14) }
    }

    /// affine = triple-loop product plus the bias added to every row (oracle: loops); repeatedAsRows
    /// copies a vector into each row; without a bias affine is the plain product.
    @Test func affineAddsTheBiasToEveryRow() {
        var g = RandomGenerator(seed: 2)
        let x = Tensor(shape: [4, 3], scalars: g.gaussians(12)), w = Tensor(shape: [5, 3], scalars: g.gaussians(15))
        let b = Tensor(g.gaussians(5))
        let product = Self.naiveMatmul(x, w.transposed())
        let rows = b.repeatedAsRows(4)
        #expect(rows.shape == [4, 5])
        for i in 0..<4 { for j in 0..<5 { #expect(rows[i, j] == b.scalars[j]) } }
        let z = Tensor.affine(x, w, bias: b, transposeB: true)
        #expect(z.shape == [4, 5])
        for i in 0..<4 { for j in 0..<5 { #expect(abs(z[i, j] - (product[i, j] + b.scalars[j])) <= 1e-14) } }
        let unbiased = Tensor.affine(x, w, bias: nil, transposeB: true)
        #expect(zip(unbiased.scalars, product.scalars).allSatisfy { abs($0 - $1) <= 1e-14 })
    }

    /// The fused four-input map equals its element-wise definition.
    @Test func fourInputZipMap() {
        let a = Tensor([1, 2, 3]), b = Tensor([4, 5, 6]), c = Tensor([-1, 0.5, 2]), d = Tensor([0.25, -3, 7])
        let fused = Tensor.zipMap(a, b, c, d) { p, q, r, s in p * q + r * s }
        let expected: [Double] = [4 - 0.25, 10 - 1.5, 18 + 14]
        #expect(fused.scalars == expected)
    }

    /// Streaming stores write exactly s·source (bit-identical to a plain multiply) at every alignment
    /// and length, including the odd head and tail elements, and nothing outside the range.
    @Test func streamingStoresWriteTheScaledSource() {
        let source = (0..<9).map { 0.37 * Double($0) - 1.1 }
        for offset in 0..<3 {
            for count in 0...9 {
                var destination = [Double](repeating: -7, count: 14)
                destination.withUnsafeMutableBufferPointer { dst in
                    source.withUnsafeBufferPointer { src in
                        StreamingStores.writeScaled(dst.baseAddress! + offset, src.baseAddress!, scale: -2.5, count: count)
                    }
                }
                StreamingStores.fence()
                let expected = [Double](repeating: -7, count: offset) + source.prefix(count).map { -2.5 * $0 }
                    + [Double](repeating: -7, count: 14 - offset - count)
                #expect(destination == expected, "offset \(offset), count \(count)")
            }
        }
    }

    /// Oracle: the sum of zero-padded parts, written by hand. Tiling parts in any order are placed; with a
    /// gap, an overlap or a nil part the rest is zero and overlaps add. `rows` gathers rows in order.
    @Test func assemblingPlacesPartsAndRowsGathers() {
        let tiled = Tensor.assembling([Tensor([4, 5]), Tensor([1, 2, 3])], at: [3..<5, 0..<3], length: 5)
        #expect(tiled.scalars == [1, 2, 3, 4, 5])
        let sparse = Tensor.assembling([Tensor([1, 2]), nil, Tensor([10, 20])], at: [1..<3, 0..<1, 2..<4], length: 6)
        #expect(sparse.scalars == [0, 1, 12, 20, 0, 0])
        let m = Tensor(shape: [3, 2], scalars: [1, 2, 3, 4, 5, 6])
        #expect(m.rows([2, 0, 2]).scalars == [5, 6, 1, 2, 5, 6])
        #expect(m.rows([2, 0, 2]).shape == [3, 2])
    }

    /// Oracle: w − Σⱼ (qⱼ·w) qⱼ by loops, for orthonormal rows qⱼ (long enough, d = 70 000, that the
    /// coordinates are cut over the cores); the returned norm is that of the result; with no rows w stays.
    @Test func subtractProjectionRemovesTheRowComponents() {
        let d = 70_000
        var rng = RandomGenerator(seed: 3)
        let e1 = [Double](repeating: 1 / Double(d).squareRoot(), count: d)
        var e2 = (0..<d).map { Double($0 % 2 == 0 ? 1 : -1) }
        e2 = e2.map { $0 / Double(d).squareRoot() }
        let rows = Tensor(shape: [2, d], scalars: e1 + e2)
        let w0 = rng.gaussians(d)
        let c1 = zip(e1, w0).reduce(0) { $0 + $1.0 * $1.1 }, c2 = zip(e2, w0).reduce(0) { $0 + $1.0 * $1.1 }
        let expected = (0..<d).map { w0[$0] - c1 * e1[$0] - c2 * e2[$0] }
        var w = w0
        let norm = Tensor.subtractProjection(ontoRowsOf: rows, from: &w)
        #expect(zip(w, expected).map { abs($0 - $1) }.max()! < 1e-12)
        #expect(abs(norm - VectorOps.norm(expected)) < 1e-10)
        var unchanged = w0
        #expect(abs(Tensor.subtractProjection(ontoRowsOf: Tensor(shape: [0, d], scalars: []), from: &unchanged) - VectorOps.norm(w0)) < 1e-10)
        #expect(unchanged == w0)
    }

    /// Shape mismatches are reported with both shapes.
    @Test func shapeErrorsNameBothShapes() throws {
        #expect(throws: ShapeError("matmul: shapes [2, 3] and [4, 5] do not match (inner dimensions 3 and 4)")) {
            try Tensor.matmulShape([2, 3], [4, 5])
        }
        #expect(throws: ShapeError("add: shapes [2, 3] and [4] do not broadcast (axis 1: 3 vs 4)")) {
            try Tensor.broadcastShape([2, 3], [4], operation: "add")
        }
        #expect(try Tensor.broadcastShape([2, 1, 3], [4, 1]) == [2, 4, 3])
    }

    /// Broadcasting follows NumPy: [2, 3] + [3] adds the row to each row; [2, 1] * [1, 3] is an outer product.
    @Test func broadcastingFollowsNumPy() {
        let a = Tensor(rows: [[1, 2, 3], [4, 5, 6]])
        #expect((a + Tensor([10, 20, 30])).scalars == [11, 22, 33, 14, 25, 36])
        let col = Tensor(shape: [2, 1], scalars: [1, 2]), row = Tensor(shape: [1, 3], scalars: [1, 10, 100])
        #expect((col * row).scalars == [1, 10, 100, 2, 20, 200])
        #expect((a - Tensor(1.0)).scalars == [0, 1, 2, 3, 4, 5])
        #expect(Tensor([1, 2, 3]).broadcast(to: [2, 3]).scalars == [1, 2, 3, 1, 2, 3])
        #expect(a.sum(toShape: [3]).scalars == [5, 7, 9])
        #expect(a.sum(toShape: [2, 1]).scalars == [6, 15])
    }

    /// Reductions and the softmax family, against direct formulas; log-sum-exp does not overflow.
    @Test func reductionsAndSoftmax() {
        let a = Tensor(rows: [[1, 2, 3], [4, 5, 6]])
        #expect(a.sum() == 21 && a.mean() == 3.5)
        #expect(a.sum(axis: 0).scalars == [5, 7, 9] && a.sum(axis: 1).scalars == [6, 15])
        let lse = a.logSumExpLastAxis().scalars
        #expect(abs(lse[0] - log(exp(1) + exp(2) + exp(3))) <= 1e-15)
        let big = Tensor(rows: [[1000, 1000]])
        #expect(abs(big.logSumExpLastAxis().scalars[0] - (1000 + log(2))) <= 1e-12)
        let sm = a.softmaxLastAxis()
        #expect(abs(sm.sum(axis: 1).scalars[0] - 1) <= 1e-15)
        #expect(a.argmaxLastAxis() == [2, 2])
    }

    /// LAPACK: the eigenpairs of a symmetric matrix satisfy A v = λ v and are ascending; the
    /// tridiagonal solver agrees with the dense one on the same tridiagonal matrix.
    @Test func symmetricEigendecomposition() throws {
        var g = RandomGenerator(seed: 2)
        let n = 6
        let b = Tensor(shape: [n, n], scalars: g.gaussians(n * n))
        let a = (b + b.transposed()) * 0.5
        let eig = try a.symmetricEigen()
        #expect(eig.eigenvalues == eig.eigenvalues.sorted())
        for j in 0..<n {
            let v = eig.eigenvector(j)
            let av = Tensor.matvec(a, Tensor(v)).scalars
            #expect(zip(av, v).allSatisfy { abs($0 - eig.eigenvalues[j] * $1) <= 1e-12 })
        }
        let alpha = [2.0, 3, 1, 4], beta = [0.5, -1, 0.25]
        var t = Tensor.zeros([4, 4])
        for i in 0..<4 { t[i, i] = alpha[i] }
        for i in 0..<3 { t[i, i + 1] = beta[i]; t[i + 1, i] = beta[i] }
        let dense = try t.symmetricEigen(computeVectors: false).eigenvalues
        let tri = try Tensor.tridiagonalEigen(diagonal: alpha, offDiagonal: beta).eigenvalues
        #expect(zip(dense, tri).allSatisfy { abs($0 - $1) <= 1e-13 })
    }

    /// Level-1 vector kernels against their definitions.
    @Test func vectorOps() {
        let x = [1.0, -2, 3], y = [4.0, 5, -6]
        #expect(VectorOps.dot(x, y) == -24)
        #expect(abs(VectorOps.norm(x) - 14.0.squareRoot()) <= 1e-15)
        var z = y
        VectorOps.axpy(2, x, &z)
        #expect(z == [6, 1, 0])
        #expect(VectorOps.add(x, y) == [5, 3, -3] && VectorOps.subtract(x, y) == [-3, -7, 9])
        #expect(VectorOps.scaled(x, by: -1) == [-1, 2, -3])
    }

    /// Row gathering, reshaping and transposition move the right elements.
    @Test func movement() {
        let a = Tensor(rows: [[1, 2], [3, 4], [5, 6]])
        #expect(a.rows([2, 0]).scalars == [5, 6, 1, 2])
        #expect(a.transposed().scalars == [1, 3, 5, 2, 4, 6])
        #expect(a.reshaped([2, 3]).shape == [2, 3])
        #expect(a.row(1).scalars == [3, 4])
        #expect(Tensor.identity(2).scalars == [1, 0, 0, 1])
    }
}
