import Tensor

/// Adam-mini (Zhang et al. 2024): Adam with one second-moment value per parameter block, the block mean
/// of g².
///
/// Symbols, keys and ranges are Adam's (`Adam.Hyperparameters`); the blocks B₁ … B_K partition θ.
///
/// Initial state: t = 0, m₀ = 0 ∈ ℝ^d, v₀ = 0 ∈ ℝ^K (one per block, in `blocks` order).
///
/// Step t:
/// ```
/// θ ← (1 − η_t λ_t) θ                       ◀ weightDecayMode = decoupled (the official default)
/// m ← β₁ m + (1 − β₁) g
/// v_b ← β₂ v_b + (1 − β₂) (1/|B_b|) Σ_{i∈B_b} g_i²      for every block b
/// θ_i ← θ_i − η_t (m_i/(1 − β₁ᵗ)) / (√(v_{b(i)}/(1 − β₂ᵗ)) + ε)
/// ```
/// (ε placement, bias correction, timing and coupled decay are as in `Adam`.) With one-element blocks this
/// is Adam; with one block it is AdaSGD (both tested).
///
/// - Parameters: as `Adam`; `blocks` must partition 0..<d (checked at the first step by the index ranges).
///
/// References:
/// - Y. Zhang et al., "Adam-mini: Use Fewer Learning Rates To Gain More", arXiv 2406.16793
///   (`zyushun/Adam-mini`: h = √vmean/√(1 − β₂ᵗ) + ε, step lr/(1 − β₁ᵗ)·m/h, decoupled decay).
/// - Li, Wen, Lyu, arXiv 2511.02773, Table 1 (V(M)_i = mean of M_jj over B(i); digest 002 §3.4).
///
/// Differs from: the official code chooses blocks from the model (per head for Q/K, per output neuron for
/// others, embeddings per token); here the caller passes the blocks.
public typealias AdamMini = BlockwiseAdam<AdamMiniBlocks>

/// Adam-mini's groups: every parameter block is its own group.
public enum AdamMiniBlocks: SecondMomentBlocks {
    public static let optimizerName = "Adam-mini"
    public static let groupIndex = "b"
    public static func groups(_ blocks: [ParameterBlock]) -> [[Range<Int>]] { blocks.map { [$0.range] } }
    public static func erase(_ optimizer: AdamMini) -> AnyOptimizer { .adamMini(optimizer) }
}
