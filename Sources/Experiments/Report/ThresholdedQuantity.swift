import Foundation
import Optim

/// A recorded quantity with a stability threshold, as reports chart and judge it:
///
/// | quantity | metric | threshold | source |
/// |---|---|---|---|
/// | λ_max(H) | `lambda_max` | 2/η (`gd_threshold`) | Cohen et al. 2021 (GD) |
/// | λ₁(P⁻¹H) | `preconditioned_sharpness` | (2+2β₁)/((1−β₁)η) (`aeos_threshold`) | Cohen et al. 2022 (Adam) |
/// | batch sharpness E_B[g_BᵀH_Bg_B/‖g_B‖²] | `batch_sharpness` | 2/η (`gd_threshold`) | Andreyev & Beneventano 2024 (SGD) |
/// | tr(H S_b)/tr(S_N) | `instability_ratio` | 2/η (`gd_threshold`) | paper 003 eq. (7), Fig. 31 (SGD) |
/// | IAS tr(H S_b)/tr(S_b) | `ias` | 2ρ_b/η (`ias_threshold`, else `rho_b` × `gd_threshold`) | paper 003 eq. (16), Fig. 4c–d |
///
/// For a run of a momentum method (heavy ball, Nesterov, generalized momentum) every 2/η above becomes
/// (2/η)(1+β₁)/(1+2β₂) (paper 003 Theorem 2, Figs. 37–38; ``underMomentum(beta1:beta2:)``): the threshold
/// metric is `momentum_threshold` (else γ × `gd_threshold`), and IAS's is ρ_b(2/η)(1+β₁)/(1+2β₂)
/// (`ias_threshold`, which the interaction probe records momentum-aware, else `rho_b` × γ × `gd_threshold`).
/// ``judged(_:settings:)`` applies it from the run's typed optimizer settings, as the probes do. Theorem 2
/// is for full-batch momentum on quadratics (λ_max, and IAS at ρ_N = 1); for batch sharpness and for b < N
/// the same factor is an extrapolation (as Theory's `StabilityReport` makes for IAS).
///
/// A standard error, where the probe records one, is `<metric>_se`.
public struct ThresholdedQuantity: Sendable, Equatable {
    public let metric: String
    public let threshold: String
    /// The quantity's symbol, e.g. `λ_max(H)`.
    public let symbol: String
    /// The threshold's formula, e.g. `2/η`.
    public let thresholdSymbol: String
    /// What the chart shows, without the threshold, e.g. `Sharpness λ_max(H)`.
    public let name: String
    public let yLabel: String
    /// γ(β₁, β₂) = (1+β₁)/(1+2β₂) for a momentum method's run, 1 otherwise: the factor on 2/η when the
    /// threshold is derived from `gd_threshold`.
    public let momentumFactor: Double

    init(metric: String, threshold: String, symbol: String, thresholdSymbol: String, name: String, yLabel: String,
         momentumFactor: Double = 1) {
        self.metric = metric
        self.threshold = threshold
        self.symbol = symbol
        self.thresholdSymbol = thresholdSymbol
        self.name = name
        self.yLabel = yLabel
        self.momentumFactor = momentumFactor
    }

    /// The chart's title: the quantity and its threshold.
    public var title: String { "\(name) and \(thresholdSymbol)" }

    public static let lambdaMax = ThresholdedQuantity(
        metric: SharpnessProbe.lambdaMax.name, threshold: SharpnessProbe.threshold.name, symbol: "λ_max(H)", thresholdSymbol: "2/η",
        name: "Sharpness λ_max(H)", yLabel: "top eigenvalue of the Hessian H")
    public static let preconditionedSharpness = ThresholdedQuantity(
        metric: PreconditionedSharpnessProbe.sharpness.name, threshold: PreconditionedSharpnessProbe.threshold.name,
        symbol: "λ₁(P⁻¹H)", thresholdSymbol: "(2+2β₁)/((1−β₁)η)", name: "Preconditioned sharpness λ₁(P⁻¹H)", yLabel: "top eigenvalue of P⁻¹H")
    public static let batchSharpness = ThresholdedQuantity(
        metric: BatchSharpnessProbe.sharpness.name, threshold: SharpnessProbe.threshold.name, symbol: "batch sharpness", thresholdSymbol: "2/η",
        name: "Batch sharpness E_B[g_BᵀH_Bg_B/‖g_B‖²]", yLabel: "g_Bᵀ H_B g_B / ‖g_B‖², mean over batches")
    public static let instabilityRatio = ThresholdedQuantity(
        metric: InteractionProbe.instabilityRatio.name, threshold: SharpnessProbe.threshold.name, symbol: "tr(H S_b)/tr(S_N)",
        thresholdSymbol: "2/η", name: "Instability ratio tr(H S_b)/tr(S_N)", yLabel: "tr(H S_b)/‖∇L‖²")
    public static let interactionAwareSharpness = ThresholdedQuantity(
        metric: InteractionProbe.ias.name, threshold: InteractionProbe.threshold.name, symbol: "IAS", thresholdSymbol: "2ρ_b/η",
        name: "Interaction-aware sharpness", yLabel: "tr(H S_b)/tr(S_b)")

    /// Every quantity, in the order reports chart them.
    public static let all = [lambdaMax, preconditionedSharpness, batchSharpness, instabilityRatio, interactionAwareSharpness]

    /// The name of the standard error a probe records with the quantity.
    public var standardError: String { metric + "_se" }

    /// True for the quantities whose threshold is a multiple of 2/η (all but λ₁(P⁻¹H)).
    var scalesTwoOverEta: Bool { threshold != PreconditionedSharpnessProbe.threshold.name }

    /// The quantity as a momentum method's run is judged (paper 003 Theorem 2): 2/η → (2/η)(1+β₁)/(1+2β₂)
    /// (`momentum_threshold`), 2ρ_b/η → ρ_b(2/η)(1+β₁)/(1+2β₂) (`ias_threshold`); λ₁(P⁻¹H) unchanged.
    public func underMomentum(beta1: Double, beta2: Double) -> ThresholdedQuantity {
        guard scalesTwoOverEta else { return self }
        let isIAS = metric == InteractionProbe.ias.name
        return ThresholdedQuantity(metric: metric, threshold: isIAS ? threshold : MomentumThreshold.metric.name, symbol: symbol,
                                   thresholdSymbol: (isIAS ? "ρ_b" : "") + "(2/η)(1+β₁)/(1+2β₂)", name: name, yLabel: yLabel,
                                   momentumFactor: (1 + beta1) / (1 + 2 * beta2))
    }

    /// `quantities` as a run with optimizer `settings` is judged: each ``underMomentum(beta1:beta2:)`` when
    /// the settings are a momentum method of paper 003's form (``MomentumThreshold/betas(_:)``, the typed
    /// source the probes read), else unchanged (also when the settings are unknown).
    public static func judged(_ quantities: [ThresholdedQuantity], settings: (any OptimizerSettings)?) -> [ThresholdedQuantity] {
        guard let settings, let (beta1, beta2) = MomentumThreshold.betas(settings) else { return quantities }
        return quantities.map { $0.underMomentum(beta1: beta1, beta2: beta2) }
    }

    /// The threshold's series in `series`: the recorded threshold metric; else, for a multiple of 2/η,
    /// γ × `gd_threshold` (γ = ``momentumFactor``), times `rho_b` for IAS, at the steps that recorded
    /// all of them. Nil when absent.
    public func thresholdRows(in series: [String: [RunStore.MetricRow]]) -> [RunStore.MetricRow]? {
        if let rows = series[threshold], !rows.isEmpty { return rows }
        guard scalesTwoOverEta, let twoOverEta = series[SharpnessProbe.threshold.name] else { return nil }
        var rows = twoOverEta.map { RunStore.MetricRow(step: $0.step, name: threshold, value: momentumFactor * $0.value) }
        if metric == InteractionProbe.ias.name {
            guard let rho = series[GradientNoiseProbe.batchConcentration.name] else { return nil }
            let byStep = Dictionary(rows.map { ($0.step, $0.value) }, uniquingKeysWith: { a, _ in a })
            rows = rho.compactMap { row in byStep[row.step].map { RunStore.MetricRow(step: row.step, name: threshold, value: row.value * $0) } }
        }
        return rows.isEmpty ? nil : rows
    }
}
