import DataIO
import NN
import Optim
import Tensor

/// A scalar model f(θ; x) whose value and gradient for one input are known in closed form, O(|θ|) or so —
/// the fast path of the label-noise studies' 10⁶-step runs (the same numbers as the autodiff models, tested).
protocol ClosedFormPredictor {
    var parameterCount: Int { get }
    /// Features per input.
    var inputWidth: Int { get }
    /// f(θ; x).
    func value(at parameters: [Double], input x: ArraySlice<Double>) -> Double
    /// g += s ∇_θ f(θ; x).
    func addGradient(at parameters: [Double], input x: ArraySlice<Double>, scale s: Double, to g: inout [Double])
}

/// The label-noise minibatch loss and gradient of a ``ClosedFormPredictor`` under the ½ squared loss
/// (paper 002 §5.1 and App. B; ``LabelNoise``):
/// ```
/// ξᵢ fresh for every sampled example: ±δ (rademacher) or N(0, δ²) (gaussian), drawn from `generator` in batch order
/// rᵢ = f(θ; xᵢ) − yᵢ − ξᵢ,   L_B = (1/2|B|) Σ_{i∈B} rᵢ²,   ∇L_B = (1/|B|) Σ_{i∈B} rᵢ ∇f(θ; xᵢ)
/// ```
/// — the numbers `Problem.trainingEvaluation` computes through autodiff, drawing ξ in the same order.
struct LabelNoiseLeastSquares<Predictor: ClosedFormPredictor> {
    let predictor: Predictor
    /// x, n rows of `predictor.inputWidth` features, row-major.
    let inputs: [Double]
    let targets: [Double]
    let noise: LabelNoise
    var generator: RandomGenerator

    init(_ predictor: Predictor, data: Dataset, noise: LabelNoise, generator: RandomGenerator) {
        precondition(data.x.count == data.count * predictor.inputWidth && data.y.count == data.count,
                     "LabelNoiseLeastSquares: the data has \(data.x.count / max(data.count, 1)) features and \(data.y.count / max(data.count, 1)) targets per sample, the model reads \(predictor.inputWidth) and predicts 1")
        self.predictor = predictor
        inputs = data.x.scalars
        targets = data.y.scalars
        self.noise = noise
        self.generator = generator
    }

    /// (L_B, ∇L_B) at θ with fresh label noise on the batch (`nil`: every sample once).
    mutating func evaluate(at parameters: [Double], batch: [Int]?) -> (loss: Double, gradient: [Double]) {
        let width = predictor.inputWidth
        let rows = batch ?? Array(0..<targets.count)
        var gradient = [Double](repeating: 0, count: predictor.parameterCount)
        var loss = 0.0
        for i in rows {
            let x = inputs[(i * width)..<((i + 1) * width)]
            let xi = noise.scale * (noise.distribution == .rademacher ? generator.rademacher() : generator.gaussian())
            let r = predictor.value(at: parameters, input: x) - targets[i] - xi
            loss += 0.5 * r * r
            predictor.addGradient(at: parameters, input: x, scale: r / Double(rows.count), to: &gradient)
        }
        return (loss / Double(rows.count), gradient)
    }
}

/// The diagonal linear network: f = ⟨x, u^{⊙L} − v^{⊙L}⟩, ∇_u f = L x ⊙ u^{⊙(L−1)}, ∇_v f = −L x ⊙ v^{⊙(L−1)}.
extension DiagonalLinearNetwork: ClosedFormPredictor {
    var inputWidth: Int { dimension }

    func value(at parameters: [Double], input x: ArraySlice<Double>) -> Double {
        var f = 0.0
        for (j, xj) in zip(0..<dimension, x) {
            var pu = 1.0, pv = 1.0
            for _ in 0..<depth { pu *= parameters[j]; pv *= parameters[dimension + j] }
            f += xj * (pu - pv)
        }
        return f
    }

    func addGradient(at parameters: [Double], input x: ArraySlice<Double>, scale s: Double, to g: inout [Double]) {
        let l = Double(depth)
        for (j, xj) in zip(0..<dimension, x) {
            var pu = 1.0, pv = 1.0
            for _ in 1..<max(depth, 1) { pu *= parameters[j]; pv *= parameters[dimension + j] }
            g[j] += s * l * xj * pu
            g[dimension + j] -= s * l * xj * pv
        }
    }
}

/// Depth-2 matrix sensing, θ = (W₁ [d₁, d₀]; W₂ [d₂, d₁]) row-major, f(A) = ⟨A, W₂W₁⟩ with A [d₂, d₀] row-major:
/// ∇_{W₁} f = W₂ᵀA, ∇_{W₂} f = AW₁ᵀ.
struct DepthTwoSensing: ClosedFormPredictor {
    let network: DeepLinearNetwork

    init(_ network: DeepLinearNetwork) {
        precondition(network.widths.count == 3 && network.readout == .matrixSensing, "DepthTwoSensing: needs deeplinear:d0-d1-d2:sensing, got widths \(network.widths)")
        self.network = network
    }

    var parameterCount: Int { network.parameterCount }
    var inputWidth: Int { network.inputCount }

    func value(at parameters: [Double], input x: ArraySlice<Double>) -> Double {
        zip(network.effectiveWeights(parameters), x).reduce(0) { $0 + $1.0 * $1.1 }
    }

    func addGradient(at parameters: [Double], input x: ArraySlice<Double>, scale s: Double, to g: inout [Double]) {
        let (d0, d1, d2) = (network.widths[0], network.widths[1], network.widths[2])
        let a = Array(x), second = d1 * d0  // W₂ starts after W₁
        for p in 0..<d1 {
            for b in 0..<d0 {
                var sum = 0.0  // (W₂ᵀA)_{pb}
                for c in 0..<d2 { sum += parameters[second + c * d1 + p] * a[c * d0 + b] }
                g[p * d0 + b] += s * sum
            }
        }
        for c in 0..<d2 {
            for p in 0..<d1 {
                var sum = 0.0  // (AW₁ᵀ)_{cp}
                for b in 0..<d0 { sum += a[c * d0 + b] * parameters[p * d0 + b] }
                g[second + c * d1 + p] += s * sum
            }
        }
    }
}

extension LabelNoiseLeastSquares {
    /// Paper 002's label-noise training (studies 002-dln and 002-sensing, §5 and App. B): `steps` updates of
    /// the optimizer of `settings` from θ, each on one sample drawn with replacement (the sampler seeded by
    /// `seed`) with fresh label noise. `observe` sees θ_t before update t, and θ after the last update at
    /// t = `steps`.
    mutating func train(_ theta: inout [Double], settings: any OptimizerSettings, steps: Int, seed: UInt64,
                        observe: (_ step: Int, _ theta: [Double]) -> Void = { _, _ in }) throws {
        var optimizer = try settings.instance(dimension: theta.count)
        var batches = try BatchSampler(count: targets.count, batchSize: 1, scheme: .withReplacement, seed: seed)
        _ = try Training.run(optimizer: &optimizer, parameters: &theta, batches: &batches, steps: 0..<(steps + 1),
                             evaluate: { _, theta, batch in
                                 let (loss, gradient) = evaluate(at: theta, batch: batch)
                                 return (loss, gradient)
                             },
                             observe: { step, _ in
                                 observe(step.step, step.parameters)
                                 return step.step == steps ? .stop : .proceed
                             })
    }
}
