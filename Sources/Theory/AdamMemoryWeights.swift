import Foundation

/// The unrolled weights of bias-corrected Adam (paper 000, Def. 3.1 unrolled; digest 000 §3.3):
///
/// ```
/// μ_{t,k} = β₁^{t−k}(1−β₁)/(1−β₁^{t+1}),   ν_{t,k} = β₂^{t−k}(1−β₂)/(1−β₂^{t+1}),   k ∈ [0, t]
/// Σ_k μ_{t,k} = Σ_k ν_{t,k} = 1
/// ```
///
/// so that m̂_{t+1} = Σ_k μ_{t,k} g_k and v̂_{t+1} = Σ_k ν_{t,k} g_k². The same formula with β = β₁ or β₂.
public enum AdamMemoryWeights {
    /// β^{t−k}(1−β)/(1−β^{t+1}) for 0 ≤ k ≤ t (0 outside), β ∈ (0, 1).
    public static func weight(step t: Int, lag k: Int, beta: Double) -> Double {
        guard k >= 0, k <= t else { return 0 }
        return pow(beta, Double(t - k)) * (1 - beta) / (1 - pow(beta, Double(t + 1)))
    }

    /// [μ_{t,0}, …, μ_{t,t}] for one β.
    public static func weights(step t: Int, beta: Double) -> [Double] {
        (0...t).map { weight(step: t, lag: $0, beta: beta) }
    }
}
