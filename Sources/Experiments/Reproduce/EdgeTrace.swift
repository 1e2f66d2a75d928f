import Curvature
import Foundation
import NN
import Optim
import Tensor

/// One full-batch run's sharpness series for the edge-of-stability studies: every `every` steps, at θ_t,
/// λ₁ of the full-batch Hessian (Lanczos, relative residual 10⁻⁴, at most 60 iterations) and the
/// interaction-aware sharpness of the full gradient, IAS = ∇Lᵀ H ∇L / ‖∇L‖² (paper 003 eq. (2) with b = N).
struct EdgeTrace {
    var steps: [Int] = []
    var lambda: [Double] = []
    var ias: [Double] = []
    var loss: [Double] = []

    init() {}

    /// Runs `optimizer` full-batch over `schedule` from θ₀ of `seed` and records the series; stops early
    /// when the loss stops being finite.
    static func record(_ problem: Problem, optimizer settings: some OptimizerSettings, schedule: MeasurementSchedule, seed: UInt64) throws -> EdgeTrace {
        var theta = problem.initialParameters(seed: seed)
        var optimizer = try settings.instance(dimension: theta.count)
        var batches = FullBatch()
        var out = EdgeTrace()
        let objective = problem.objective
        try Training.run(objective: objective, optimizer: &optimizer, parameters: &theta, batches: &batches, steps: schedule.visited,
                         observe: { step, _ in
                             guard schedule.measures(at: step.step) else { return .proceed }
                             let g = step.gradient
                             let hg = objective.hessianVectorProduct(at: step.parameters, along: g)
                             out.steps.append(step.step)
                             out.ias.append(VectorOps.dot(g, hg) / VectorOps.dot(g, g))
                             out.lambda.append(try lanczosEigenpairs(of: HessianOperator(objective: objective, at: step.parameters), count: 1,
                                                                     tolerance: 1e-4, maxIterations: 60, seed: seed).eigenvalues[0])
                             out.loss.append(step.loss ?? .nan)
                             return step.loss?.isFinite == false ? .stop : .proceed
                         }, afterUpdate: { _, _ in .proceed })
        return out
    }

    /// The trace as a study run's series (`lambda_1`, `ias`, `loss` by step).
    var series: StudySeries {
        var out = StudySeries()
        for k in steps.indices { out.record(step: steps[k], ["lambda_1": lambda[k], "ias": ias[k], "loss": loss[k]]) }
        return out
    }

    /// The trace a study run stored as ``series``.
    init(_ series: StudySeries) {
        let lambda = series.series("lambda_1")
        steps = lambda.steps
        self.lambda = lambda.values
        ias = series.values("ias")
        loss = series.values("loss")
    }

    /// The late-phase medians (λ₁/threshold, IAS/threshold) from `settle` steps after λ₁ first exceeds
    /// `threshold`; nil when it never does or fewer than 3 measurements follow.
    func late(threshold: Double, settle: Int) -> (lambda: Double, ias: Double)? {
        guard let first = lambda.firstIndex(where: { $0 > threshold }) else { return nil }
        let from = steps[first] + settle
        let idx = steps.indices.filter { steps[$0] >= from }
        guard idx.count >= 3 else { return nil }
        return (StudyStatistics.median(idx.map { lambda[$0] }) / threshold, StudyStatistics.median(idx.map { ias[$0] }) / threshold)
    }
}
