import Foundation
import Optim

/// Which stability quantity a run's regime calls for, as its report's summary judges it:
///
/// - `fullBatch` (full batch, non-adaptive optimizer: GD and its momentum variants): λ_max(H) against
///   2/η (Cohen et al. 2021);
/// - `miniBatch` (mini-batch, non-adaptive: SGD): batch sharpness against 2/η (Andreyev & Beneventano
///   2024), else tr(H S_b)/tr(S_N) against 2/η (paper 003 eq. (7), Fig. 31), else IAS against 2ρ_b/η
///   (paper 003 eq. (16)) — λ_max(H) stays below 2/η for small batches (digest 003 §8) and is not judged;
/// - `adaptive` (an optimizer with a diagonal preconditioner, any batch): λ₁(P⁻¹H) against
///   (2+2β₁)/((1−β₁)η) (Cohen et al. 2022).
///
/// The thresholds 2/η are those of plain (S)GD. A momentum method (heavy ball, Nesterov, generalized
/// momentum) moves each to (2/η)(1+β₁)/(1+2β₂) (paper 003 Theorem 2): reports judge its quantities
/// through ``ThresholdedQuantity/judged(_:settings:)`` with the run's typed optimizer settings. Sign
/// methods (Lion, signSGD), having no preconditioner, fall under the non-adaptive regimes without
/// obeying 2/η: their reports draw the quantities but the verdict does not apply.
public enum StabilityRegime: String, Sendable, Codable, CaseIterable {
    case fullBatch = "full-batch"
    case miniBatch = "mini-batch"
    case adaptive

    /// The regime of `config`: adaptive when its optimizer has a preconditioner, else by `training.batch_size`.
    public init(config: RunConfig) {
        let instance = try? config.optimizer.makeInstance(structure: ProblemStructure(dimension: 1))
        if instance?.preconditionerDiagonal != nil { self = .adaptive } else { self = config.batchSize == nil ? .fullBatch : .miniBatch }
    }

    /// The regime of a stored run (nil when its config no longer parses).
    public init?(run: RunStore.Run) {
        guard let config = run.parsedConfig else { return nil }
        self.init(config: config)
    }

    /// The quantities judged, preferred first (the summary takes the first the run recorded).
    public var quantities: [ThresholdedQuantity] {
        switch self {
        case .fullBatch: [.lambdaMax]
        case .miniBatch: [.batchSharpness, .instabilityRatio, .interactionAwareSharpness]
        case .adaptive: [.preconditionedSharpness]
        }
    }

    /// E.g. "mini-batch SGD: batch sharpness, tr(H S_b)/tr(S_N) or IAS".
    public var explanation: String {
        let names = quantities.map { "\($0.symbol) against \($0.thresholdSymbol)" }.joined(separator: ", else ")
        let momentum = " (momentum methods: 2/η → (2/η)(1+β₁)/(1+2β₂))"
        switch self {
        case .fullBatch: return "full batch, non-adaptive: \(names)\(momentum)"
        case .miniBatch: return "mini-batch SGD: \(names)\(momentum)"
        case .adaptive: return "adaptive: \(names)"
        }
    }
}

extension RunStore.Run {
    /// The run's stored config, parsed (nil when it no longer parses).
    var parsedConfig: RunConfig? {
        guard let document = try? ConfigValue.parse(yaml: config, source: "run \(id)") else { return nil }
        return try? RunConfig(document: document)
    }
}
