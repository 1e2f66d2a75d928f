import Curvature

/// How the `interaction` and `loss_change` probes get tr(H S_b) (paper 003, Lee & Jang, ICLR 2023, eqs. (1),
/// (2); digest 003 §2.3), with the two options that choose it, read once here:
///
/// - `mode: exact` (default): ``GradientInteraction`` from all N per-sample gradients (streamed 64 at
///   a time, ``Objective/gradientInteraction(at:blockSize:)``, N Hessian products) — for small problems;
/// - `mode: sampled`: ``sampledInteraction(hessian:populationSize:batchSize:sampling:batchCount:seed:blockSize:batchGradient:)``
///   over `batch_count` = K (default 32) random batches of the run's b and sampling (K Hessian products).
///
/// Both need random batches (any sampling but `fixed-order`).
struct InteractionEstimate: Sendable {
    enum Mode: String, CaseIterable, Sendable { case exact, sampled }

    /// The `mode` and `batch_count` options, with each probe's help text.
    struct Options: Sendable {
        let mode: ChoiceOption<Mode>
        let batchCount: IntegerOption

        init(mode summary: String, batchCount batchSummary: String) {
            mode = ChoiceOption("mode", default: Mode.exact, summary)
            batchCount = .batchCount(batchSummary)
        }

        var descriptions: [ProbeOptionDescription] { [mode.description, batchCount.description] }
    }

    let mode: Mode
    /// K, the random batches of mode sampled (and of any other Monte-Carlo average the probe takes).
    let batchCount: Int

    init(options: inout ConfigReader, _ spec: Options) throws(ConfigError) {
        mode = try spec.mode.read(&options)
        batchCount = try spec.batchCount.read(&options)
    }

    /// The Hessian of the training loss at the context's θ.
    static func hessian(_ context: ProbeContext) -> HessianOperator {
        HessianOperator(objective: context.objective, at: context.parameters)
    }

    /// Mode exact: the interaction of all N per-sample gradients at θ.
    static func exact(_ context: ProbeContext) -> GradientInteraction {
        GradientInteraction(hessian: hessian(context))
    }

    /// Mode sampled: g_BₖᵀH g_Bₖ and ‖g_Bₖ‖² over K batches drawn with the run's b, sampling and seed.
    func sampled(_ context: ProbeContext) throws -> SampledInteraction {
        let objective = context.objective, theta = context.parameters
        return try sampledInteraction(hessian: Self.hessian(context), populationSize: objective.sampleCount,
                                      batchSize: context.batchSize, sampling: context.sampling, batchCount: batchCount,
                                      seed: context.seed) { batch in
            objective.gradient(at: theta, batch: batch)
        }
    }
}

/// A probe that needs random batches (any sampling but `fixed-order`); ``Probe/check(_:)`` says so.
public protocol RandomBatchProbe: Probe {}

extension RandomBatchProbe {
    public func check(_ setup: ProbeSetup) throws(ConfigError) {
        try setup.requireRandomBatches(probe: Self.name)
    }
}
