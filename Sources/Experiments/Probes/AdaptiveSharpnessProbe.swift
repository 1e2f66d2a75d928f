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
/// Metrics: `adaptive_sharpness`, `adaptive_sharpness_negative_entries` (diagonal entries clamped to 0).
public struct AdaptiveSharpnessProbe: Probe {
    public static let name = "adaptive_sharpness"
    public static let summary = "tr(Diag(H)^{1/2}) (paper 002): adaptive_sharpness"
    enum Method: String, CaseIterable { case exact, hutchinson }
    let method: Method
    let probeCount: Int

    public init(options: inout ConfigReader) throws(ConfigError) {
        method = try options.choice("method", default: Method.exact)
        probeCount = try options.integer("probes", default: 32, in: 1...1_000_000)
    }

    public mutating func measure(_ context: ProbeContext) throws -> [String: Double] {
        let hessian = HessianOperator(objective: context.objective, at: context.parameters)
        let diagonal = switch method {
        case .exact: exactDiagonal(of: hessian)
        case .hutchinson: hutchinsonDiagonal(of: hessian, probeCount: probeCount, seed: context.seed).values
        }
        let sharpness = adaptiveSharpness(diagonal: diagonal)
        return ["adaptive_sharpness": sharpness.value, "adaptive_sharpness_negative_entries": Double(sharpness.negativeCount)]
    }
}
