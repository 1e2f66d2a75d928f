import Curvature
import Optim
import Theory

/// `theory`: the papers' predictions along a run, from the same statistics `biaslab advise` measures
/// (issue 21, item 2): paper 000's noise ratio λ_t, C_total at λ_t and the transition batch sizes at the
/// current B_simple (drawn beside the run's batch size), and paper 001's modified loss L̃(θ_t) (drawn
/// beside the training loss). The stability thresholds are the sharpness probes' (`gd_threshold`,
/// `aeos_threshold`, `ias_threshold`, `momentum_threshold`). No options; batches must be drawn at random
/// (λ is for shuffled epochs). Metrics that do not apply to the run's optimizer are not recorded.
public struct TheoryProbe: RandomBatchProbe {
    static let noiseRatio = ProbeMetric("noise_ratio", "λ = (N/b − 1)/(N − 1)·B_simple, 0 in full batch (paper 000 Eq. (8))")
    static let cTotal = ProbeMetric("c_total", "C_total = β₁/(1−β₁) − β₂/(1−β₂) + (C₁ + C₂)λ at the run's (β₁, β₂) (paper 000 Eq. (7))",
                                    only: "Adam")
    static let transitionHalf = ProbeMetric("transition_batch_half", "b_{1/2} = 2N·B_simple/(N + 2B_simple − 1), where λ = ½ (paper 000 §3.3)")
    static let transitionOne = ProbeMetric("transition_batch_one", "b₁ = N·B_simple/(N + B_simple − 1), where λ = 1 (paper 000 §3.3)")
    static let batchSize = ProbeMetric("batch_size", "b, the run's batch size (N in full batch), the reference for b_{1/2} and b₁")
    static let modifiedLoss = ProbeMetric(
        "modified_loss", "L̃(θ_t) at η_t: heavy ball L + hβ/(2(1−β)²)‖∇L‖² + hβ/(2(1−β)(1+β))·E_B‖∇L_B − ∇L‖² (App. G), Nesterov L + hβ²/(2(1−β)²)‖∇L‖², AdamW (ε → 0) "
            + "(1 + λ(*)h)L − h(*)(‖∇L‖₁ + λ∇Lᵀθ), (*) = β₂/(1−β₂) − β₁/(1−β₁) (paper 001 eq. (6), §4, App. G)",
        only: "heavy ball, Nesterov or Adam/AdamW with ε inside the root")
    static let memoryTerm = ProbeMetric("memory_term", "L̃(θ_t) − L(θ_t): what the optimizer's memory adds (paper 001)",
                                        only: "heavy ball, Nesterov or Adam/AdamW with ε inside the root")
    public static let documentation = ProbeDescription(
        name: "theory", summary: "the papers' predictions at θ_t: λ, C_total, transition batch sizes (000), modified loss (001)",
        reference: "Cattaneo & Shigida (papers 000 Eqs. (7)–(8), §3.3; 001 eq. (6), §4)",
        metrics: [noiseRatio, cTotal, transitionHalf, transitionOne, batchSize, modifiedLoss, memoryTerm])

    public init(options: inout ConfigReader) throws(ConfigError) {}

    public mutating func measure(_ context: ProbeContext) throws -> [String: Double] {
        let objective = context.objective, theta = context.parameters
        let n = objective.sampleCount, b = context.batchSize
        let noise = objective.gradientNoise(at: theta)
        var values = [Self.batchSize.name: Double(b)]
        let lambda = try AdamNoiseScale.noiseRatio(sampleCount: n, batchSize: b, simpleNoiseScale: noise.simpleNoiseScale)
        values[Self.noiseRatio.name] = lambda
        if n >= 2, noise.simpleNoiseScale > 0 {
            let transition = try AdamNoiseScale.transitionBatchSizes(datasetSize: Double(n), simpleNoiseScale: noise.simpleNoiseScale)
            values[Self.transitionHalf.name] = transition.half
            values[Self.transitionOne.name] = transition.one
        }
        if let adam = context.hyperparameters as? Adam.Hyperparameters {
            values[Self.cTotal.name] = try AdamNoiseCoefficients(beta1: adam.beta1, beta2: adam.beta2).total(noiseRatio: lambda)
        }
        if let rule = try? MemoryOptimizer(context.hyperparameters) {
            let loss = objective.loss(at: theta)
            if let evaluated = MemoryModifiedLoss.evaluate(rule, learningRate: context.learningRate, loss: loss, noise: noise,
                                                           parameters: theta, batchSize: min(b, n)) {
                values[Self.modifiedLoss.name] = evaluated.total
                values[Self.memoryTerm.name] = evaluated.total - loss
            }
        }
        return values
    }
}
