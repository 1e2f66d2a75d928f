import DataIO
import NN
import Tensor

/// The label-noise minibatch loss and gradient of a diagonal linear network (``DiagonalLinearNetwork``,
/// w = u^{⊙L} − v^{⊙L}) under the ½ squared loss, in closed form — O(|B|·d) per step, so the 10⁶-step runs of
/// study 002-dln take seconds (the same numbers as `SupervisedObjective` with ``LabelNoise``, tested):
/// ```
/// ξᵢ = ±δ fresh for every sampled example (paper 002 §5.1; drawn from `noise` in batch order)
/// rᵢ = ⟨xᵢ, w⟩ − yᵢ − ξᵢ,   L_B = (1/2|B|) Σ_{i∈B} rᵢ²
/// ∇_u L_B = (L/|B|) Σ rᵢ xᵢ ⊙ u^{⊙(L−1)},   ∇_v L_B = −(L/|B|) Σ rᵢ xᵢ ⊙ v^{⊙(L−1)}
/// ```
struct DiagonalNetLabelNoise {
    let network: DiagonalLinearNetwork
    /// x, n rows of d features, row-major.
    let inputs: [Double]
    let targets: [Double]
    /// δ of the Rademacher label noise.
    let delta: Double
    var noise: RandomGenerator

    init(network: DiagonalLinearNetwork, data: Dataset, delta: Double, noise: RandomGenerator) {
        precondition(data.x.count == data.count * network.dimension, "DiagonalNetLabelNoise: the data has \(data.x.count / max(data.count, 1)) features, the network \(network.dimension)")
        self.network = network
        inputs = data.x.scalars
        targets = data.y.scalars
        self.delta = delta
        self.noise = noise
    }

    /// (L_B, ∇L_B) at θ with fresh label noise on the batch (`nil`: every sample once).
    mutating func evaluate(at parameters: [Double], batch: [Int]?) -> (loss: Double, gradient: [Double]) {
        let d = network.dimension, depth = network.depth
        let rows = batch ?? Array(0..<targets.count)
        let w = network.effectiveWeights(parameters)
        var weight = [Double](repeating: 0, count: d)  // Σᵢ rᵢ xᵢ
        var loss = 0.0
        for i in rows {
            var f = 0.0
            for j in 0..<d { f += inputs[i * d + j] * w[j] }
            let r = f - targets[i] - delta * noise.rademacher()
            loss += 0.5 * r * r
            for j in 0..<d { weight[j] += r * inputs[i * d + j] }
        }
        let scale = Double(depth) / Double(rows.count)
        var gradient = [Double](repeating: 0, count: 2 * d)
        for j in 0..<d {
            var pu = 1.0, pv = 1.0
            for _ in 1..<max(depth, 1) { pu *= parameters[j]; pv *= parameters[d + j] }
            gradient[j] = scale * weight[j] * pu
            gradient[d + j] = -scale * weight[j] * pv
        }
        return (loss / Double(rows.count), gradient)
    }
}
