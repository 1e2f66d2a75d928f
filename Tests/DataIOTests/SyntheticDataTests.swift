import Foundation
import Testing
import Tensor
@testable import DataIO

/// Oracles: exact identities of each generator's definition (y = ⟨w*, x⟩, one-hot of argmax, T_k(x) =
/// cos(k arccos x)), a hand-written forward pass, the digest constant m = 19 716 (digest 003 §8), and
/// moments checked against |estimate − truth| ≤ z·SE with z = 5 and the standard error in each comment.
@Suite struct SyntheticDataTests {
    static let z = 5.0

    /// Checks a sample mean and variance of `values` against a distribution with the given mean and
    /// variance; `fourthCentralMoment` μ₄ sets the SE of the variance, √((μ₄ − σ⁴)/n) (μ₄ = 3σ⁴ for a
    /// Gaussian: SE = σ²√(2/n)). Without μ₄ only the mean is checked.
    func expectMoments(_ values: [Double], mean: Double, variance: Double, fourthCentralMoment: Double? = nil,
                       sourceLocation: SourceLocation = #_sourceLocation) {
        let n = Double(values.count)
        let sampleMean = values.reduce(0, +) / n
        let sampleVariance = values.reduce(0) { $0 + ($1 - sampleMean) * ($1 - sampleMean) } / (n - 1)
        let meanSE = (variance / n).squareRoot()
        #expect(abs(sampleMean - mean) <= Self.z * meanSE,
                "mean \(sampleMean), expected \(mean) ± \(Self.z)·\(meanSE)", sourceLocation: sourceLocation)
        guard let fourthCentralMoment else { return }
        let varianceSE = ((fourthCentralMoment - variance * variance) / n).squareRoot()
        #expect(abs(sampleVariance - variance) <= Self.z * varianceSE,
                "variance \(sampleVariance), expected \(variance) ± \(Self.z)·\(varianceSE)", sourceLocation: sourceLocation)
    }

    @Test("sparse regression, Rademacher: x ∈ {±1}, w* is κ-sparse with ones, y = ⟨w*, x⟩ exactly (oracle: a loop)")
    func sparseRademacher() throws {
        let generator = try SparseRegression(samples: 200, dimension: 100, sparsity: 5, seed: 7)
        let data = generator.generate()
        let w = generator.groundTruth()
        #expect(data.x.shape == [200, 100] && data.y.shape == [200, 1] && data.labels == nil)
        #expect(data.x.scalars.allSatisfy { $0 == 1 || $0 == -1 })
        #expect(w.scalars.filter { $0 != 0 } == [1, 1, 1, 1, 1])
        #expect(generator.support() == w.scalars.indices.filter { w.scalars[$0] != 0 })
        for i in 0..<200 {
            let dot = (0..<100).reduce(0.0) { $0 + data.x[i, $1] * w.scalars[$1] }
            #expect(data.y[i, 0] == dot)
        }
        // Rademacher: mean 0 with SE 1/√(nd) (its variance is exactly 1, since x² = 1).
        expectMoments(data.x.scalars, mean: 0, variance: 1)
    }

    @Test("sparse regression, Gaussian features and noise: moments within 5 SE (oracle: N(0,1) and N(0,σ²))")
    func sparseGaussian() throws {
        let sigma = 0.3
        let generator = try SparseRegression(samples: 2000, dimension: 20, sparsity: 3, features: .gaussian,
                                             supportValues: .gaussian, noise: .gaussian(sigma), seed: 1)
        let data = generator.generate()
        expectMoments(data.x.scalars, mean: 0, variance: 1, fourthCentralMoment: 3)
        let residual = (data.y.reshaped([2000]) - Tensor.matvec(data.x, generator.groundTruth())).scalars
        expectMoments(residual, mean: 0, variance: sigma * sigma, fourthCentralMoment: 3 * pow(sigma, 4))
        #expect(generator.groundTruth().scalars.filter { $0 != 0 }.count == 3)
    }

    @Test("sparse regression: label noise ±δ is exactly ±δ; the seed fixes w* and earlier rows as n grows")
    func sparseNoiseAndStreams() throws {
        let small = try SparseRegression(samples: 50, dimension: 30, sparsity: 4, noise: .rademacher(0.5), seed: 3)
        let large = try SparseRegression(samples: 80, dimension: 30, sparsity: 4, noise: .rademacher(0.5), seed: 3)
        let data = small.generate()
        let residual = (data.y.reshaped([50]) - Tensor.matvec(data.x, small.groundTruth())).scalars
        #expect(residual.allSatisfy { $0 == 0.5 || $0 == -0.5 })
        #expect(small.groundTruth() == large.groundTruth())
        #expect(large.generate().subset(Array(0..<50)) == data)
        #expect(try SparseRegression(samples: 50, dimension: 30, sparsity: 4, seed: 4).support() != small.support())
        #expect(throws: DataError.self) { try SparseRegression(samples: 5, dimension: 3, sparsity: 4) }
    }

    @Test("teacher forward equals a hand-written loop, tanh on hidden layers only (oracle: scalar loop)")
    func teacherForward() throws {
        var generator = RandomGenerator(seed: 5, stream: "test")
        let teacher = TanhMLP(widths: [3, 4, 2], generator: &generator)
        let x = Tensor(shape: [5, 3], scalars: generator.gaussians(15))
        let out = teacher(x)
        let (w1, b1, w2, b2) = (teacher.weights[0], teacher.biases[0], teacher.weights[1], teacher.biases[1])
        for i in 0..<5 {
            let h = (0..<4).map { j in tanh(b1[j] + (0..<3).reduce(0.0) { $0 + w1[j, $1] * x[i, $1] }) }
            for k in 0..<2 {
                let expected = b2[k] + (0..<4).reduce(0.0) { $0 + w2[k, $1] * h[$1] }
                #expect(abs(out[i, k] - expected) <= 1e-14, "row \(i) output \(k): \(out[i, k]) vs \(expected)")
            }
        }
        #expect(teacher.flatParameters == w1.scalars + b1.scalars + w2.scalars + b2.scalars)
    }

    @Test("teacher–student defaults: 20→128→128→4 has m = 19 716 parameters (digest 003 §8); one-hot argmax targets")
    func teacherStudentDefaults() throws {
        let generator = try TeacherStudent(seed: 2)
        let teacher = generator.teacher()
        #expect(teacher.widths == [20, 128, 128, 4])
        #expect(teacher.flatParameters.count == 19_716)
        let data = generator.generate()
        #expect(data.x.shape == [512, 20] && data.y.shape == [512, 4])
        #expect(data.labels == teacher(data.x).argmaxLastAxis())   // σ = 0: labels are the teacher's argmax
        #expect(data.y == Dataset.oneHot(data.labels!, classes: 4))
        expectMoments(data.x.scalars, mean: 0, variance: 1, fourthCentralMoment: 3)
        // PyTorch init U(−a, a), a = 1/√128 on the 128×128 layer: E w² = a²/3, Var w² = 4a⁴/45.
        let a = 1 / 128.0.squareRoot()
        let w = teacher.weights[1].scalars
        #expect(w.allSatisfy { abs($0) <= a })
        expectMoments(w, mean: 0, variance: a * a / 3, fourthCentralMoment: pow(a, 4) / 5)
    }

    @Test("teacher–student regression targets: y − teacher(x) has variance σ² (oracle: N(0, σ²), 5 SE)")
    func teacherStudentRegression() throws {
        let generator = try TeacherStudent(samples: 1000, inputDimension: 5, hidden: [8], outputs: 3,
                                           targets: .regression, noise: 0.2, seed: 9)
        let data = generator.generate()
        #expect(data.labels == nil && data.y.shape == [1000, 3])
        let residual = (data.y - generator.teacher()(data.x)).scalars
        expectMoments(residual, mean: 0, variance: 0.04, fourthCentralMoment: 3 * 0.04 * 0.04)
    }

    @Test("Gaussian mixture: balanced classes; x − μ_label ~ N(0, σ²I); ‖μ_c‖² ≈ r² (oracle: the definition, 5 SE)")
    func gaussianMixture() throws {
        let sigma = 0.7, r = 3.0, d = 200, k = 3
        let generator = try GaussianMixture(samples: 1000, dimension: d, classes: k, sigma: sigma, separation: r, seed: 11)
        let data = generator.generate()
        #expect(data.labelCounts == [0: 334, 1: 333, 2: 333])
        #expect(data.y == Dataset.oneHot(data.labels!, classes: k))
        let means = generator.means()
        var residual: [Double] = []
        for i in 0..<1000 {
            for j in 0..<d { residual.append(data.x[i, j] - means[data.labels![i], j]) }
        }
        expectMoments(residual, mean: 0, variance: sigma * sigma, fourthCentralMoment: 3 * pow(sigma, 4))
        // μ_c = r g/√d: the d·k coordinates of μ·√d/r are i.i.d. N(0, 1).
        expectMoments(means.scalars.map { $0 * Double(d).squareRoot() / r }, mean: 0, variance: 1, fourthCentralMoment: 3)
        #expect(data.labels != (0..<1000).map { $0 % k })   // shuffled, not in blocks
    }

    @Test("Chebyshev: 20 evenly spaced points on [−1, 1] with y = cos(k arccos x) (oracle: the closed form)",
          arguments: [3, 4, 5])
    func chebyshev(degree: Int) throws {
        let data = try Chebyshev(degree: degree).generate()
        #expect(data.name == "chebyshev-\(degree)-20" && data.x.shape == [20, 1] && data.y.shape == [20, 1])
        #expect(data.x.scalars.first == -1 && data.x.scalars.last == 1)
        for i in 0..<20 {
            #expect(abs(data.x[i, 0] - (-1 + 2 * Double(i) / 19)) == 0)
            let closedForm = cos(Double(degree) * acos(data.x[i, 0]))
            // The recurrence is backward stable; acos near ±1 loses ~√ulp, so allow 1e-12.
            #expect(abs(data.y[i, 0] - closedForm) <= 1e-12, "T_\(degree)(\(data.x[i, 0])) = \(data.y[i, 0]) vs \(closedForm)")
        }
        #expect(Chebyshev.polynomial(degree: 0, at: 0.3) == 1 && Chebyshev.polynomial(degree: 1, at: 0.3) == 0.3)
    }
}
