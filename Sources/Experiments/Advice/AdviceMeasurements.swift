import Curvature
import DataIO
import NN
import Optim
import Tensor
import Theory

/// A measured number with its standard error (nil where the estimator has none) and the estimator used.
public struct Measured: Codable, Equatable, Sendable {
    /// How a number was obtained.
    public enum Kind: String, Codable, Sendable {
        /// A closed form over every sample (per-sample gradients, exact traces).
        case exact
        /// An iterative eigensolver converged to a stated tolerance.
        case iterative
        /// A Monte-Carlo estimate; `standardError` is its standard error.
        case sampled
    }

    public let value: Double
    public let standardError: Double?
    public let kind: Kind
    /// The estimator in words, e.g. "Hutchinson, 100 Rademacher probes".
    public let estimator: String

    public init(_ value: Double, standardError: Double? = nil, kind: Kind, estimator: String) {
        self.value = value
        self.standardError = standardError
        self.kind = kind
        self.estimator = estimator
    }

    init(_ estimate: Estimate, estimator: String) {
        self.init(estimate.value, standardError: estimate.standardError, kind: .sampled, estimator: estimator)
    }
}

/// Everything `advise` measures at θ (issue 21), batches drawn without replacement (shuffled epochs):
///
/// ```
/// ‖g‖² = ‖∇L(θ)‖²,  tr Σ (1/N normalization),  B_simple = tr Σ/‖g‖²                   (McCandlish et al.)
/// λ = (N/b − 1)/(N − 1)·B_simple                                                       (paper 000, Eq. (8))
/// ρ = ‖g‖²/mean‖∇ℓᵢ‖²,  ρ_b = 1/((γ/b)/ρ + 1 − γ/b)                                     (paper 003, eq. (17))
/// λ_max(H) by Lanczos;  tr H exact (d ≤ probes) or Hutchinson
/// IAS = tr(HS_b)/tr(S_b): exact from the N per-sample gradients, or sampled over K batches   (paper 003, eq. (16))
/// Adam: λ₁(P⁻¹H), P = √(diag S_b) + ε (stationary v) or the warm-up's optimizer state      (Cohen et al. 2022)
/// ```
///
/// ‖g‖², tr Σ, B_simple, λ, ρ and ρ_b are always exact (per-sample squared norms, no N × d matrix).
public struct AdviceMeasurements: Codable, Equatable, Sendable {
    public let sampleCount: Int
    public let dimension: Int
    public let batchSize: Int
    public let loss: Double
    public let gradientNormSquared: Measured
    public let traceSigma: Measured
    public let simpleNoiseScale: Measured
    /// λ of paper 000 at b.
    public let noiseRatio: Measured
    public let rho: Measured
    public let rhoB: Measured
    public let lambdaMax: Measured
    public let hessianTrace: Measured
    public let interactionAwareSharpness: Measured
    /// Adam only (ε outside the root): λ₁(P⁻¹H).
    public let preconditionedSharpness: Measured?
    /// Where Adam's P came from.
    public let preconditionerSource: String?

    /// Measures at θ for an optimizer of stability model `stability` (nil: no Adam preconditioned sharpness).
    /// - Parameter preconditioner: Adam's P from an optimizer state (the warm-up's), or nil for the stationary P.
    /// - Parameter noise: `objective.gradientNoise(at: theta)`, computed once by the caller.
    public init(objective: any Objective, at theta: [Double], batchSize b: Int, noise: GradientNoiseStatistics, stability: StabilityOptimizer?,
                preconditioner: [Double]? = nil, budget: AdviceBudget) throws {
        let n = objective.sampleCount, d = objective.dimension
        let sampling = BatchSampling.withoutReplacement
        let exactNoise = "exact, from the \(n) per-sample gradients"
        sampleCount = n
        dimension = d
        batchSize = b
        loss = objective.loss(at: theta)
        gradientNormSquared = Measured(noise.meanGradientSquaredNorm, kind: .exact, estimator: "exact, full-batch gradient")
        traceSigma = Measured(noise.covarianceTrace, kind: .exact, estimator: exactNoise)
        simpleNoiseScale = Measured(noise.simpleNoiseScale, kind: .exact, estimator: exactNoise)
        noiseRatio = Measured(try AdamNoiseScale.noiseRatio(sampleCount: n, batchSize: b, simpleNoiseScale: noise.simpleNoiseScale),
                              kind: .exact, estimator: exactNoise)
        rho = Measured(noise.concentration, kind: .exact, estimator: exactNoise)
        rhoB = Measured(noise.concentration(batchSize: b, sampling: sampling), kind: .exact, estimator: exactNoise)
        let hessian = HessianOperator(objective: objective, at: theta)
        let tolerance = 1e-8
        lambdaMax = Measured(try objective.largestHessianEigenvalue(at: theta, tolerance: tolerance, seed: budget.seed),
                             kind: .iterative, estimator: "Lanczos, relative residual ≤ \(tolerance)")
        let trace = objective.hessianTrace(at: theta, probes: budget.traceProbes, seed: budget.seed)
        hessianTrace = budget.traceProbes >= d
            ? Measured(trace.value, standardError: 0, kind: .exact, estimator: "exact, \(d) Hessian-vector products")
            : Measured(trace, estimator: "Hutchinson, \(budget.traceProbes) Rademacher probes")

        var secondMomentDiagonal: [Double]? = nil
        let needsDiagonal: Bool
        if case .adam = stability, preconditioner == nil { needsDiagonal = true } else { needsDiagonal = false }
        if budget.usesExactEstimators(sampleCount: n, dimension: d) {
            let interaction = GradientInteraction(hessian: hessian)
            interactionAwareSharpness = Measured(interaction.interactionAwareSharpness(batchSize: b, sampling: sampling), kind: .exact,
                                                 estimator: "exact, \(n) per-sample gradients and \(n) Hessian-vector products")
            if needsDiagonal {
                let full = interaction.noise
                let c = sampling.gamma(populationSize: n, batchSize: b) / Double(b)
                secondMomentDiagonal = (full.covarianceDiagonal ?? []).indices.map { j in
                    c * full.covarianceDiagonal![j] + full.meanGradient[j] * full.meanGradient[j]
                }
            }
        } else {
            let k = budget.batchCount
            // diag S_b = E_B[g_B ⊙ g_B], estimated by its mean over the same K batches (unbiased), summed as they come.
            var squares = [Double](repeating: 0, count: needsDiagonal ? d : 0)
            let sampled = try sampledInteraction(hessian: hessian, populationSize: n, batchSize: b, sampling: sampling,
                                                 batchCount: k, seed: budget.seed) { batch in
                let g = objective.gradient(at: theta, batch: batch)
                if needsDiagonal { for j in 0..<d { squares[j] += g[j] * g[j] } }
                return g
            }
            interactionAwareSharpness = Measured(sampled.interactionAwareSharpness,
                                                 estimator: "sampled, \(k) mini-batches (ratio of means, delta-method error)")
            if needsDiagonal { secondMomentDiagonal = squares.map { $0 / Double(k) } }
        }
        if case let .adam(_, epsilon) = stability {
            let p: [Double], source: String
            if let preconditioner {
                (p, source) = (preconditioner, "optimizer state after the warm-up")
            } else {
                p = try StabilityReport.stationaryPreconditioner(secondMoment: secondMomentDiagonal ?? [], epsilon: epsilon)
                source = StabilityReport.stationarySource
                    + (budget.usesExactEstimators(sampleCount: n, dimension: d) ? " (exact)" : " (from \(budget.batchCount) sampled batches)")
            }
            let kind: Measured.Kind = preconditioner == nil && !budget.usesExactEstimators(sampleCount: n, dimension: d) ? .sampled : .iterative
            preconditionedSharpness = Measured(StabilityReport.preconditionedSharpness(hessian: hessian, preconditioner: p, seed: budget.seed),
                                               kind: kind, estimator: "power iteration on P^-1/2 H P^-1/2, residual ≤ 1e-8; P: \(source)")
            preconditionerSource = source
        } else {
            preconditionedSharpness = nil
            preconditionerSource = nil
        }
    }

    /// r = tr(HS_b)/tr(S_n) = IAS/ρ_b, the instability ratio compared with 2/η (paper 003, eq. (10)).
    public var instabilityRatio: Double { interactionAwareSharpness.value / rhoB.value }
}
