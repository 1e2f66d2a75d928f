import Optim

extension MemoryOptimizer {
    /// The rule as Optim's typed hyperparameters at step size h, in paper 001's conventions: ε inside √,
    /// bias correction on for Adam-type rules, decoupled weight decay, zero initial buffers, paper-001 NAdam
    /// numerator. The inverse of `init(_:)`: `MemoryOptimizer(rule.settings(learningRate: h)) == rule`.
    public func settings(learningRate h: Double) throws -> any OptimizerSettings {
        try validate()
        let decay: WeightDecayMode = weightDecay > 0 ? .decoupled : .none
        switch self {
        case .heavyBall(let beta), .nesterov(let beta):
            let variant: MomentumVariant = if case .nesterov = self { .nesterov } else { .heavyBall }
            return try HeavyBall.Hyperparameters(learningRate: h, momentum: beta, variant: variant)
        case .adam(let b1, let b2, let eps, let wd):
            return try Adam.Hyperparameters(learningRate: h, beta1: b1, beta2: b2, epsilon: eps, epsilonPlacement: .insideSqrt,
                                            biasCorrection: .on, weightDecayMode: decay, weightDecay: wd)
        case .nadam(let b1, let b2, let eps, let wd):
            return try NAdam.Settings(try Adam.Hyperparameters(learningRate: h, beta1: b1, beta2: b2, epsilon: eps,
                                                               epsilonPlacement: .insideSqrt, biasCorrection: .on,
                                                               weightDecayMode: decay, weightDecay: wd),
                                      NAdam.Options(numerator: .paper001))
        case .rmsprop(let b2, let eps, let wd):
            return try RMSprop.Hyperparameters(learningRate: h, beta2: b2, epsilon: eps, epsilonPlacement: .insideSqrt,
                                               biasCorrection: .on, weightDecayMode: decay, weightDecay: wd)
        case .lion(let r1, let r2, let kernel, let wd, let bc):
            return try LionK.Settings(try LionK.Hyperparameters(learningRate: h, beta1: r1, beta2: r2, biasCorrection: bc,
                                                                weightDecayMode: .decoupled, weightDecay: wd),
                                      LionK.Options(kernel: kernel.kind, epsilon: kernel.epsilon))
        case .signum(let b, let eps, let wd):
            return try Signum.Hyperparameters(learningRate: h, momentum: b, signFunction: eps == 0 ? .sign : .softSign, epsilon: eps,
                                              weightDecayMode: .decoupled, weightDecay: wd)
        }
    }

    /// The Optim module's implementation of the rule (`settings(learningRate:)`). Its `step` applies
    /// θ ← θ − hF^{(n)}(θ^{(n)}, …, θ^{(0)}) given g^{(n)}; the history lives in the state.
    public func optimizer(learningRate h: Double) throws -> AnyOptimizer {
        // Paper 001's rules act coordinate-wise: none of them reads the problem's blocks or dimension.
        try settings(learningRate: h).makeOptimizer(structure: ProblemStructure(dimension: 0))
    }

    /// Runs ``optimizer(learningRate:)`` for `steps` steps of size h from θ⁽⁰⁾, full batch.
    ///
    /// - Returns: [θ⁽⁰⁾, θ⁽¹⁾, …, θ^{(steps)}].
    public func memoryfulTrajectory(learningRate h: Double, from start: [Double], steps: Int,
                                    gradient: ([Double]) -> [Double]) throws -> [[Double]] {
        [start] + (try optimizer(learningRate: h)).trajectory(from: start, steps: steps, gradient: gradient)
    }
}
