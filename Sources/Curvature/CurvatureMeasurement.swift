import DataIO
import NN
import Tensor

/// The curvature and gradient-noise measures `biaslab curvature` offers, by name.
public enum CurvatureMeasure: String, CaseIterable, Codable, Sendable {
    /// λ_max: the largest eigenvalue of H by Lanczos (full reorthogonalization).
    case lambdaMax = "lambda-max"
    /// The top-k eigenvalues of H by Lanczos, descending.
    case topK = "top-k"
    /// tr H by Hutchinson (Rademacher probes) with its standard error, or exactly with `exact`.
    case trace
    /// The exact diagonal of H: the objective's closed form where its structure gives one (diagonal
    /// linear networks), else d Hessian–vector products against unit vectors, in blocks.
    case diag
    /// Paper 002's adaptive sharpness tr(Diag(H)^{1/2}) = Σ_i max(H_ii, 0)^{1/2}, from the exact diagonal.
    case adaptive
    /// Paper 003's interaction-aware sharpness ‖H‖_{S_b} = tr(H S_b)/tr(S_b), exact from per-sample
    /// gradients, and the GD special case gᵀHg/‖g‖².
    case ias
    /// Batch sharpness E_B[g_Bᵀ H_B g_B/‖g_B‖²] with the mini-batch Hessian H_B (Andreyev & Beneventano):
    /// a different quantity from IAS, estimated over random batches.
    case batchSharpness = "batch-sharpness"
    /// Gradient-noise statistics: tr Σ (1/N), B_simple = tr Σ/‖g‖², ρ = ‖g‖²/mean‖g_i‖², ρ_b.
    case noise
    /// The spectral density by stochastic Lanczos quadrature (nodes and weights).
    case spectrum
}

/// Settings of ``measureCurvature(of:at:measures:settings:)``; each default is stated.
public struct CurvatureSettings: Sendable {
    /// k for `top-k` (default 5).
    public var topCount = 5
    /// Mini-batch size b for IAS, ρ_b and batch sharpness (default min(32, N)).
    public var batchSize: Int? = nil
    /// How mini-batches are drawn for IAS, ρ_b and batch sharpness (default without replacement; any
    /// scheme but `fixed-order`, which ``measureCurvature(of:at:measures:settings:)`` rejects).
    public var sampling: BatchSampling = .withoutReplacement
    /// Exact trace (from the exact diagonal) instead of Hutchinson; also reports the diagonal.
    public var exact = false
    /// Hutchinson probes for the trace (default 100).
    public var traceProbes = 100
    /// Random batches for batch sharpness (default 32; `--batch-count`, the probe's `batch_count`).
    public var batchCount = 32
    /// Lanczos steps of the spectral density (default 30) and relative tolerance of the eigensolvers (1e-6).
    public var spectrumSteps = 30
    public var eigenTolerance = 1e-6
    /// Seed of every probe and batch draw.
    public var seed: UInt64 = 0
    public init() {}
}

/// Everything measured at θ. Keys (snake_case in JSON) are nil when their measure was not asked for.
public struct CurvatureReport: Codable, Sendable {
    public var numParams: Int
    public var numSamples: Int
    public var loss: Double
    public var gradNorm: Double
    public var batchSize: Int?
    public var sampling: BatchSampling?
    public var lambdaMax: Double?
    public var topEigenvalues: [Double]?
    public var eigenResiduals: [Double]?
    /// tr H (`hessian_trace`, the trace probe's name too).
    public var hessianTrace: Double?
    /// The standard error of `hessian_trace` (0 when exact): every standard error is named `<quantity>_se`.
    public var hessianTraceSe: Double?
    public var diag: [Double]?
    /// How the diagonal was computed: "closed-form" (the objective's structure) or "hvp" (d HVPs).
    public var diagMethod: String?
    public var adaptiveSharpness: Double?
    public var diagNegativeCount: Int?
    public var ias: Double?
    public var gdRayleigh: Double?
    public var batchSharpness: Double?
    /// The standard error of `batch_sharpness` over the sampled batches (the probe's name too).
    public var batchSharpnessSe: Double?
    public var traceSigma: Double?
    public var bSimple: Double?
    public var rho: Double?
    public var rhoB: Double?
    public var spectrum: SpectrumNodes?

    public struct SpectrumNodes: Codable, Sendable {
        public let nodes: [Double]
        public let weights: [Double]
    }
}

/// Measures the requested curvature and noise quantities of an objective's full-batch loss at θ.
///
/// H is the Hessian of L(θ) = (1/N) Σ ℓ_i(θ) (``HessianOperator``, mean reduction). Costs: λ_max and
/// top-k a few dozen HVPs; the trace `traceProbes` HVPs (d with `exact`); the diagonal and adaptive
/// sharpness d HVPs in blocks; IAS the N × d per-sample gradient matrix and N HVPs; batch sharpness
/// one batch gradient and one batch HVP per sampled batch; noise the per-sample gradients.
public func measureCurvature(of objective: any Objective, at theta: [Double], measures: Set<CurvatureMeasure>,
                             settings: CurvatureSettings = CurvatureSettings()) throws -> CurvatureReport {
    let hessian = HessianOperator(objective: objective, at: theta)
    let (loss, gradient) = objective.valueAndGradient(at: theta, batch: nil)
    let n = objective.sampleCount
    let needsBatch = !measures.isDisjoint(with: [.ias, .batchSharpness, .noise])
    let b = settings.batchSize ?? min(32, n)
    var report = CurvatureReport(numParams: objective.dimension, numSamples: n, loss: loss, gradNorm: VectorOps.norm(gradient))
    if needsBatch {
        try settings.sampling.requireRandomBatches(for: "ias, batch-sharpness and noise (rho_b)")
        report.batchSize = b
        report.sampling = settings.sampling
    }

    if !measures.isDisjoint(with: [.lambdaMax, .topK]) {
        let k = measures.contains(.topK) ? min(settings.topCount, objective.dimension) : 1
        let lanczos = try lanczosEigenpairs(of: hessian, count: k, end: .largest, tolerance: settings.eigenTolerance,
                                            seed: settings.seed)
        report.lambdaMax = lanczos.eigenvalues.first
        if measures.contains(.topK) { report.topEigenvalues = lanczos.eigenvalues }
        report.eigenResiduals = lanczos.residualNorms
    }
    var diagonal: [Double]? = nil
    if !measures.isDisjoint(with: [.diag, .adaptive]) || (measures.contains(.trace) && settings.exact) {
        if let closedForm = objective.closedFormHessianDiagonal(at: theta, batch: nil) {
            diagonal = closedForm
            report.diagMethod = "closed-form"
        } else {
            diagonal = exactDiagonal(of: hessian)
            report.diagMethod = "hvp"
        }
    }
    if measures.contains(.trace) {
        if settings.exact, let diagonal {
            report.hessianTrace = diagonal.reduce(0, +)
            report.hessianTraceSe = 0
        } else {
            let estimate = hutchinsonTrace(of: hessian, probeCount: settings.traceProbes, seed: settings.seed)
            report.hessianTrace = estimate.value
            report.hessianTraceSe = estimate.standardError
        }
    }
    if let diagonal {
        if settings.exact { report.diag = diagonal }
        if measures.contains(.adaptive) || measures.contains(.diag) {
            let adaptive = adaptiveSharpness(diagonal: diagonal)
            report.adaptiveSharpness = adaptive.value
            report.diagNegativeCount = adaptive.negativeCount
        }
    }
    if !measures.isDisjoint(with: [.ias, .noise]) {
        if measures.contains(.ias) {
            let interaction = GradientInteraction(hessian: hessian)
            report.ias = interaction.interactionAwareSharpness(batchSize: b, sampling: settings.sampling)
            report.gdRayleigh = interaction.fullBatchSharpness
            fillNoise(&report, interaction.noise, b, settings.sampling, measures)
        } else {
            fillNoise(&report, objective.gradientNoiseWithDiagonal(at: theta), b, settings.sampling, measures)
        }
    }
    if measures.contains(.batchSharpness) {
        let sharpness = try Curvature.batchSharpness(
            populationSize: n, batchSize: b, sampling: settings.sampling, batchCount: settings.batchCount,
            seed: settings.seed, batchGradient: { objective.gradient(at: theta, batch: $0) },
            batchHessian: { HessianOperator(objective: objective, at: theta, batch: $0) })
        report.batchSharpness = sharpness.expectationOfRatio.value
        report.batchSharpnessSe = sharpness.expectationOfRatio.standardError
    }
    if measures.contains(.spectrum) {
        let density = try lanczosSpectralDensity(of: hessian, lanczosSteps: min(settings.spectrumSteps, objective.dimension),
                                                 seed: settings.seed)
        report.spectrum = .init(nodes: density.nodes, weights: density.weights)
    }
    return report
}

private func fillNoise(_ report: inout CurvatureReport, _ noise: GradientNoiseStatistics, _ b: Int,
                       _ sampling: BatchSampling, _ measures: Set<CurvatureMeasure>) {
    guard measures.contains(.noise) else { return }
    report.traceSigma = noise.covarianceTrace
    report.bSimple = noise.simpleNoiseScale
    report.rho = noise.concentration
    report.rhoB = noise.concentration(batchSize: b, sampling: sampling)
}
