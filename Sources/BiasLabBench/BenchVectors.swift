import DataIO
import Tensor

/// The random vectors of a set of bench workloads, shared by every side through the exported inputs:
/// `direction` (the HVP direction, also the probe of the per-sample check), `lanczos_start` (the
/// Lanczos start vector) and `sample_weights` (the per-sample check's random combination of rows).
struct BenchVectors {
    let direction: [Double]
    let lanczosStart: [Double]
    let sampleWeights: [Double]

    /// Drawn in this order from `generator`: d Gaussians, d Gaussians, n Gaussians.
    init(dimension d: Int, samples n: Int, using generator: inout RandomGenerator) {
        direction = generator.gaussians(d)
        lanczosStart = generator.gaussians(d)
        sampleWeights = generator.gaussians(n)
    }

    /// Read back from the arrays of an exported `.npz` (`file` names it in the error).
    init(arrays: [String: NPYArray], file: String) throws {
        func vector(_ key: String) throws -> [Double] {
            guard let a = arrays[key] else { throw BenchError("\(file): missing array '\(key)'; rerun `biaslab-bench export`") }
            return a.tensor.scalars
        }
        direction = try vector("direction")
        lanczosStart = try vector("lanczos_start")
        sampleWeights = try vector("sample_weights")
    }

    /// The arrays written into the `.npz`.
    var arrays: [String: NPYArray] {
        ["direction": NPYArray(Tensor(direction)), "lanczos_start": NPYArray(Tensor(lanczosStart)),
         "sample_weights": NPYArray(Tensor(sampleWeights))]
    }
}
