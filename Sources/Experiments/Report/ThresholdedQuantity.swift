import Foundation

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
/// A standard error, where the probe records one, is `<metric>_se`.
public struct ThresholdedQuantity: Sendable, Equatable {
    public let metric: String
    public let threshold: String
    /// The quantity's symbol, e.g. `λ_max(H)`.
    public let symbol: String
    /// The threshold's formula, e.g. `2/η`.
    public let thresholdSymbol: String
    public let title: String
    public let yLabel: String

    public static let lambdaMax = ThresholdedQuantity(
        metric: SharpnessProbe.lambdaMax.name, threshold: SharpnessProbe.threshold.name, symbol: "λ_max(H)", thresholdSymbol: "2/η",
        title: "Sharpness λ_max(H) and the GD threshold 2/η", yLabel: "top eigenvalue of the Hessian H")
    public static let preconditionedSharpness = ThresholdedQuantity(
        metric: PreconditionedSharpnessProbe.sharpness.name, threshold: PreconditionedSharpnessProbe.threshold.name,
        symbol: "λ₁(P⁻¹H)", thresholdSymbol: "(2+2β₁)/((1−β₁)η)",
        title: "Preconditioned sharpness λ₁(P⁻¹H) and (2+2β₁)/((1−β₁)η)", yLabel: "top eigenvalue of P⁻¹H")
    public static let batchSharpness = ThresholdedQuantity(
        metric: BatchSharpnessProbe.sharpness.name, threshold: SharpnessProbe.threshold.name, symbol: "batch sharpness", thresholdSymbol: "2/η",
        title: "Batch sharpness E_B[g_BᵀH_Bg_B/‖g_B‖²] and 2/η", yLabel: "g_Bᵀ H_B g_B / ‖g_B‖², mean over batches")
    public static let instabilityRatio = ThresholdedQuantity(
        metric: InteractionProbe.instabilityRatio.name, threshold: SharpnessProbe.threshold.name, symbol: "tr(H S_b)/tr(S_N)",
        thresholdSymbol: "2/η", title: "Instability ratio tr(H S_b)/tr(S_N) and 2/η", yLabel: "tr(H S_b)/‖∇L‖²")
    public static let interactionAwareSharpness = ThresholdedQuantity(
        metric: InteractionProbe.ias.name, threshold: InteractionProbe.threshold.name, symbol: "IAS", thresholdSymbol: "2ρ_b/η",
        title: "Interaction-aware sharpness and 2ρ_b/η", yLabel: "tr(H S_b)/tr(S_b)")

    /// Every quantity, in the order reports chart them.
    public static let all = [lambdaMax, preconditionedSharpness, batchSharpness, instabilityRatio, interactionAwareSharpness]

    /// The name of the standard error a probe records with the quantity.
    public var standardError: String { metric + "_se" }

    /// The threshold's series in `series`: the recorded threshold metric, or for IAS without
    /// `ias_threshold`, 2ρ_b/η = `rho_b` × `gd_threshold` at the steps that recorded both. Nil when absent.
    public func thresholdRows(in series: [String: [RunStore.MetricRow]]) -> [RunStore.MetricRow]? {
        if let rows = series[threshold], !rows.isEmpty { return rows }
        guard self == .interactionAwareSharpness, let rho = series[GradientNoiseProbe.batchConcentration.name],
              let twoOverEta = series[SharpnessProbe.threshold.name] else { return nil }
        let byStep = Dictionary(twoOverEta.map { ($0.step, $0.value) }, uniquingKeysWith: { a, _ in a })
        let rows = rho.compactMap { row in byStep[row.step].map { RunStore.MetricRow(step: row.step, name: threshold, value: row.value * $0) } }
        return rows.isEmpty ? nil : rows
    }
}
