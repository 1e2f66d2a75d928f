import Autodiff
import BiasLabTestSupport
import NN
import Tensor
import Testing

/// The diagonal network's Hessian on the interpolation manifold (closed form of digest 002 §6.2/§9.2) and
/// label noise (digest 002 §3.5): Σ = αH on Γ by Monte Carlo with a fixed seed and a z = 5 standard-error
/// tolerance per entry.
struct LabelNoiseTests {
    /// A depth-2 diagonal network with ±1 features z_i (n × d) and targets y_i = ⟨z_i, w(θ)⟩, so θ ∈ Γ.
    static func diagonalNetworkOnManifold(dimension d: Int = 3, samples n: Int = 4, seed: UInt64 = 17)
        -> (objective: SupervisedObjective, theta: [Double], z: Tensor) {
        var rng = RandomGenerator(seed: seed, stream: "diagonal-network-manifold")
        let model = DiagonalLinearNetwork(dimension: d)
        let z = Tensor(shape: [n, d], scalars: rng.rademachers(n * d))
        let theta = rng.gaussians(2 * d)
        let w = model.effectiveWeights(theta)
        let y = Tensor(shape: [n, 1], scalars: (0..<n).map { i in (0..<d).reduce(0) { $0 + z[i, $1] * w[$1] } })
        return (SupervisedObjective(model: model, loss: .mse, inputs: z, targets: y), theta, z)
    }

    /// Oracle: digest 002 §6.2, on Γ with the ½ loss, ∇²L = (4/n) Σ_i (z_i⊙u; −z_i⊙v)(z_i⊙u; −z_i⊙v)ᵀ,
    /// so diag ∇²L = 4θ^{⊙2} and tr ∇²L = 4‖θ‖². Compared with the engine's dense Hessian (d HVPs).
    @Test func diagonalNetworkHessianOnManifoldMatchesClosedForm() {
        let (obj, theta, z) = Self.diagonalNetworkOnManifold(dimension: 5, samples: 4)
        #expect(obj.loss(at: theta) < 1e-28)
        let h = obj.denseHessian(at: theta)
        let d = 5, n = 4
        var closed = Tensor.zeros([2 * d, 2 * d])
        for i in 0..<n {
            let v = (0..<d).map { z[i, $0] * theta[$0] } + (0..<d).map { -z[i, $0] * theta[d + $0] }
            for j in 0..<(2 * d) { for k in 0..<(2 * d) { closed[j, k] += 4 / Double(n) * v[j] * v[k] } }
        }
        #expect(Closeness.relativeError(h, closed) < 1e-13)
        let diagonal = (0..<(2 * d)).map { h[$0, $0] }
        let model = obj.model as! DiagonalLinearNetwork
        #expect(Closeness.relativeError(diagonal, model.interpolationHessianDiagonal(at: theta)) < 1e-13)
        #expect(Closeness.relativeError(diagonal.reduce(0, +), 4 * VectorOps.dot(theta, theta)) < 1e-13)
    }

    /// Monte Carlo of label-noise SGD gradients at θ ∈ Γ: M steps, each a batch of B indices drawn
    /// uniformly with replacement and fresh noise, g_t = ∇L of that step's noisy batch. On Γ E g = 0, so
    /// Ĉ = (1/M) Σ g gᵀ estimates Σ; each entry must be within 5 standard errors sd(g_j g_k)/√M of αH_jk.
    static func expectCovarianceIsAlphaH(_ objective: SupervisedObjective, at theta: [Double], noise: LabelNoise,
                                         batchSize: Int, steps m: Int, seed: UInt64,
                                         sourceLocation: SourceLocation = #_sourceLocation) {
        let d = objective.dimension
        let alpha = noise.covarianceFactor(loss: objective.loss, batchSize: batchSize)!
        let expected = objective.denseHessian(at: theta) * alpha
        let root = RandomGenerator(seed: seed)
        var sampler = root.stream("sampler"), noiseRNG = root.stream("label-noise")
        var sum = [Double](repeating: 0, count: d * d), sumSquares = sum
        for _ in 0..<m {
            let batch = (0..<batchSize).map { _ in sampler.integer(below: objective.sampleCount) }
            let g = noise.noisyBatch(of: objective, batch: batch, using: &noiseRNG).gradient(at: theta)
            for j in 0..<d { for k in 0..<d { let p = g[j] * g[k]; sum[j * d + k] += p; sumSquares[j * d + k] += p * p } }
        }
        let scale = expected.scalars.map(Swift.abs).max()!
        for e in 0..<(d * d) {
            let mean = sum[e] / Double(m)
            let se = (max(sumSquares[e] / Double(m) - mean * mean, 0) / Double(m - 1)).squareRoot()
            let err = Swift.abs(mean - expected.scalars[e])
            #expect(err <= 5 * se + 1e-12 * scale,
                    "entry (\(e / d), \(e % d)): Monte Carlo \(mean) ± \(se), αH = \(expected.scalars[e])", sourceLocation: sourceLocation)
        }
    }

    @Test(arguments: [LabelNoise.Distribution.rademacher, .gaussian])
    func diagonalNetworkLabelNoiseCovarianceIsAlphaH(distribution: LabelNoise.Distribution) throws {
        let (obj, theta, _) = Self.diagonalNetworkOnManifold()
        Self.expectCovarianceIsAlphaH(obj, at: theta, noise: try LabelNoise(distribution, scale: 0.3),
                                      batchSize: 2, steps: 8_000, seed: 101)
    }

    /// App. B's matrix-sensing loss without the ½ (scale 1) and Gaussian noise: α = 2σ²/B.
    @Test func matrixSensingLabelNoiseCovarianceIsAlphaH() throws {
        let model = DeepLinearNetwork(widths: [2, 2, 2], readout: .matrixSensing, initialization: .scaledGaussian(scale: 1))
        var rng = RandomGenerator(seed: 23)
        let theta = model.initialParameters(using: &rng)
        let a = Tensor(shape: [5, 4], scalars: rng.gaussians(20))
        let f = GradientMode.withoutRecording { model.forward(Variable(Tensor(theta)), a).value }
        let obj = SupervisedObjective(model: model, loss: .squaredError(scale: 1), inputs: a, targets: f)
        let noise = try LabelNoise(.gaussian, scale: 0.2)
        #expect(Closeness.relativeError(noise.covarianceFactor(loss: obj.loss, batchSize: 3)!, 2 * 0.04 / 3) < 1e-15)
        Self.expectCovarianceIsAlphaH(obj, at: theta, noise: noise, batchSize: 3, steps: 5_000, seed: 202)
    }

    /// Digest 002 §3.5's table: ½-loss δ²/B, ¼-loss δ²/(2B), no ½ 2δ²/B; none for cross-entropy.
    @Test func covarianceFactorMatchesDigestTable() throws {
        let noise = try LabelNoise(.rademacher, scale: 0.5)
        #expect(noise.covarianceFactor(loss: .mse, batchSize: 4) == 0.25 / 4)
        #expect(noise.covarianceFactor(loss: .squaredError(scale: 0.25), batchSize: 4) == 0.25 / 8)
        #expect(noise.covarianceFactor(loss: .squaredError(scale: 1), batchSize: 4) == 2 * 0.25 / 4)
        #expect(noise.covarianceFactor(loss: .crossEntropy, batchSize: 4) == nil)
    }

    /// Rademacher noise moves every entry by exactly ±δ; the same seed gives the same noise; Gaussian noise
    /// has mean 0 and variance δ² within 5 standard errors.
    @Test func perturbedTargetsHaveTheDocumentedLaw() throws {
        let y = Tensor(shape: [2000, 2], scalars: (0..<4000).map { Double($0 % 7) })
        let rademacher = try LabelNoise(.rademacher, scale: 0.25)
        var g1 = RandomGenerator(seed: 8, stream: "label-noise"), g2 = g1
        let a = rademacher.perturbedTargets(y, using: &g1), b = rademacher.perturbedTargets(y, using: &g2)
        #expect(a == b)
        let shifts = zip(a.scalars, y.scalars).map { $0 - $1 }
        #expect(shifts.allSatisfy { Swift.abs(Swift.abs($0) - 0.25) < 1e-15 })
        #expect(shifts.contains { $0 > 0 } && shifts.contains { $0 < 0 })

        let gaussian = try LabelNoise(.gaussian, scale: 2)
        let xi = zip(gaussian.perturbedTargets(y, using: &g1).scalars, y.scalars).map { $0 - $1 }
        let n = Double(xi.count), mean = xi.reduce(0, +) / n
        let variance = xi.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)
        #expect(Swift.abs(mean) <= 5 * (4 / n).squareRoot())
        #expect(Swift.abs(variance - 4) <= 5 * (2 * 16 / n).squareRoot())   // Var(s²) ≈ 2σ⁴/n
    }

    @Test func parsingAndErrors() throws {
        #expect(try LabelNoise.parse("rademacher:0.5") == LabelNoise(.rademacher, scale: 0.5))
        #expect(try LabelNoise.parse("gaussian:1e-2").description == "gaussian:0.01")
        #expect(throws: SpecError("label noise 'uniform:1': expected rademacher:<δ> or gaussian:<δ> with δ ≥ 0")) {
            try LabelNoise.parse("uniform:1")
        }
        #expect(throws: SpecError.self) { try LabelNoise(.gaussian, scale: -1) }
    }
}
