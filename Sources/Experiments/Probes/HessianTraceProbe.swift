import Curvature

/// `trace`: tr(∇²L(θ)) by Hutchinson's estimator with `probes` (default 16) Rademacher vectors
/// (``hutchinsonTrace(of:probeCount:distribution:seed:blockSize:)``), the quantity SGD's implicit
/// regularizer reduces near a manifold of minimizers (digest 002 §4).
///
/// Metrics: `hessian_trace`, `hessian_trace_se`.
public struct HessianTraceProbe: Probe {
    public static let name = "trace"
    public static let summary = "Hutchinson estimate of tr(H): hessian_trace, hessian_trace_se"
    let probeCount: Int

    public init(options: inout ConfigReader) throws(ConfigError) {
        probeCount = try options.integer("probes", default: 16, in: 1...1_000_000)
    }

    public mutating func measure(_ context: ProbeContext) throws -> [String: Double] {
        let estimate = hutchinsonTrace(of: HessianOperator(objective: context.objective, at: context.parameters),
                                       probeCount: probeCount, seed: context.seed)
        return ["hessian_trace": estimate.value, "hessian_trace_se": estimate.standardError]
    }
}
