import DataIO
import Foundation
import NN
import Tensor

/// The transformer inputs of `make bench` (workloads T1–T4, issue 19 item 4), written by
/// `biaslab-bench export DIR` beside ``BenchInputs`` and read back by BiasLab and the JAX peer:
///
/// - `lm.npz`: `x` and `y` [256, 64] (int64 byte ids: the first 256 windows of context 64, stride 64,
///   of the training split of Debian's fortunes, ``TextCorpus``; y is x shifted by one token),
///   `spec` (int64: vocabulary, context, width, heads, layers, MLP width), the ``BenchVectors``
///   `direction` (T2's HVP direction, T3's check probe), `lanczos_start` (T4) and `sample_weights` [256] (T3's check).
/// - `lm_theta.npy`: θ of `transformer:vocab=256:context=64:width=128:heads=4:layers=2:mlp=512:tied`
///   (437,760 parameters) from nanoGPT's initialization (``Transformer``), in nanoGPT's state_dict order.
struct LMBenchInputs {
    static let model = Transformer(vocabulary: TextCorpus.vocabulary, context: 64, width: 128, heads: 4, layers: 2,
                                   mlpWidth: 512, unembedding: .tied)
    static let sequenceCount = 256
    static let seed: UInt64 = 19

    let model: Transformer
    let x: Tensor
    let y: Tensor
    let theta: [Double]
    let vectors: BenchVectors

    static func export(to directory: URL) throws {
        let corpus = try TextCorpus(corpus: .fortunes, split: .train, context: model.context, limit: sequenceCount).generate()
        guard corpus.x.shape[0] == sequenceCount else {
            throw BenchError("export: the fortunes corpus gives \(corpus.x.shape[0]) windows of \(model.context) tokens, expected \(sequenceCount)")
        }
        let root = RandomGenerator(seed: seed, stream: "bench-lm")
        var initialization = root.stream("init")
        let theta = model.initialParameters(using: &initialization)
        var vectors = root.stream("vectors")
        let shared = BenchVectors(dimension: theta.count, samples: sequenceCount, using: &vectors)
        let spec = [model.vocabulary, model.context, model.width, model.heads, model.layers, model.mlpWidth]
        try NPZ.write(arrays: shared.arrays.merging([
            "x": NPYArray(corpus.x, dtype: .int64), "y": NPYArray(corpus.y, dtype: .int64),
            "spec": NPYArray(Tensor(spec.map(Double.init)), dtype: .int64),
        ]) { a, _ in a }, to: directory.appendingPathComponent("lm.npz"))
        try NPY.write(Tensor(theta), to: directory.appendingPathComponent("lm_theta.npy"))
    }

    static func load(from directory: URL) throws -> LMBenchInputs {
        let file = directory.appendingPathComponent("lm.npz")
        guard FileManager.default.fileExists(atPath: file.path) else {
            throw BenchError("\(file.path): missing; rerun `biaslab-bench export`")
        }
        let data = try NPZ.readArrays(from: file)
        func array(_ key: String) throws -> Tensor {
            guard let a = data[key] else { throw BenchError("lm.npz: missing array '\(key)'; rerun `biaslab-bench export`") }
            return a.tensor
        }
        let spec = try array("spec").scalars.map { Int($0) }
        guard spec.count == 6 else { throw BenchError("lm.npz: spec has \(spec.count) entries, expected 6") }
        let model = Transformer(vocabulary: spec[0], context: spec[1], width: spec[2], heads: spec[3], layers: spec[4],
                                mlpWidth: spec[5], unembedding: .tied)
        let theta = try NPY.read(directory.appendingPathComponent("lm_theta.npy")).scalars
        guard theta.count == model.parameterCount else {
            throw BenchError("lm_theta.npy: \(theta.count) parameters, the spec's transformer has \(model.parameterCount)")
        }
        return LMBenchInputs(model: model, x: try array("x"), y: try array("y"), theta: theta,
                             vectors: try BenchVectors(arrays: data, file: "lm.npz"))
    }
}
