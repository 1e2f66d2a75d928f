import DataIO
import Foundation
import NN
import Tensor

/// The inputs shared by BiasLab and the JAX peers of `make bench`, written once by
/// `biaslab-bench export DIR` and read back by both sides, so both compute on identical bits:
///
/// - `data.npz`: `x` [1000, 784] (the first 1000 Fashion-MNIST training images, pixels / 255), `y`
///   [1000, 10] one-hot, `labels` (int64); the diagonal-network problem `diag_x` [200, 1000] and
///   `diag_y` [200, 1]; the ``BenchVectors`` `direction` (HVP direction of W2, also the probe of W3's
///   check), `lanczos_start` (W4 and W6) and `sample_weights` [1000] (W3's check); `adam_batches`
///   [1000, 128] (int64, the mini-batches of W6, epochs without replacement, last partial batch
///   dropped).
/// - `mlp_theta.npy`: θ of the MLP 784-256-256-10 from BiasLab's PyTorch-default initialization.
/// - `diag_theta.npy`: θ = [u; v] of the diagonal network.
/// - `hutchinson_probes.npy`: the 100 Rademacher probes of W8 as the rows of a [100, d] int8 array
///   (±1; 27 MB instead of 215 MB as float64).
/// - `widths` in `data.npz` (int64): the MLP's widths, so the scaling study (`bench/scaling.py`) can
///   export the same inputs at another width or sample count with ``Shape`` and every side reads
///   the model from the inputs.
struct BenchInputs {
    /// What `export` writes: the MLP's widths, the number of training images N and of Hutchinson
    /// probes (0: no probe file). The defaults are the `make bench` inputs.
    struct Shape {
        var widths = BenchInputs.mlpWidths
        var sampleCount = BenchInputs.sampleCount
        var probeCount = BenchInputs.hutchinsonProbeCount

        /// `--widths 784,H,H,10`, `--samples N` (1 … 60000), `--probes K` (0 or a multiple of 50).
        init(options: [String: String]) throws {
            if let text = options["widths"] {
                let parsed = text.split(separator: ",").compactMap { Int($0) }
                guard parsed.count >= 2, parsed.count == text.split(separator: ",").count, parsed.allSatisfy({ $0 > 0 }),
                      parsed.first == 784, parsed.last == 10 else {
                    throw BenchError("export: --widths must be positive integers 784,…,10, got '\(text)'")
                }
                widths = parsed
            }
            if let text = options["samples"] {
                guard let n = Int(text), (2...60_000).contains(n) else {
                    throw BenchError("export: --samples must be an integer in 2…60000 (Fashion-MNIST's training set), got '\(text)'")
                }
                sampleCount = n
            }
            if let text = options["probes"] {
                guard let k = Int(text), k >= 0, k % 50 == 0 else {
                    throw BenchError("export: --probes must be 0 or a positive multiple of 50, got '\(text)'")
                }
                probeCount = k
            }
        }
    }


    static let mlpWidths = [784, 256, 256, 10]
    static let sampleCount = 1000
    static let diagonalDimension = 1000
    static let diagonalSamples = 200
    static let adamSteps = 1000
    static let adamBatchSize = 128
    static let hutchinsonProbeCount = 100
    static let seed: UInt64 = 9

    let widths: [Int]
    let x: Tensor
    let y: Tensor
    let theta: [Double]
    let vectors: BenchVectors
    let diagonalX: Tensor
    let diagonalY: Tensor
    let diagonalTheta: [Double]
    let adamBatches: [[Int]]
    let hutchinsonProbes: Tensor

    static func export(to directory: URL, shape: Shape) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let sampleCount = shape.sampleCount, hutchinsonProbeCount = shape.probeCount
        let data = try FashionMNIST.load(split: .train, options: .init(selection: .first(sampleCount)))
        let root = RandomGenerator(seed: seed, stream: "bench")
        var initialization = root.stream("mlp-init")
        let theta = DenseNetwork(widths: shape.widths, activation: .tanh).initialParameters(using: &initialization)
        let d = theta.count
        var vectors = root.stream("vectors")
        let shared = BenchVectors(dimension: d, samples: sampleCount, using: &vectors)
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

        var sampler = try BatchSampler(count: sampleCount, batchSize: min(adamBatchSize, sampleCount), scheme: .withoutReplacement,
                                       lastBatch: .drop, seed: seed)
        let batches = (0..<adamSteps).flatMap { _ in sampler.next().map(Double.init) }
        let batchWidth = min(adamBatchSize, sampleCount)

        try NPZ.write(arrays: shared.arrays.merging([
            "x": NPYArray(data.x), "y": NPYArray(data.y),
            "labels": NPYArray(Tensor(data.labels!.map(Double.init)), dtype: .int64),
            "diag_x": NPYArray(diagonalX), "diag_y": NPYArray(diagonalY),
            "adam_batches": NPYArray(Tensor(shape: [adamSteps, batchWidth], scalars: batches), dtype: .int64),
            "widths": NPYArray(Tensor(shape.widths.map(Double.init)), dtype: .int64),
        ]) { a, _ in a }, to: directory.appendingPathComponent("data.npz"))
        try NPY.write(Tensor(theta), to: directory.appendingPathComponent("mlp_theta.npy"))
        try NPY.write(Tensor(diagonalTheta), to: directory.appendingPathComponent("diag_theta.npy"))
        let probeFile = directory.appendingPathComponent("hutchinson_probes.npy")
        if hutchinsonProbeCount > 0 {
            try NPY.write(hutchinsonProbes, to: probeFile, dtype: .int8)
        } else if FileManager.default.fileExists(atPath: probeFile.path) {
            try FileManager.default.removeItem(at: probeFile)
        }
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
        let widths = data["widths"].map { $0.integers ?? $0.tensor.scalars.map { Int($0) } } ?? mlpWidths
        let theta = try NPY.read(directory.appendingPathComponent("mlp_theta.npy")).scalars
        let probeFile = directory.appendingPathComponent("hutchinson_probes.npy")
        return BenchInputs(
            widths: widths,
            x: try array("x").tensor, y: try array("y").tensor,
            theta: theta,
            vectors: try BenchVectors(arrays: data, file: "data.npz"),
            diagonalX: try array("diag_x").tensor, diagonalY: try array("diag_y").tensor,
            diagonalTheta: try NPY.read(directory.appendingPathComponent("diag_theta.npy")).scalars,
            adamBatches: stride(from: 0, to: flat.count, by: width).map { Array(flat[$0..<($0 + width)]) },
            hutchinsonProbes: FileManager.default.fileExists(atPath: probeFile.path)
                ? try NPY.read(probeFile) : Tensor(shape: [0, theta.count], scalars: []))
    }
}

/// A one-line error of the benchmark binary (bad arguments, missing inputs).
struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
