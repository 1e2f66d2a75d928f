import Optim

extension OptimizerFlags {
    /// The optimizer as a theory's model of it, built by `make` from the spec's typed hyperparameters (e.g.
    /// `MemoryOptimizer.init`, `StabilityOptimizer.init`), with its learning rate η > 0 and preset name. A
    /// preset outside the theory's conventions is a usage error naming the setting (e.g. `adam:torch`'s ε
    /// outside the root for paper 001's memory rules).
    func theoryModel<Model>(defaultName: String = "sgd", _ make: (any OptimizerSettings) throws -> Model) throws
        -> (model: Model, learningRate: Double, preset: String) {
        let spec = try spec(defaultName: defaultName)
        guard spec.learningRate > 0 else { throw UsageError("--lr: the learning rate must be > 0, got \(spec.learningRate)") }
        do {
            return (try make(spec.hyperparameters), spec.learningRate, spec.preset)
        } catch {
            throw UsageError("--optimizer \(spec.preset): \(error)")
        }
    }
}
