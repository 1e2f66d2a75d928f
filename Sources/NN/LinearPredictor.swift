/// A model whose prediction is linear in its input through one effective weight vector w(θ):
/// f(x) = ⟨w(θ), x⟩. The recovery probe compares w(θ) with a synthetic source's teacher (digest 002 §6.2–6.3).
///
/// | model | w(θ) | teacher |
/// |---|---|---|
/// | ``DiagonalLinearNetwork`` | u^{⊙L} − v^{⊙L} ∈ ℝ^d | w* of `sparse-regression` |
/// | ``DeepLinearNetwork`` with the `:sensing` readout | vec(W_L⋯W_1), row-major [d_L·d_0] | vec(M*) of `matrix-sensing` |
public protocol LinearPredictor: Model {
    /// w(θ), flattened.
    func effectiveWeights(_ parameters: [Double]) -> [Double]
}

extension DiagonalLinearNetwork: LinearPredictor {}

extension DeepLinearNetwork: LinearPredictor {
    /// vec(W_L⋯W_1), row-major [d_L, d_0]: the map ⟨A, M⟩ reads (the `:sensing` readout; for the `.vector`
    /// readout it is M itself, whose rows are the output units' weight vectors).
    public func effectiveWeights(_ parameters: [Double]) -> [Double] {
        precondition(parameters.count == parameterCount, "DeepLinearNetwork: θ has \(parameters.count) entries, expected \(parameterCount)")
        var m: [Double] = []  // the product so far, [widths[l], widths[0]] row-major
        for (l, r) in network.layerRanges.enumerated() {
            let w = Array(parameters[r.weight])
            let (rows, inner) = (widths[l + 1], widths[l])
            if l == 0 { m = w; continue }
            let columns = widths[0]
            var product = [Double](repeating: 0, count: rows * columns)
            for i in 0..<rows {
                for k in 0..<inner where w[i * inner + k] != 0 {
                    let a = w[i * inner + k]
                    for j in 0..<columns { product[i * columns + j] += a * m[k * columns + j] }
                }
            }
            m = product
        }
        return m
    }
}
