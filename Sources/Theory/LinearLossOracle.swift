/// The linear-loss warm-up of paper 004 (§4.1; digest 004 §3.5, oracle A of §10.2): f(θ) = ⟨θ, ḡ⟩ with
/// stochastic gradients g_k ~ N(ḡ, σ²I), and the RMSprop/Adam second-moment EMA
/// v_{k+1} = βv_k + (1−β)g_k². Exactly, per coordinate,
///
/// ```
/// E[v_k] = β^k v₀ + (1 − β^k)(ḡ² + σ²)
/// ```
///
/// independent of θ, so it holds for the lagged and the standard update alike.
public enum LinearLossOracle {
    /// E[v_k] for one coordinate with mean gradient ḡ and noise standard deviation σ.
    /// - Parameters:
    ///   - steps: k ≥ 0.
    ///   - beta: β ∈ [0, 1).
    ///   - initialSecondMoment: v₀ ≥ 0.
    public static func expectedSecondMoment(steps: Int, beta: Double, initialSecondMoment: Double,
                                            meanGradient: Double, noiseStandardDeviation: Double) throws -> Double {
        guard steps >= 0 else { throw TheoryInputError(name: "steps", value: Double(steps), expected: "≥ 0") }
        try Check.beta(beta, "beta")
        try Check.nonNegative(initialSecondMoment, "initialSecondMoment")
        var decay = 1.0
        for _ in 0..<steps { decay *= beta }
        let stationary = meanGradient * meanGradient + noiseStandardDeviation * noiseStandardDeviation
        return decay * initialSecondMoment + (1 - decay) * stationary
    }
}
