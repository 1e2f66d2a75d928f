/// The predicted one-step change of the training loss (paper 003, eqs. (7), (12), (131); digest 003 §2.4).
///
/// ```
/// E_ξ[L_{t+1}] − L_t = −η‖∇L‖² + (η²/2) tr(HS_b) + ϵ
///                    = (η²/2) tr(S_n) [tr(HS_b)/tr(S_n) − 2/η] + ϵ                        (7)
///                    = (η²/2) tr(S_n) [‖H‖_{S_b}/ρ_b − 2/η] + ϵ
/// ```
///
/// ϵ = O(E‖δ_t‖³) vanishes for quadratic L, where (7) is exact. tr(S_n) = ‖∇L‖² and tr(HS_b) uses the
/// full-data Hessian. (Eq. (47) of the paper prints the opposite sign; it is a typo, digest 003 §2.4.)
public enum LossChangePrediction {
    /// (η²/2) tr(S_n) [tr(HS_b)/tr(S_n) − 2/η] = −η tr(S_n) + (η²/2) tr(HS_b) (eq. (7)).
    /// - Parameters:
    ///   - learningRate: η > 0.
    ///   - gradientNormSquared: tr(S_n) = ‖∇L‖² ≥ 0.
    ///   - traceHessianSecondMoment: tr(HS_b) (for GD, ∇Lᵀ H ∇L).
    public static func sgd(learningRate: Double, gradientNormSquared: Double,
                           traceHessianSecondMoment: Double) throws -> Double {
        try Check.positive(learningRate, "learningRate")
        try Check.nonNegative(gradientNormSquared, "gradientNormSquared")
        return -learningRate * gradientNormSquared + 0.5 * learningRate * learningRate * traceHessianSecondMoment
    }

    /// Eq. (7) from the IAS and the concentration: (η²/2) tr(S_n) [‖H‖_{S_b}/ρ_b − 2/η].
    public static func sgd(learningRate: Double, gradientNormSquared: Double, interactionAwareSharpness: Double,
                           concentration: Double) throws -> Double {
        try Check.unitInterval(concentration, "concentration")
        return try sgd(learningRate: learningRate, gradientNormSquared: gradientNormSquared,
                       traceHessianSecondMoment: interactionAwareSharpness * gradientNormSquared / concentration)
    }

    /// The heuristic momentum version (eq. (131), not exact):
    /// (η² / (2γ(1−β₁))) tr(S_n) (‖H‖_{S_n} − (2/η)γ),  γ = (1+β₁)/(1+2β₂).
    public static func momentum(learningRate: Double, beta1: Double, beta2: Double, gradientNormSquared: Double,
                                interactionAwareSharpness: Double) throws -> Double {
        let threshold = try StabilityThreshold.momentum(learningRate: learningRate, beta1: beta1, beta2: beta2)
        try Check.nonNegative(gradientNormSquared, "gradientNormSquared")
        let gamma = (1 + beta1) / (1 + 2 * beta2)
        return learningRate * learningRate / (2 * gamma * (1 - beta1)) * gradientNormSquared
            * (interactionAwareSharpness - threshold)
    }
}
