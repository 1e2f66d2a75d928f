import NN

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

extension FlopModel {
    /// The gemm flops of a decoder-only transformer (``NN/Transformer``) on N sequences of T tokens, R = N·T
    /// rows. Forward, per layer: the four weight products R·(3D² + D² + 2DM) multiply-adds and attention's
    /// two batched products 2·N·T²·D (the full T × T scores; the causal half is not skipped); then the
    /// unembedding R·V·D. A gemm's reverse pass is two gemms of its size, so the gradient is 3 × the
    /// forward, and the tangent part of an HVP (forward-over-reverse) is 2 × the gradient's gemms (each
    /// product of the forward and backward passes has two tangent products); an HVP is the primal pass
    /// without weight gradients (2 × forward) plus the tangent part. In flops (2 per multiply-add).
    struct TransformerCounts {
        let forward: Double

        init(model: Transformer, sequences n: Int) {
            let t = Double(model.context), d = Double(model.width), m = Double(model.mlpWidth), v = Double(model.vocabulary)
            let rows: Double = Double(n) * t
            let weights: Double = rows * (4 * d * d + 2 * d * m)
            let attention: Double = 2 * Double(n) * t * t * d
            let unembedding: Double = rows * v * d
            forward = 2 * (Double(model.layers) * (weights + attention) + unembedding)
        }

        var gradient: Double { 3 * forward }
        /// The forward pass and the input gradients, without the weight gradients (an HVP's primal part, as for the MLP).
        var primalWithoutWeightGradients: Double { 2 * forward }
        var tangent: Double { 2 * gradient }
    }
}
