import NN
import Tensor

/// The small fixed models and data that tests share (seeded, so every test sees the same numbers).
public enum TinyProblems {
    /// A tanh MLP 5-8-6-3 (d = 123) with MSE on N = 7 random samples, and a random θ.
    public static func tanhMLP(seed: UInt64 = 11, activation: Activation = .tanh, loss: Loss = .mse,
                               widths: [Int] = [5, 8, 6, 3], samples: Int = 7) -> (objective: SupervisedObjective, theta: [Double]) {
        var rng = RandomGenerator(seed: seed, stream: "tiny-mlp")
        let model = DenseNetwork(widths: widths, activation: activation)
        let x = Tensor(shape: [samples, widths[0]], scalars: rng.gaussians(samples * widths[0]))
        let k = widths.last!
        let labels = (0..<samples).map { _ in rng.integer(below: k) }
        var y = Tensor.zeros([samples, k])
        for (i, l) in labels.enumerated() { y.scalars[i * k + l] = 1 }
        var initRNG = rng.stream("init")
        let theta = model.initialParameters(using: &initRNG).map { $0 * 2 }
        return (SupervisedObjective(model: model, loss: loss, inputs: x, targets: y, labels: labels), theta)
    }
}
