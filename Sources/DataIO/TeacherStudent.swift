import Foundation
import Tensor

/// A fully connected tanh network used as a random teacher: hidden layers h ← tanh(h Wᵀ + b), the last
/// layer linear (no tanh). Weights are stored as PyTorch stores them: W is [fan_out, fan_in], b is
/// [fan_out], and ``flatParameters`` lists W₁, b₁, W₂, b₂, … row-major (ARCHITECTURE.md's flat order).
public struct TanhMLP: Equatable, Sendable {
    public var weights: [Tensor]
    public var biases: [Tensor]

    public init(weights: [Tensor], biases: [Tensor]) {
        precondition(weights.count == biases.count && !weights.isEmpty, "TanhMLP: need one bias per weight matrix")
        for (w, b) in zip(weights, biases) {
            precondition(w.rank == 2 && b.shape == [w.shape[0]], "TanhMLP: weight \(w.shape) and bias \(b.shape) disagree")
        }
        self.weights = weights
        self.biases = biases
    }

    /// PyTorch's default `nn.Linear` initialization: every weight and bias of a layer with fan-in m is
    /// drawn from U(−1/√m, 1/√m), layer by layer, W before b, row-major.
    public init(widths: [Int], generator: inout RandomGenerator) {
        precondition(widths.count >= 2 && widths.allSatisfy { $0 >= 1 }, "TanhMLP: widths \(widths) need ≥ 2 positive entries")
        var weights: [Tensor] = [], biases: [Tensor] = []
        for (fanIn, fanOut) in zip(widths, widths.dropFirst()) {
            let bound = 1 / Double(fanIn).squareRoot()
            weights.append(Tensor(shape: [fanOut, fanIn], scalars: generator.uniforms(fanOut * fanIn, in: -bound, bound)))
            biases.append(Tensor(generator.uniforms(fanOut, in: -bound, bound)))
        }
        self.init(weights: weights, biases: biases)
    }

    /// Input width, hidden widths, output width.
    public var widths: [Int] { [weights[0].shape[1]] + weights.map { $0.shape[0] } }

    /// The network's outputs for the rows of `x` [N, d_in]: [N, d_out].
    public func callAsFunction(_ x: Tensor) -> Tensor {
        var h = x
        for (layer, (w, b)) in zip(weights, biases).enumerated() {
            h = Tensor.matmul(h, w, transposeB: true) + b
            if layer < weights.count - 1 { h = h.map { tanh($0) } }
        }
        return h
    }

    /// All parameters in PyTorch order: W₁ (row-major), b₁, W₂, b₂, …
    public var flatParameters: [Double] {
        zip(weights, biases).flatMap { $0.scalars + $1.scalars }
    }
}

/// Teacher–student data: Gaussian inputs labelled by a random tanh network, the synthetic setting of the
/// CPU-scale edge-of-stability checks (digest 003 §8, "Miniature GD EoS": tanh MLP 20→128→128→4,
/// n = 512 Gaussian inputs, one-hot targets from a noisy random teacher). Those are the defaults.
///
/// ```
/// teacher = TanhMLP(widths: [d, hidden…, c]) with PyTorch init U(−1/√fan_in, 1/√fan_in)   (stream "…/teacher")
/// xᵢ      ~ N(0, I_d)                                                                     (stream "…/inputs")
/// εᵢ      ~ N(0, I_c)                                                                     (stream "…/noise")
/// .oneHot:     labelᵢ = argmax(teacher(xᵢ) + σ εᵢ),  yᵢ = one-hot(labelᵢ) ∈ ℝᶜ
/// .regression: yᵢ = teacher(xᵢ) + σ εᵢ,  labels nil
/// ```
/// Streams are `RandomGenerator(seed: seed, stream: "teacher-student").stream(name)`. The held-out split
/// (``split`` = `.test`, ``SyntheticSplit``) keeps the teacher and draws x and ε from "…/test/inputs" and
/// "…/test/noise". The digest does
/// not give the teacher's width or noise level; they are parameters here (σ defaults to 0).
public struct TeacherStudent: Equatable, Sendable {
    public enum Targets: String, CaseIterable, Codable, Sendable {
        case oneHot = "one-hot"
        case regression
    }

    public var samples: Int
    public var inputDimension: Int
    public var hidden: [Int]
    public var outputs: Int
    public var targets: Targets
    /// σ, the standard deviation of the Gaussian noise added to the teacher's outputs.
    public var noise: Double
    public var seed: UInt64
    /// The training set or the held-out test set of the same teacher.
    public var split: SyntheticSplit

    public init(samples: Int = 512, inputDimension: Int = 20, hidden: [Int] = [128, 128], outputs: Int = 4,
                targets: Targets = .oneHot, noise: Double = 0, seed: UInt64 = 0,
                split: SyntheticSplit = .train) throws(DataError) {
        let source = "teacher-student"
        guard samples >= 1, inputDimension >= 1, outputs >= 1, hidden.allSatisfy({ $0 >= 1 }) else {
            throw DataError(.invalidValue, source: source,
                            "n, d, out and every hidden width must be ≥ 1, got n=\(samples) d=\(inputDimension) hidden=\(hidden) out=\(outputs)")
        }
        guard noise >= 0 && noise.isFinite else { throw DataError(.invalidValue, source: source, "noise must be finite and ≥ 0, got \(noise)") }
        self.samples = samples
        self.inputDimension = inputDimension
        self.hidden = hidden
        self.outputs = outputs
        self.targets = targets
        self.noise = noise
        self.seed = seed
        self.split = split
    }

    var root: RandomGenerator { RandomGenerator(seed: seed, stream: "teacher-student") }

    /// The teacher network (the same for every n).
    public func teacher() -> TanhMLP {
        var generator = root.stream("teacher")
        return TanhMLP(widths: [inputDimension] + hidden + [outputs], generator: &generator)
    }

    /// The dataset: x [n, d], y [n, c].
    public func generate() -> Dataset {
        var inputs = root.stream(split.stream("inputs"))
        let name = split.datasetName("teacher-student")
        let x = Tensor(shape: [samples, inputDimension], scalars: inputs.gaussians(samples * inputDimension))
        var noiseGenerator = root.stream(split.stream("noise"))
        let noisy = teacher()(x) + Tensor(shape: [samples, outputs], scalars: noiseGenerator.gaussians(samples * outputs)) * noise
        switch targets {
        case .regression:
            return Dataset(name: name, x: x, y: noisy)
        case .oneHot:
            return Dataset(name: name, x: x, labels: noisy.argmaxLastAxis(), classes: outputs)
        }
    }
}
