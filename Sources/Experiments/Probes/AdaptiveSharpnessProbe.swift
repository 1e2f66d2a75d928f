import Curvature

/// `adaptive_sharpness`: paper 002's tr(Diag(H)^{1/2}) = Σᵢ max(Hᵢᵢ, 0)^{1/2}, the sharpness Adam
/// reduces (Li, Wen & Lyu 2025, arXiv 2511.02773, Thm 5.1; ``adaptiveSharpness(diagonal:)``).
///
/// - `method: exact` (default): diag(H) from d Hessian products (``exactDiagonal(of:blockSize:)``),
///   unbiased; affordable for d up to about 10⁴ (digest 002 §4.7).
/// - `method: hutchinson`: diag(H) from `probes` (default 32) Rademacher probes
///   (``hutchinsonDiagonal(of:probeCount:distribution:seed:blockSize:)``); the square root makes the
///   result biased downward (Jensen).
///
/// Metrics: ``documentation``.
public struct AdaptiveSharpnessProbe: Probe {
    enum Method: String, CaseIterable, Sendable { case exact, hutchinson }
    static let methodOption = ChoiceOption("method", default: Method.exact,
                                           "exact: d Hessian products; hutchinson: Rademacher probes (biased down)")
    static let probesOption = IntegerOption.rademacherProbes(default: 32, "K, the Rademacher probes of method hutchinson")
    static let sharpness = ProbeMetric("adaptive_sharpness", "tr(Diag(H)^{1/2}) = Σᵢ max(Hᵢᵢ, 0)^{1/2}")
    static let negativeEntries = ProbeMetric("diag_negative_count", "#{i : Hᵢᵢ < 0}, the entries clamped to 0")
    public static let documentation = ProbeDescription(
        name: "adaptive_sharpness", summary: "adaptive sharpness tr(Diag(H)^{1/2}), the sharpness Adam reduces",
        reference: "Li, Wen & Lyu 2025 (paper 002, arXiv 2511.02773), Thm 5.1",
        options: [methodOption.description, probesOption.description], metrics: [sharpness, negativeEntries])
    let method: Method
    let probeCount: Int

    public init(options: inout ConfigReader) throws(ConfigError) {
        method = try Self.methodOption.read(&options)
        probeCount = try Self.probesOption.read(&options)
    }

    public mutating func measure(_ context: ProbeContext) throws -> [String: Double] {
        let hessian = HessianOperator(objective: context.objective, at: context.parameters)
        let diagonal = switch method {
        case .exact: exactDiagonal(of: hessian)
        case .hutchinson: hutchinsonDiagonal(of: hessian, probeCount: probeCount, seed: context.seed).values
        }
        let sharpness = adaptiveSharpness(diagonal: diagonal)
        return [Self.sharpness.name: sharpness.value, Self.negativeEntries.name: Double(sharpness.negativeCount)]
    }
}
