import DataIO
import Foundation
import NN
import Tensor

/// The inputs shared by BiasLab and the JAX peers of `make bench`, written once by
/// `biaslab-bench export DIR` and read back by both sides, so both compute on identical bits:
///
/// - `data.npz`: `x` [1000, 784] (the first 1000 Fashion-MNIST training images, pixels / 255), `y`
///   [1000, 10] one-hot, `labels` (int64); the diagonal-network problem `diag_x` [200, 1000] and
///   `diag_y` [200, 1]; the directions `direction` (HVP direction of W2, also the probe of W3's
///   check), `lanczos_start` (W4 and W6) and `sample_weights` [1000] (W3's check); `adam_batches`
///   [1000, 128] (int64, the mini-batches of W6, epochs without replacement, last partial batch
///   dropped).
/// - `mlp_theta.npy`: θ of the MLP 784-256-256-10 from BiasLab's PyTorch-default initialization.
/// - `diag_theta.npy`: θ = [u; v] of the diagonal network.
/// - `hutchinson_probes.npy`: the 100 Rademacher probes of W8 as the rows of a [100, d] int8 array
///   (±1; 27 MB instead of 215 MB as float64).
struct BenchInputs {
    static let mlpWidths = [784, 256, 256, 10]
    static let sampleCount = 1000
    static let diagonalDimension = 1000
    static let diagonalSamples = 200
    static let adamSteps = 1000
    static let adamBatchSize = 128
    static let hutchinsonProbeCount = 100
    static let seed: UInt64 = 9

    let x: Tensor
    let y: Tensor
    let theta: [Double]
    let direction: [Double]
    let lanczosStart: [Double]
    let sampleWeights: [Double]
    let diagonalX: Tensor
    let diagonalY: Tensor
    let diagonalTheta: [Double]
    let adamBatches: [[Int]]
    let hutchinsonProbes: Tensor

    static func export(to directory: URL) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let data = try FashionMNIST.load(split: .train, options: .init(selection: .first(sampleCount)))
        let root = RandomGenerator(seed: seed, stream: "bench")
        var initialization = root.stream("mlp-init")
        let theta = DenseNetwork(widths: mlpWidths, activation: .tanh).initialParameters(using: &initialization)
        let d = theta.count
        var vectors = root.stream("vectors")
        let direction = vectors.gaussians(d)
        let lanczosStart = vectors.gaussians(d)
        let sampleWeights = vectors.gaussians(sampleCount)
        var probes = root.stream("hutchinson-probes")
        let hutchinsonProbes = Tensor(shape: [hutchinsonProbeCount, d], scalars: probes.rademachers(hutchinsonProbeCount * d))

        // Diagonal network: Gaussian design, a 5-sparse ±1 teacher, θ = [u; v] near the balanced start.
        var diagonal = root.stream("diagonal")
        let (n, p) = (diagonalSamples, diagonalDimension)
        let diagonalX = Tensor(shape: [n, p], scalars: diagonal.gaussians(n * p))
        var teacher = [Double](repeating: 0, count: p)
        for i in diagonal.permutation(p).prefix(5) { teacher[i] = diagonal.rademacher() }
        let diagonalY = Tensor.matmul(diagonalX, Tensor(shape: [p, 1], scalars: teacher))
        let diagonalTheta = (0..<(2 * p)).map { _ in 0.1 + 0.05 * diagonal.gaussian() }

        var sampler = try BatchSampler(count: sampleCount, batchSize: adamBatchSize, scheme: .withoutReplacement,
                                       lastBatch: .drop, seed: seed)
        let batches = (0..<adamSteps).flatMap { _ in sampler.next().map(Double.init) }

        try NPZ.write(arrays: [
            "x": NPYArray(data.x), "y": NPYArray(data.y),
            "labels": NPYArray(Tensor(data.labels!.map(Double.init)), dtype: .int64),
            "diag_x": NPYArray(diagonalX), "diag_y": NPYArray(diagonalY),
            "direction": NPYArray(Tensor(direction)), "lanczos_start": NPYArray(Tensor(lanczosStart)),
            "sample_weights": NPYArray(Tensor(sampleWeights)),
            "adam_batches": NPYArray(Tensor(shape: [adamSteps, adamBatchSize], scalars: batches), dtype: .int64),
        ], to: directory.appendingPathComponent("data.npz"))
        try NPY.write(Tensor(theta), to: directory.appendingPathComponent("mlp_theta.npy"))
        try NPY.write(Tensor(diagonalTheta), to: directory.appendingPathComponent("diag_theta.npy"))
        try NPY.write(hutchinsonProbes, to: directory.appendingPathComponent("hutchinson_probes.npy"), dtype: .int8)
    }

    static func load(from directory: URL) throws -> BenchInputs {
        let data = try NPZ.readArrays(from: directory.appendingPathComponent("data.npz"))
        func array(_ key: String) throws -> NPYArray {
            guard let a = data[key] else { throw BenchError("data.npz: missing array '\(key)'; rerun `biaslab-bench export`") }
            return a
        }
        let batches = try array("adam_batches")
        let flat = batches.integers ?? batches.tensor.scalars.map { Int($0) }
        let width = batches.tensor.shape[1]
        return BenchInputs(
            x: try array("x").tensor, y: try array("y").tensor,
            theta: try NPY.read(directory.appendingPathComponent("mlp_theta.npy")).scalars,
            direction: try array("direction").tensor.scalars,
            lanczosStart: try array("lanczos_start").tensor.scalars,
            sampleWeights: try array("sample_weights").tensor.scalars,
            diagonalX: try array("diag_x").tensor, diagonalY: try array("diag_y").tensor,
            diagonalTheta: try NPY.read(directory.appendingPathComponent("diag_theta.npy")).scalars,
            adamBatches: stride(from: 0, to: flat.count, by: width).map { Array(flat[$0..<($0 + width)]) },
            hutchinsonProbes: try NPY.read(directory.appendingPathComponent("hutchinson_probes.npy")))
    }
}

/// A one-line error of the benchmark binary (bad arguments, missing inputs).
struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
