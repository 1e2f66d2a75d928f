import Tensor

/// Adalayer (Zhao et al. 2024): Adam with one second-moment value per layer, the layer mean of g².
/// It is Adam-mini whose blocks are the layers: all `ParameterBlock`s with the same `layer` share one v.
///
/// Symbols, keys and ranges are Adam's (`Adam.Hyperparameters`).
///
/// Initial state: t = 0, m₀ = 0 ∈ ℝ^d, v₀ = 0 ∈ ℝ^L (one per distinct layer, in order of first appearance).
///
/// Step t:
/// ```
/// (weight decay as in Adam)
/// m ← β₁ m + (1 − β₁) g
/// v_ℓ ← β₂ v_ℓ + (1 − β₂) (1/|L_ℓ|) Σ_{i∈L_ℓ} g_i²      for every layer ℓ
/// θ_i ← θ_i − η_t (m_i/(1 − β₁ᵗ)) / (√(v_{ℓ(i)}/(1 − β₂ᵗ)) + ε)
/// ```
///
/// - Parameters: as `Adam`; `blocks` partition 0..<d and carry the layer index.
///
/// References:
/// - R. Zhao, D. Morwani, D. Brandfonbrener, N. Vyas, S. Kakade, "Deconstructing What Makes a Good
///   Optimizer for Language Models", arXiv 2407.07972 (Adalayer).
/// - Li, Wen, Lyu, arXiv 2511.02773, Table 1 (digest 002 §3.4).
///
/// Differs from: Zhao et al.'s Adalayer keeps the last layer per-coordinate in some runs; here every
/// layer is one group.
public typealias Adalayer = BlockwiseAdam<AdalayerBlocks>

/// Adalayer's groups: the blocks of one layer (same `ParameterBlock.layer`) form one group, layers in order
/// of first appearance.
public enum AdalayerBlocks: SecondMomentBlocks {
    public static let optimizerName = "Adalayer"
    public static let groupIndex = "ℓ"
    public static func groups(_ blocks: [ParameterBlock]) -> [[Range<Int>]] {
        var layers: [Int] = []
        var ranges: [Int: [Range<Int>]] = [:]
        for block in blocks {
            if ranges[block.layer] == nil { layers.append(block.layer) }
            ranges[block.layer, default: []].append(block.range)
        }
        return layers.map { ranges[$0]! }
    }
    public static func erase(_ optimizer: Adalayer) -> AnyOptimizer { .adalayer(optimizer) }
}
