import BiasLabTestSupport
import NN
import Tensor
import Testing

/// The closed-form objectives against finite differences (``ObjectiveChecks``), dense closed forms and
/// the digests' published numbers.
struct AnalyticObjectiveTests {
    static func randomSPD(_ d: Int, seed: UInt64) -> Tensor {
        var rng = RandomGenerator(seed: seed, stream: "spd")
        let a = Tensor(shape: [d, d], scalars: rng.gaussians(d * d))
        return Tensor.matmul(a, a, transposeB: true) + Tensor.identity(d) * 0.1
    }

    static func quadratics() -> [QuadraticObjective] {
        var rng = RandomGenerator(seed: 31)
        let offsets = Tensor(shape: [6, 4], scalars: rng.gaussians(24))
        return [QuadraticObjective(hessian: .dense(randomSPD(4, seed: 1)), minimizer: rng.gaussians(4), offsets: offsets),
                QuadraticObjective(hessian: .diagonal([1, 3, 0.5, 10]), offsets: offsets),
                QuadraticObjective.withGaussianOffsets(hessian: .diagonal([2, 1, 1, 4]), samples: 5, standardDeviation: 0.3, seed: 4)]
    }

    @Test func quadraticDerivativesMatchDifferences() {
        var rng = RandomGenerator(seed: 32)
        for q in Self.quadratics() {
            let theta = rng.gaussians(4)
            ObjectiveChecks.expectConsistent(q, at: theta)
            ObjectiveChecks.expectConsistent(q, at: theta, batch: [0, 2, 2, 4])
            // Oracle: the dense Hessian is H itself, for every batch.
            #expect(Closeness.relativeError(q.denseHessian(at: theta, batch: [1]), q.hessian.matrix) < 1e-15)
        }
    }

    /// Oracle: the closed forms. The offsets are centred, so the full-batch gradient is H(θ − θ*) and the
    /// loss vanishes at θ*; the covariance of the per-sample gradients (1/N) Σ (g_i − ḡ)(g_i − ḡ)ᵀ computed
    /// from the rows equals ``QuadraticObjective/gradientNoiseCovariance`` at any θ.
    @Test func quadraticNoiseModelClosedForms() {
        var rng = RandomGenerator(seed: 33)
        for q in Self.quadratics() {
            let theta = rng.gaussians(4)
            #expect(Closeness.relativeError(q.gradient(at: theta), q.hessian.apply(VectorOps.subtract(theta, q.minimizer))) < 1e-13)
            #expect(Swift.abs(q.loss(at: q.minimizer)) < 1e-15)
            let g = q.perSampleGradients(at: theta, batch: nil)
            let n = q.sampleCount
            let mean = g.sum(axis: 0).scalars.map { $0 / Double(n) }
            var covariance = Tensor.zeros([4, 4])
            for i in 0..<n { for j in 0..<4 { for k in 0..<4 {
                covariance[j, k] += (g[i, j] - mean[j]) * (g[i, k] - mean[k]) / Double(n)
            } } }
            #expect(Closeness.relativeError(covariance, q.gradientNoiseCovariance) < 1e-12)
        }
        #expect(QuadraticObjective(hessian: .diagonal([1, 2])).gradientNoiseCovariance == Tensor.zeros([2, 2]))
    }

    /// Digest 003 §6, Fig. 22: GD with η = 1/16 on θ₁² + 17.6θ₂² from (3, 0.1) has losses 9.1760, 7.1441,
    /// 5.6406, 4.5647, 3.8492, 3.4574, 3.3820, 3.6476 and IAS = gᵀHg/gᵀg of 10.5009, 15.0462, 20.2283,
    /// 25.1086, 28.9440, 31.5519, 33.1551, 34.0805 at t = 0…7 (published to 4 decimals).
    @Test func edgeOfStabilityToyReproducesFigure22() {
        let toy = QuadraticObjective.edgeOfStabilityToy()
        #expect(toy.hessian == .diagonal([2, 35.2]))
        let losses = [9.1760, 7.1441, 5.6406, 4.5647, 3.8492, 3.4574, 3.3820, 3.6476]
        let ias = [10.5009, 15.0462, 20.2283, 25.1086, 28.9440, 31.5519, 33.1551, 34.0805]
        var theta = QuadraticObjective.edgeOfStabilityToyStart
        for t in 0..<8 {
            let (l, g) = toy.valueAndGradient(at: theta, batch: nil)
            #expect(Swift.abs(l - losses[t]) <= 5e-5, "t = \(t): loss \(l), published \(losses[t])")
            let hg = toy.hessianVectorProduct(at: theta, along: g)
            let sharpness = VectorOps.dot(g, hg) / VectorOps.dot(g, g)
            #expect(Swift.abs(sharpness - ias[t]) <= 5e-5, "t = \(t): IAS \(sharpness), published \(ias[t])")
            theta = VectorOps.subtract(theta, VectorOps.scaled(g, by: 1.0 / 16))
        }
        #expect(Swift.abs(toy.loss(at: [3, 0.1]) - (9 + 17.6 * 0.01)) < 1e-14)
    }

    @Test func ellipseDerivativesMatchDifferences() {
        let ellipse = NoisyEllipseObjective(a: 2, b: 1, c: 0.5, delta: 0.5)
        for theta in [[1.6, 0.2], [-0.3, 0.9], [1, 0.95]] {
            ObjectiveChecks.expectConsistent(ellipse, at: theta)
            ObjectiveChecks.expectConsistent(ellipse, at: theta, batch: [1])
        }
        // The full-batch loss is the expected loss ½(f − c)² + ½δ².
        let f = ellipse.ellipse(at: [1.6, 0.2]).value
        #expect(Closeness.relativeError(ellipse.loss(at: [1.6, 0.2]), 0.5 * (f - 0.5) * (f - 0.5) + 0.125) < 1e-15)
    }

    /// Digest 002 §6.1: both predicted limits lie on Γ = {f = c}; SGD's is (1, 1) and Adam's ≈ (1.118, 0.671)
    /// with |p|/a² = |q|/b²; on Γ, H = ∇f∇fᵀ (rank 1) and the per-sample gradient covariance is δ²H exactly.
    @Test func ellipseManifoldClosedForms() {
        let ellipse = NoisyEllipseObjective()
        #expect(Closeness.relativeError(ellipse.sgdLimit, [1, 1]) < 1e-15)
        let adam = ellipse.adamLimit
        #expect(Swift.abs(adam[0] - 1.118) < 1e-3 && Swift.abs(adam[1] - 0.671) < 1e-3)
        let p = adam[0] + adam[1], q = adam[0] - adam[1]
        #expect(Swift.abs(p / 4 - q / 1) < 1e-14)
        for point in [ellipse.sgdLimit, adam] {
            let (f, gf) = ellipse.ellipse(at: point)
            #expect(Swift.abs(f - ellipse.c) < 1e-14)
            let h = ellipse.denseHessian(at: point)
            let outer = Tensor(rows: [[gf[0] * gf[0], gf[0] * gf[1]], [gf[1] * gf[0], gf[1] * gf[1]]])
            #expect(Closeness.relativeError(h, outer) < 1e-14)
            let g = ellipse.perSampleGradients(at: point, batch: nil)
            let mean = [(g[0, 0] + g[1, 0]) / 2, (g[0, 1] + g[1, 1]) / 2]
            var covariance = Tensor.zeros([2, 2])
            for i in 0..<2 { for j in 0..<2 { for k in 0..<2 { covariance[j, k] += (g[i, j] - mean[j]) * (g[i, k] - mean[k]) / 2 } } }
            #expect(Closeness.relativeError(covariance, h * ellipse.labelNoiseCovarianceFactor()) < 1e-13)
        }
    }
}
