/// The work counts behind the floors of `make bench`: gemm flops (÷ the measured dgemm GFLOP/s) and
/// bytes that must be written or streamed (÷ the measured write bandwidth). A floor is what the
/// workload would take if every gemm ran at dgemm speed and every memory-bound phase at the write
/// bandwidth; element-wise work, allocation and dispatch are counted as zero.
///
/// For an MLP with widths n₀ … n_L on a batch of B samples, let Σ = Σ_l n_{l−1} n_l and Σ' = the same
/// sum without the first layer (the layers whose input gradient is needed). In units of 2B flops:
/// ```
/// gradient (reverse mode)              forward Σ, weight gradients Σ, input gradients Σ'   = 2Σ + Σ'
/// HVP tangent part (forward-over-      ż = ȧWᵀ + aẆᵀ: Σ + Σ'; Ẇ-grad δ̇ᵀa + δᵀȧ: Σ + Σ';
///   reverse, Pearlmutter's R-op)       input-gradient tangents δ̇W + δẆ: 2Σ'                = 2Σ + 4Σ'
/// HVP (primal pass without the weight  forward Σ, input gradients Σ', tangent part           = 3Σ + 5Σ'
///   gradients, which only the gradient's value needs: a tangent-only backward pass)
/// per-sample δ's (one batched pass)    forward Σ, input gradients Σ'                       = Σ + Σ'
/// ```
/// Several HVPs at one θ share the primal gradient ("linearize once", DERIVATIVES.md), so k HVPs
/// cost gradient + k · tangent.
enum FlopModel {
    private static func layerSums(_ widths: [Int]) -> (all: Double, afterFirst: Double) {
        let products = zip(widths, widths.dropFirst()).map { Double($0 * $1) }
        return (products.reduce(0, +), products.dropFirst().reduce(0, +))
    }

    static func mlpGradient(widths: [Int], batch: Int) -> Double {
        let s = layerSums(widths)
        return 2 * Double(batch) * (2 * s.all + s.afterFirst)
    }

    static func mlpTangent(widths: [Int], batch: Int) -> Double {
        let s = layerSums(widths)
        return 2 * Double(batch) * (2 * s.all + 4 * s.afterFirst)
    }

    static func mlpHessianVectorProduct(widths: [Int], batch: Int) -> Double {
        mlpPerSampleDeltas(widths: widths, batch: batch) + mlpTangent(widths: widths, batch: batch)
    }

    static func mlpPerSampleDeltas(widths: [Int], batch: Int) -> Double {
        let s = layerSums(widths)
        return 2 * Double(batch) * (s.all + s.afterFirst)
    }

    /// One Adam step streams θ, g, m, v in and θ, m, v out: 7 × 8 bytes per parameter.
    static func adamStepBytes(dimension d: Int) -> Double { 7 * 8 * Double(d) }
}
