import Optim

extension MemoryOptimizer {
    /// Runs the optimizer itself (the Optim module's implementation with the settings that match the
    /// rule: ε inside √, bias correction on for Adam-type rules, decoupled weight decay, zero initial
    /// buffers, paper-001 NAdam numerator) for `steps` steps of size h from θ⁽⁰⁾, full batch.
    ///
    /// - Returns: [θ⁽⁰⁾, θ⁽¹⁾, …, θ^{(steps)}].
    public func memoryfulTrajectory(learningRate h: Double, from start: [Double], steps: Int,
                                    gradient: ([Double]) -> [Double]) throws -> [[Double]] {
        try validate()
        let decay: WeightDecayMode = weightDecay > 0 ? .decoupled : .none
        let path: [[Double]]
        switch self {
        case .heavyBall(let beta), .nesterov(let beta):
            let variant: MomentumVariant = if case .nesterov = self { .nesterov } else { .heavyBall }
            path = HeavyBall(try .init(learningRate: h, momentum: beta, variant: variant))
                .trajectory(from: start, steps: steps, gradient: gradient)
        case .adam(let b1, let b2, let eps, let wd):
            path = Adam(try .init(learningRate: h, beta1: b1, beta2: b2, epsilon: eps, epsilonPlacement: .insideSqrt,
                                  biasCorrection: .on, weightDecayMode: decay, weightDecay: wd))
                .trajectory(from: start, steps: steps, gradient: gradient)
        case .nadam(let b1, let b2, let eps, let wd):
            path = NAdam(try .init(learningRate: h, beta1: b1, beta2: b2, epsilon: eps, epsilonPlacement: .insideSqrt,
                                   biasCorrection: .on, weightDecayMode: decay, weightDecay: wd), numerator: .paper001)
                .trajectory(from: start, steps: steps, gradient: gradient)
        case .rmsprop(let b2, let eps, let wd):
            path = RMSprop(try .init(learningRate: h, beta2: b2, epsilon: eps, epsilonPlacement: .insideSqrt,
                                     biasCorrection: .on, weightDecayMode: decay, weightDecay: wd))
                .trajectory(from: start, steps: steps, gradient: gradient)
        case .lion(let r1, let r2, let kernel, let wd, let bc):
            path = LionK(try .init(learningRate: h, beta1: r1, beta2: r2, biasCorrection: bc, weightDecayMode: .decoupled,
                                   weightDecay: wd), kernel: kernel)
                .trajectory(from: start, steps: steps, gradient: gradient)
        case .signum(let b, let eps, let wd):
            path = Signum(try .init(learningRate: h, momentum: b, signFunction: eps == 0 ? .sign : .softSign, epsilon: eps,
                                    weightDecayMode: .decoupled, weightDecay: wd))
                .trajectory(from: start, steps: steps, gradient: gradient)
        }
        return [start] + path
    }
}
