import DataIO
import Foundation
import NN
import Optim
import Tensor
import Testing

/// ``Training/run``: the one loop, against closed forms on a quadratic and a sampler replayed by hand.
struct TrainingLoopTests {
    /// GD on L(θ) = ½ Σ h_i θ_i² (toy-quadratic is θ₁² + 17.6θ₂², h = (2, 35.2)): θ_t = (1 − ηh)^t θ₀, and
    /// the observer sees L(θ_t) before update t; stopping at a step applies no more updates.
    @Test func gradientDescentOnAQuadratic() throws {
        let objective = QuadraticObjective.edgeOfStabilityToy(alpha: 1.1)
        let start = QuadraticObjective.edgeOfStabilityToyStart
        let eta = 0.02
        var theta = start
        var sgd = try SGD.plain.with(["lr": .number(eta)]).instance(dimension: 2)
        var batches = FullBatch()
        var seen: [Int: Double] = [:]
        var after: [Int] = []
        let applied = Training.run(objective: objective, optimizer: &sgd, parameters: &theta, batches: &batches, steps: 0..<10,
                                   observe: { step, _ in
                                       seen[step.step] = step.loss
                                       #expect(step.batch == nil)
                                       return step.step == 7 ? .stop : .proceed
                                   }, afterUpdate: { t, _ in after.append(t); return .proceed })
        #expect(applied == 7 && after == Array(1...7))
        for t in 0...7 {
            let a = start[0] * Foundation.pow(1 - 2 * eta, Double(t)), b = start[1] * Foundation.pow(1 - 35.2 * eta, Double(t))
            #expect(abs(seen[t]! - (a * a + 17.6 * b * b)) < 1e-12)
        }
        #expect(abs(theta[0] - start[0] * Foundation.pow(1 - 2 * eta, 7)) < 1e-13)
    }

    /// Mini-batches come from the sampler in its order (replayed by hand with the same seed), and an
    /// absent sampler (`BatchSampler?` = nil) means the full batch.
    @Test func batchesComeFromTheSource() throws {
        var sampler: BatchSampler? = try BatchSampler(count: 10, batchSize: 3, scheme: .withoutReplacement, seed: 7)
        var replay = try BatchSampler(count: 10, batchSize: 3, scheme: .withoutReplacement, seed: 7)
        var stepper = StatefulOptimizer(try SGD.plain.makeOptimizer(structure: ProblemStructure(dimension: 1)), dimension: 1)
        var theta = [1.0]
        var batches: [[Int]?] = []
        Training.run(optimizer: &stepper, parameters: &theta, batches: &sampler, steps: 0..<5,
                     evaluate: { _, _, batch in (nil, [0]) }, observe: { step, _ in batches.append(step.batch); return .proceed },
                     afterUpdate: { _, _ in .proceed })
        #expect(batches == (0..<5).map { _ in replay.next() })
        var none: BatchSampler? = nil
        #expect(none.nextBatch() == nil)
    }
}
