import Optim

extension MemoryOptimizer {
    /// The Optim module's implementation of the rule, with the settings that match it: ε inside √, bias
    /// correction on for Adam-type rules, decoupled weight decay, zero initial buffers, paper-001 NAdam
    /// numerator. Its `step` applies θ ← θ − hF^{(n)}(θ^{(n)}, …, θ^{(0)}) given g^{(n)}; the history lives in
    /// the state.
    public func optimizer(learningRate h: Double) throws -> AnyOptimizer {
        try validate()
        let decay: WeightDecayMode = weightDecay > 0 ? .decoupled : .none
        switch self {
        case .heavyBall(let beta), .nesterov(let beta):
            let variant: MomentumVariant = if case .nesterov = self { .nesterov } else { .heavyBall }
            return .heavyBall(HeavyBall(try .init(learningRate: h, momentum: beta, variant: variant)))
        case .adam(let b1, let b2, let eps, let wd):
            return .adam(Adam(try .init(learningRate: h, beta1: b1, beta2: b2, epsilon: eps, epsilonPlacement: .insideSqrt,
                                        biasCorrection: .on, weightDecayMode: decay, weightDecay: wd)))
        case .nadam(let b1, let b2, let eps, let wd):
            return .nadam(NAdam(try .init(learningRate: h, beta1: b1, beta2: b2, epsilon: eps, epsilonPlacement: .insideSqrt,
                                          biasCorrection: .on, weightDecayMode: decay, weightDecay: wd), numerator: .paper001))
        case .rmsprop(let b2, let eps, let wd):
            return .rmsprop(RMSprop(try .init(learningRate: h, beta2: b2, epsilon: eps, epsilonPlacement: .insideSqrt,
                                              biasCorrection: .on, weightDecayMode: decay, weightDecay: wd)))
        case .lion(let r1, let r2, let kernel, let wd, let bc):
            return .lionK(LionK(try .init(learningRate: h, beta1: r1, beta2: r2, biasCorrection: bc, weightDecayMode: .decoupled,
                                          weightDecay: wd), kernel: kernel))
        case .signum(let b, let eps, let wd):
            return .signum(Signum(try .init(learningRate: h, momentum: b, signFunction: eps == 0 ? .sign : .softSign, epsilon: eps,
                                            weightDecayMode: .decoupled, weightDecay: wd)))
        }
    }

    /// Runs ``optimizer(learningRate:)`` for `steps` steps of size h from θ⁽⁰⁾, full batch.
    ///
    /// - Returns: [θ⁽⁰⁾, θ⁽¹⁾, …, θ^{(steps)}].
    public func memoryfulTrajectory(learningRate h: Double, from start: [Double], steps: Int,
                                    gradient: ([Double]) -> [Double]) throws -> [[Double]] {
        let optimizer = try optimizer(learningRate: h)
        var theta = start
        var state = optimizer.initialState(dimension: start.count)
        var path = [start]
        for _ in 0..<steps {
            optimizer.step(parameters: &theta, gradient: gradient(theta), state: &state)
            path.append(theta)
        }
        return path
    }
}
