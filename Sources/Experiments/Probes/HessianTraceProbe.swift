import Curvature

/// `trace`: tr(∇²L(θ)) by Hutchinson's estimator with `probes` (default 16) Rademacher vectors
/// (``hutchinsonTrace(of:probeCount:distribution:seed:blockSize:)``), the quantity SGD's implicit
/// regularizer reduces near a manifold of minimizers (digest 002 §4).
///
/// Options and metrics: ``documentation``.
public struct HessianTraceProbe: Probe {
    static let probesOption = IntegerOption.rademacherProbes(default: 16, "K, the Rademacher probe vectors z")
    static let trace = ProbeMetric("hessian_trace", "(1/K) Σₖ zₖᵀ H zₖ, zₖ Rademacher (Hutchinson), an unbiased estimate of tr(∇²L(θ))")
    static let standardError = ProbeMetric("hessian_trace_se", "s/√K, s the sample standard deviation of the K quadratic forms")
    public static let documentation = ProbeDescription(
        name: "trace", summary: "Hutchinson estimate of the Hessian trace tr(H)",
        reference: "Hutchinson 1990; digest 002 §4 (the quantity SGD's implicit regularizer reduces)",
        options: [probesOption.description], metrics: [trace, standardError])
    let probeCount: Int

    public init(options: inout ConfigReader) throws(ConfigError) {
        probeCount = try Self.probesOption.read(&options)
    }

    public mutating func measure(_ context: ProbeContext) throws -> [String: Double] {
        let estimate = hutchinsonTrace(of: HessianOperator(objective: context.objective, at: context.parameters),
                                       probeCount: probeCount, seed: context.seed)
        return [Self.trace.name: estimate.value, Self.standardError.name: estimate.standardError]
    }
}
