import ArgumentParser
import Optim
import Theory

/// The optimizer of `theory memory` and `theory trajectory`, in paper 001's conventions (ε inside √,
/// bias-corrected Adam-type rules, decoupled weight decay).
struct MemoryOptimizerOptions: ParsableArguments {
    enum Name: String, CaseIterable, ExpressibleByArgument {
        case heavyBall = "heavy-ball", nesterov, adam, adamw, nadam, rmsprop, lion, lionBC = "lion-bc", lionL2 = "lion-l2", signum
    }

    @Option(name: .long, help: "Optimizer: \(Name.allCases.map(\.rawValue).joined(separator: ", ")).")
    var optimizer: Name

    @Option(name: .long, help: "Step size h (> 0).")
    var lr: Double

    @Option(name: .long, help: "Momentum β of heavy-ball, nesterov, signum (default 0.9).")
    var beta: Double?

    @Option(name: .long, help: "β₁ (Adam family) or ρ₁ (Lion), default 0.9.")
    var beta1: Double?

    @Option(name: .long, help: "β₂ (Adam family, default 0.999) or ρ₂ (Lion, default 0.99).")
    var beta2: Double?

    @Option(name: .long, help: "ε inside the square root / of Lion's softsign (Adam default 1e-8; Lion, signum default 0 = sign).")
    var eps: Double?

    @Option(name: .customLong("weight-decay"), help: "Decoupled weight decay λ (default 0).")
    var weightDecay: Double = 0

    func validate() throws {
        try OptionCheck.positive(lr, "--lr")
        try OptionCheck.beta(beta, "--beta")
        try OptionCheck.beta(beta1, "--beta1")
        try OptionCheck.beta(beta2, "--beta2")
        try OptionCheck.nonNegative(eps, "--eps")
        try OptionCheck.nonNegative(weightDecay, "--weight-decay")
        switch optimizer {
        case .heavyBall, .nesterov, .signum:
            try OptionCheck.absent(beta1, "--beta1", because: "\(optimizer.rawValue) takes --beta")
            try OptionCheck.absent(beta2, "--beta2", because: "\(optimizer.rawValue) takes --beta")
        default:
            try OptionCheck.absent(beta, "--beta", because: "\(optimizer.rawValue) takes --beta1 and --beta2")
        }
        if optimizer == .heavyBall || optimizer == .nesterov {
            try OptionCheck.absent(eps, "--eps", because: "\(optimizer.rawValue) has no ε")
        }
        if optimizer == .lionBC, beta2 == 0 { throw ValidationError("--beta2 must be in (0, 1) for lion-bc, got 0.0") }
    }

    /// The rule.
    var rule: MemoryOptimizer {
        let momentum = beta ?? 0.9
        let isLion = [.lion, .lionBC, .lionL2].contains(optimizer)
        let b1 = beta1 ?? 0.9, b2 = beta2 ?? (isLion ? 0.99 : 0.999)
        let lionEps = eps ?? 0
        let kernel: ConvexKernel = optimizer == .lionL2 ? .halfSquaredL2 : (lionEps == 0 ? .l1 : .smoothedL1(epsilon: lionEps))
        switch optimizer {
        case .heavyBall: return .heavyBall(beta: momentum)
        case .nesterov: return .nesterov(beta: momentum)
        case .adam, .adamw: return .adam(beta1: b1, beta2: b2, epsilon: eps ?? 1e-8, weightDecay: weightDecay)
        case .nadam: return .nadam(beta1: b1, beta2: b2, epsilon: eps ?? 1e-8, weightDecay: weightDecay)
        case .rmsprop: return .rmsprop(beta2: b2, epsilon: eps ?? 1e-8, weightDecay: weightDecay)
        case .lion, .lionL2: return .lion(rho1: b1, rho2: b2, kernel: kernel, weightDecay: weightDecay, biasCorrection: .off)
        case .lionBC: return .lion(rho1: b1, rho2: b2, kernel: kernel, weightDecay: weightDecay, biasCorrection: .on)
        case .signum: return .signum(beta: momentum, epsilon: lionEps, weightDecay: weightDecay)
        }
    }
}
