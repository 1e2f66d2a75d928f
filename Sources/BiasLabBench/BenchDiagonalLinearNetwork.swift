import Autodiff
import NN
import Tensor

/// The diagonal linear network of bench workload W5, written here only for the benchmark (the
/// library's diagonal-network model lives on the `models` branch):
/// ```
/// θ = [u; v] ∈ ℝ^{2d},   w = u⊙u − v⊙v,   f(x) = ⟨w, x⟩
/// ```
/// (Woodworth et al. 2020, "Kernel and rich regimes in overparametrized models"). Only the forward
/// pass is written; derivatives come from the autodiff engine, which is what W5 measures.
struct BenchDiagonalLinearNetwork: Model {
    let dimension: Int

    var parameterCount: Int { 2 * dimension }
    var blocks: [ParameterBlock] {
        [ParameterBlock(name: "u", range: 0..<dimension, layer: 0),
         ParameterBlock(name: "v", range: dimension..<(2 * dimension), layer: 0)]
    }
    var outputCount: Int { 1 }

    func forward(_ parameters: Variable, _ inputs: Tensor) -> Variable {
        precondition(parameters.shape == [parameterCount], "BenchDiagonalLinearNetwork: θ has shape \(parameters.shape), expected [\(parameterCount)]")
        let u = parameters.slice(0..<dimension)
        let v = parameters.slice(dimension..<(2 * dimension))
        let w = (u * u - v * v).reshaped([dimension, 1])
        return Variable.matmul(Variable(inputs), w)
    }

    func initialParameters(using generator: inout RandomGenerator) -> [Double] {
        [Double](repeating: 0.1, count: parameterCount)
    }
}
