import Optim
import Theory

extension OptimizerOptions {
    /// The optimizer as a paper-001 memory rule (`MemoryOptimizer(_:)` of the spec's typed hyperparameters)
    /// with its step size h = η > 0, for `theory memory` and `theory trajectory`. A preset outside paper
    /// 001's conventions is a usage error naming the setting (e.g. `adam:torch`'s ε outside the root).
    func memoryRule() throws -> (rule: MemoryOptimizer, learningRate: Double, preset: String) {
        let spec = try spec()
        guard spec.learningRate > 0 else { throw UsageError("--lr: the step size h must be > 0, got \(spec.learningRate)") }
        do {
            return (try MemoryOptimizer(spec.hyperparameters), spec.learningRate, spec.preset)
        } catch {
            throw UsageError("--optimizer \(spec.preset): \(error)")
        }
    }
}
