import NN

/// `recovery`: how far the model's effective weights are from the teacher of the synthetic training source,
/// ‖w(θ) − w*‖² (paper 002 §5.2–5.3 and App. B; digest 002 §6.2: with E zzᵀ = I the clean test loss under
/// the ½ squared loss is ½‖w − w*‖²).
///
/// w(θ) is the model's ``LinearPredictor/effectiveWeights(_:)`` — u^{⊙L} − v^{⊙L} for a diagonal linear network
/// (`dln`), vec(W_L⋯W_1) for a sensing deep linear network (`deeplinear:…:sensing`) — and w* the training
/// source's ``DataSource/groundTruth`` (`sparse-regression`, `matrix-sensing`). No options; metrics:
/// ``documentation``.
public struct RecoveryProbe: Probe {
    static let error = ProbeMetric("recovery_error", "‖w(θ) − w*‖², w = u^{⊙L} − v^{⊙L} (dln) or vec(W_L⋯W_1) (sensing), w* the source's teacher")
    static let relative = ProbeMetric("recovery_error_relative", "‖w(θ) − w*‖² / ‖w*‖²", only: "w* ≠ 0")
    public static let documentation = ProbeDescription(
        name: "recovery", summary: "distance ‖w(θ) − w*‖² of the effective weights from the synthetic teacher (dln, deeplinear:sensing)",
        reference: "Li, Wen & Lyu 2025 (paper 002), §5.3 Fig. 2 (test loss ½‖w − w*‖²) and App. B Fig. 4",
        metrics: [error, relative])

    public init(options: inout ConfigReader) throws(ConfigError) {}

    public func check(_ setup: ProbeSetup) throws(ConfigError) {
        guard let model = setup.model as? any LinearPredictor else {
            throw ConfigError(path: setup.path, "the recovery probe needs a linear predictor model (dln, or deeplinear with :sensing)")
        }
        guard let truth = setup.groundTruth else {
            throw ConfigError(path: setup.path, "the recovery probe needs a training source with a teacher (sparse-regression or matrix-sensing)")
        }
        let width = model.effectiveWeights([Double](repeating: 0, count: model.parameterCount)).count
        guard width == truth.count else {
            throw ConfigError(path: setup.path, "the model's effective weights have \(width) entries but the source's teacher has \(truth.count)")
        }
    }

    /// ‖w − w*‖² and, for w* ≠ 0, ‖w − w*‖²/‖w*‖².
    static func values(effectiveWeights w: [Double], groundTruth truth: [Double]) -> [String: Double] {
        let squared = zip(w, truth).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
        let norm = truth.reduce(0) { $0 + $1 * $1 }
        var out = [error.name: squared]
        if norm > 0 { out[relative.name] = squared / norm }
        return out
    }

    public mutating func measure(_ context: ProbeContext) throws -> [String: Double] {
        guard let truth = context.groundTruth, let model = (context.objective as? SupervisedObjective)?.model as? any LinearPredictor else {
            return [:]
        }
        return Self.values(effectiveWeights: model.effectiveWeights(context.parameters), groundTruth: truth)
    }
}
