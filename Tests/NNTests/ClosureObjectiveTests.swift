import Autodiff
import Foundation
import BiasLabTestSupport
import NN
import Tensor
import Testing

/// ``ClosureObjective`` against an independent route to the same numbers: the per-sample losses of a tiny
/// MLP written as a closure must give what ``SupervisedObjective`` gives for that model and data (loss,
/// gradient, both HVP routes, per-sample rows), and a one-loss closure its closed-form derivatives.
struct ClosureObjectiveTests {
    static let reference = TinyProblems.tanhMLP(seed: 3, samples: 9)

    static var closure: ClosureObjective {
        let objective = reference.objective
        return ClosureObjective(dimension: objective.dimension, sampleCount: objective.sampleCount, blocks: objective.blocks) { theta, batch in
            objective.loss.perSample(outputs: objective.model.forward(theta, objective.inputs.rows(batch)),
                                     targets: objective.targets.rows(batch), labels: objective.labels.map { l in batch.map { l[$0] } })
        }
    }

    @Test func matchesTheSupervisedObjective() {
        let (objective, theta) = Self.reference
        let closure = Self.closure
        var rng = RandomGenerator(seed: 1, stream: "closure")
        let v = rng.gaussians(objective.dimension), w = rng.gaussians(objective.dimension)
        for batch in [nil, [3, 1, 7]] as [[Int]?] {
            let (value, gradient) = closure.valueAndGradient(at: theta, batch: batch)
            let (refValue, refGradient) = objective.valueAndGradient(at: theta, batch: batch)
            #expect(Closeness.relativeError(value, refValue) < 1e-13)
            #expect(Closeness.relativeError(gradient, refGradient) < 1e-12)
            let reference = objective.hessianVectorProducts(at: theta, along: [v, w], batch: batch)
            #expect(Closeness.relativeError(closure.hessianVectorProduct(at: theta, along: v, batch: batch), reference[0]) < 1e-12)
            let both = closure.hessianVectorProducts(at: theta, along: [v, w], batch: batch)
            #expect(Closeness.relativeError(both[0], reference[0]) < 1e-12 && Closeness.relativeError(both[1], reference[1]) < 1e-12)
            #expect(Closeness.relativeError(closure.perSampleGradients(at: theta, batch: batch).scalars,
                                            objective.perSampleGradients(at: theta, batch: batch).scalars) < 1e-12)
            #expect(Closeness.relativeError(closure.perSampleHessianVectorProducts(at: theta, along: v, batch: batch).scalars,
                                            objective.perSampleHessianVectorProducts(at: theta, along: v, batch: batch).scalars) < 1e-12)
            #expect(Closeness.relativeError(closure.perSampleLosses(at: theta, batch: batch),
                                            objective.perSampleLosses(at: theta, batch: batch)) < 1e-13)
        }
        #expect(closure.sampleCount == 9 && closure.blocks == objective.blocks)
    }

    /// L(θ) = Σ_k c_k θ_k⁴ / 4: ∇L = c ⊙ θ³, ∇²L = diag(3 c ⊙ θ²), by hand.
    @Test func oneLossClosureHasClosedFormDerivatives() throws {
        let c = [1.0, 2.0, 0.5, 3.0]
        let objective = ClosureObjective(dimension: 4) { theta in (theta.pow(4) * Variable(Tensor(c))).sum() / 4 }
        let theta = [0.5, -1.0, 2.0, 0.25]
        #expect(objective.sampleCount == 1)
        #expect(Closeness.relativeError(objective.gradient(at: theta), zip(c, theta).map { $0 * $1 * $1 * $1 }) < 1e-15)
        let diagonal = zip(c, theta).map { 3 * $0 * $1 * $1 }
        let v = [1.0, -2.0, 0.5, 4.0]
        #expect(Closeness.relativeError(objective.hessianVectorProduct(at: theta, along: v), zip(diagonal, v).map(*)) < 1e-15)
        #expect(Closeness.relativeError(objective.perSampleGradients(at: theta, batch: nil).scalars, objective.gradient(at: theta)) < 1e-15)
        #expect(Closeness.relativeError(objective.loss(at: theta), zip(c, theta).reduce(0) { $0 + $1.0 * pow($1.1, 4) / 4 }) < 1e-15)
    }
}

extension ClosureObjectiveTests {
    /// Row j of `stackedRows` is the row of batch[j]; nil means every sample in order.
    @Test func stackedRowsFollowTheBatch() {
        let objective = Self.closure
        let d = objective.dimension
        let rows = objective.stackedRows(over: [4, 0]) { i in [Double](repeating: Double(i), count: d) }
        #expect(rows.shape == [2, d] && rows.scalars[0] == 4 && rows.scalars[d] == 0)
        #expect(objective.stackedRows(over: nil) { i in [Double](repeating: Double(i), count: d) }.scalars[8 * d] == 8)
    }
}
