import Autodiff
import Foundation
import BiasLabTestSupport
import NN
import Tensor
import Testing

/// Every model's loss derivatives against finite differences (``ObjectiveChecks``) and the engine's
/// `checkDerivatives`, on small seeded instances; per-sample gradients and HVPs average to the batch ones.
struct ModelDerivativeTests {
    static func objective(_ model: any Model, loss: Loss = .mse, samples: Int = 5, seed: UInt64 = 21,
                          features: Int? = nil) -> (SupervisedObjective, [Double]) {
        let (x, y) = ObjectiveChecks.data(samples: samples, features: features ?? 1, outputs: model.outputCount, seed: seed)
        var labels: [Int]? = nil
        if case .crossEntropy = loss { labels = (0..<samples).map { $0 % model.outputCount } }
        var rng = RandomGenerator(seed: seed, stream: "init")
        return (SupervisedObjective(model: model, loss: loss, inputs: x, targets: y, labels: labels),
                model.initialParameters(using: &rng))
    }

    /// A CNN small enough for dense Hessians: [1, 8, 8] → conv(3, 3×3, pad 1) → pool 2 → conv(4, 3×3) → pool 2 → 5.
    static func smallCNN(pooling: ConvolutionalNetwork.Pooling, activation: Activation = .tanh) -> ConvolutionalNetwork {
        ConvolutionalNetwork(imageShape: [1, 8, 8],
                             convolutions: [.init(outChannels: 3, kernelSize: 3, padding: 1), .init(outChannels: 4, kernelSize: 3)],
                             poolSize: 2, pooling: pooling, activation: activation, hiddenWidths: [6], outputCount: 5)
    }

    @Test(arguments: [ConvolutionalNetwork.Pooling.average, .max])
    func convolutionalNetwork(pooling: ConvolutionalNetwork.Pooling) {
        let model = Self.smallCNN(pooling: pooling)
        // conv1 3·9+3, conv2 4·3·9+4, fc1 6·4+6, fc_out 5·6+5
        #expect(model.parameterCount == 30 + 112 + 30 + 35)
        for loss in [Loss.mse, .crossEntropy] {
            let (obj, theta) = Self.objective(model, loss: loss, features: 64)
            ObjectiveChecks.expectConsistent(obj, at: theta, batch: [0, 2, 3])
            // Max pooling is piecewise: the mixed second difference needs a stencil that stays inside one
            // piece (‖h·u‖ ≈ 1e-3·√d would switch windows), so it uses h = 1e-4 there.
            ObjectiveChecks.expectEngineAccurate(obj, at: theta, secondOrderStep: pooling == .max ? 1e-4 : 1e-3)
        }
    }

    /// fashion-small: PyTorch's parameter count 5,994, blocks in θ order, output [B, 10] for flat and NCHW
    /// inputs alike, and first-order derivatives against differences with relu and max pooling.
    @Test func fashionSmallShapesAndGradient() {
        let model = ConvolutionalNetwork.fashionSmall()
        #expect(model.parameterCount == 5994)
        #expect(model.blocks.map(\.name) == ["conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias", "fc_out.weight", "fc_out.bias"])
        #expect(model.blocks.map(\.count) == [200, 8, 3200, 16, 2560, 10])
        var rng = RandomGenerator(seed: 5)
        let theta = model.initialParameters(using: &rng)
        // PyTorch default init: |W| ≤ 1/√fan_in per layer (fan_in 25, 200, 256).
        #expect(theta[0..<200].allSatisfy { abs($0) <= 0.2 } && theta[208..<3408].allSatisfy { abs($0) <= 1 / 200.0.squareRoot() })
        let x = Tensor(shape: [2, 784], scalars: rng.gaussians(1568))
        let flat = GradientMode.withoutRecording { model.forward(Variable(Tensor(theta)), x).value }
        let nchw = GradientMode.withoutRecording { model.forward(Variable(Tensor(theta)), x.reshaped([2, 1, 28, 28])).value }
        #expect(flat.shape == [2, 10] && flat == nchw)
        let obj = SupervisedObjective(model: model, loss: .crossEntropy, inputs: x, targets: Tensor.zeros([2, 10]), labels: [3, 7])
        let g = obj.gradient(at: theta)
        var dir = RandomGenerator(seed: 6)
        // A unit direction and a small step, so that no relu kink or max-pool switch lies within the stencil.
        let raw = dir.gaussians(model.parameterCount)
        let u = VectorOps.scaled(raw, by: 1 / VectorOps.norm(raw))
        let fd = FiniteDifferences.directionalDerivative(of: { [obj.loss(at: $0)] }, at: theta, along: u, step: 1e-6)[0]
        #expect(Closeness.relativeError(VectorOps.dot(g, u), fd) <= 1e-6)
    }

    @Test(arguments: [1, 2, 3])
    func diagonalLinearNetwork(depth: Int) {
        let model = DiagonalLinearNetwork(dimension: 4, depth: depth, initialScale: 0.5)
        var (obj, theta) = Self.objective(model, samples: 6, features: 4)
        var rng = RandomGenerator(seed: 9)
        theta = rng.gaussians(8)   // away from the symmetric init u = v
        ObjectiveChecks.expectConsistent(obj, at: theta)
        ObjectiveChecks.expectEngineAccurate(obj, at: theta)
        #expect(model.effectiveWeights(theta).enumerated().allSatisfy { j, w in
            abs(w - (Foundation.pow(theta[j], Double(depth)) - Foundation.pow(theta[4 + j], Double(depth)))) < 1e-15
        })
    }

    @Test func diagonalLinearNetworkInitialization() {
        var rng = RandomGenerator(seed: 1)
        let model = DiagonalLinearNetwork(dimension: 3, depth: 2, initialScale: 0.1)
        #expect(model.initialParameters(using: &rng) == [Double](repeating: 0.1, count: 6))
        #expect(model.effectiveWeights(model.initialParameters(using: &rng)) == [0, 0, 0])
        #expect(model.blocks.map(\.name) == ["u", "v"])
    }

    @Test func linearModel() {
        let model = LinearModel(inputCount: 4, outputCount: 3)
        #expect(model.parameterCount == 15)
        let (obj, theta) = Self.objective(model, features: 4)
        ObjectiveChecks.expectConsistent(obj, at: theta)
        ObjectiveChecks.expectEngineAccurate(obj, at: theta)
        // Oracle: f = x Wᵀ + b written out.
        let out = GradientMode.withoutRecording { model.forward(Variable(Tensor(theta)), obj.inputs).value }
        for i in 0..<5 { for k in 0..<3 {
            var s = theta[12 + k]
            for j in 0..<4 { s += theta[k * 4 + j] * obj.inputs[i, j] }
            #expect(abs(out[i, k] - s) < 1e-14)
        } }
        // The batched outer-product per-sample gradients equal one reverse pass per sample.
        let rows = obj.perSampleGradients(at: theta, batch: nil)
        for i in 0..<5 { #expect(Closeness.relativeError(rows.row(i).scalars, obj.gradient(at: theta, batch: [i])) < 1e-13) }
    }

    @Test(arguments: [DeepLinearNetwork.Readout.vector, .matrixSensing])
    func deepLinearNetwork(readout: DeepLinearNetwork.Readout) {
        let model = DeepLinearNetwork(widths: [3, 4, 2], readout: readout)
        #expect(model.parameterCount == 12 + 8)
        let (obj, theta) = Self.objective(model, samples: 6, features: model.inputCount)
        ObjectiveChecks.expectConsistent(obj, at: theta)
        ObjectiveChecks.expectEngineAccurate(obj, at: theta)
    }

    /// Digest 002 §9.3: f is linear in each layer, so diag ∇²L equals the Gauss–Newton diagonal
    /// (2s/n) Σ_i Σ_k (∂f_ik/∂θ_j)² at any θ (here off the manifold, with large residuals).
    @Test(arguments: [DeepLinearNetwork.Readout.vector, .matrixSensing])
    func deepLinearHessianDiagonalIsGaussNewton(readout: DeepLinearNetwork.Readout) {
        let model = DeepLinearNetwork(widths: [3, 4, 2], readout: readout, initialization: .scaledGaussian(scale: 1))
        let (obj, theta) = Self.objective(model, samples: 6, features: model.inputCount)
        let diagH = { let h = obj.denseHessian(at: theta); return (0..<20).map { h[$0, $0] } }()
        var gn = [Double](repeating: 0, count: 20)
        for k in 0..<model.outputCount {
            var seed = Tensor.zeros([6, model.outputCount])
            for i in 0..<6 { seed[i, k] = 1 }
            for i in 0..<6 {
                let grad = Autodiff.vjp(of: { model.forward($0, obj.inputs.rows([i])) }, at: Tensor(theta),
                                        cotangent: seed.rows([i])).vjp.scalars
                for j in 0..<20 { gn[j] += 2 * 0.5 / 6 * grad[j] * grad[j] }
            }
        }
        #expect(Closeness.relativeError(diagH, gn) < 1e-12)
        // and the model is not at a minimum: the full Hessian differs from Gauss–Newton off the diagonal.
        #expect(obj.loss(at: theta) > 0.1)
    }

    /// M = W_L⋯W_1 matches a direct product, and the sensing readout is ⟨A, M⟩.
    @Test func deepLinearEndToEndMatrix() {
        let model = DeepLinearNetwork(widths: [2, 3, 2], readout: .matrixSensing)
        var rng = RandomGenerator(seed: 4)
        let theta = model.initialParameters(using: &rng)
        let w1 = Tensor(shape: [3, 2], scalars: Array(theta[0..<6])), w2 = Tensor(shape: [2, 3], scalars: Array(theta[6..<12]))
        let m = Tensor.matmul(w2, w1)
        #expect(Closeness.relativeError(GradientMode.withoutRecording { model.endToEndMatrix(Variable(Tensor(theta))).value }, m) < 1e-15)
        let a = Tensor(shape: [1, 4], scalars: [1, -2, 0.5, 3])
        let f = GradientMode.withoutRecording { model.forward(Variable(Tensor(theta)), a).value }
        #expect(abs(f.scalar - VectorOps.dot(a.scalars, m.scalars)) < 1e-14)
    }
}
