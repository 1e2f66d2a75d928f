/// Lion-𝒦 (Chen, Liu, Liang, Liu 2024), in paper 001's form (Example 1.5), with optional bias correction
/// (paper 001 App. L). Lion is 𝒦 = ‖x‖₁ (`Lion`); paper 001's Fig. 1b uses 𝒦 = ‖x‖_{1,ε} with bias
/// correction; 𝒦 = ½‖x‖² with ρ₁ = ρ₂ = ρ is heavy ball with step h(1 − ρ) (paper 001 §3.6, tested).
///
/// | Symbol | Parameter | Key |
/// |---|---|---|
/// | h | `learningRate` | `lr` |
/// | ρ₁ (interpolation) | `beta1` | `beta1` |
/// | ρ₂ (momentum decay) | `beta2` | `beta2` |
/// | λ | `weightDecay` | `weight_decay` |
/// | ∇𝒦 | `kernel` | `kernel` (`l1`, `smoothedL1`, `halfSquaredL2`), `eps` for ‖·‖_{1,ε} |
///
/// Initial state: t = 0, m₀ = 0 ∈ ℝ^d.
///
/// Step t:
/// ```
/// θ ← (1 − h_t λ_t) θ                       ◀ weightDecayMode = decoupled, stepOrder = decayThenUpdate
/// g ← g + λ_t θ                             ◀ weightDecayMode = coupled
/// c ← ρ₁ m + (1 − ρ₁) g                     (old m)
/// m ← ρ₂ m + (1 − ρ₂) g
///   ◀ biasCorrection = on (requires ρ₂ > 0): first m ← ρ₂ m + (1 − ρ₂) g, then
///     c ← (ρ₁/ρ₂) m/(1 − ρ₂ᵗ) + (1 − ρ₁/ρ₂) g
/// θ ← θ + h_t ∇𝒦(−c)                        i.e. θ ← θ − h_t sign(c) for 𝒦 = ‖·‖₁
/// θ ← (1 − h_t λ_t) θ                       ◀ weightDecayMode = decoupled, stepOrder = updateThenDecay
/// ```
/// Paper 001 writes F = −∇𝒦(m₁ + m₂) + λθ with m₁ + m₂ = −c; the bias-corrected m₁ divides the gradient
/// sum by 1 − ρ₂^{n+1}, which gives the second form of c above.
///
/// - Parameters: h ≥ 0, ρ₁, ρ₂ ∈ [0, 1) (ρ₂ ∈ (0, 1) with bias correction), λ ≥ 0.
///
/// References:
/// - L. Chen, B. Liu, K. Liang, Q. Liu, "Lion Secretly Solves Constrained Optimization", ICLR 2024,
///   arXiv 2310.05898 (Lion-𝒦).
/// - Cattaneo & Shigida, paper 001 Example 1.5, §4, App. L (digest 001 §3.6–3.8).
///
/// Differs from: Chen et al. store the negated momentum; the iterates are the same.
public struct LionK: Optimizer {
    public typealias Hyperparameters = RuleHyperparameters<LionKRule>

    public var hyperparameters: Hyperparameters
    public let kernel: ConvexKernel
    public var schedules: Schedules

    public init(_ hyperparameters: Hyperparameters, kernel: ConvexKernel, schedules: Schedules = .constant) {
        self.hyperparameters = hyperparameters
        self.kernel = kernel
        self.schedules = schedules
    }

    public func step(parameters: inout [Double], gradient: [Double], state: inout MomentumState) {
        UpdateRules.momentumStep(parameters: &parameters, gradient: gradient, state: &state, schedules: schedules,
                                 hyperparameters: hyperparameters, order: hyperparameters.stepOrder) { theta, g, rates, state in
            update(&theta, gradient: g, rates: rates, state: &state)
        }
    }

    private func update(_ theta: inout [Double], gradient g: [Double], rates: StepRates, state: inout MomentumState) {
        let h = hyperparameters
        var c: [Double]
        switch h.biasCorrection {
        case .off:
            c = state.momentum
            UpdateRules.accumulate(&c, g, decay: h.beta1, inputWeight: 1 - h.beta1)
            UpdateRules.accumulate(&state.momentum, g, decay: h.beta2, inputWeight: 1 - h.beta2)
        case .on:
            UpdateRules.accumulate(&state.momentum, g, decay: h.beta2, inputWeight: 1 - h.beta2)
            c = g
            let ratio = h.beta1 / h.beta2
            let scale = ratio / h.biasCorrection.factor(beta: h.beta2, step: rates.number)
            UpdateRules.accumulate(&c, state.momentum, decay: 1 - ratio, inputWeight: scale)
        }
        let direction = kernel.gradient(c.map { -$0 }).map { -$0 }
        UpdateRules.descend(&theta, along: direction, learningRate: rates.learningRate)
    }
}

/// Lion-𝒦's own settings: ρ₁, ρ₂ (`beta1`, `beta2`), bias correction and the step order.
public struct LionKRule: RuleSettings {
    public let beta1: Double
    public let beta2: Double
    public let biasCorrection: BiasCorrection
    public let stepOrder: LionStepOrder

    public func validate() throws {
        try Validate.unitInterval(beta1, "beta1")
        if biasCorrection == .on {
            try Validate.openUnitInterval(beta2, "beta2")
        } else {
            try Validate.unitInterval(beta2, "beta2")
        }
    }

    enum CodingKeys: String, CodingKey {
        case beta1, beta2, biasCorrection = "bias_correction", stepOrder = "step_order"
    }
}

extension RuleHyperparameters<LionKRule> {
    /// Defaults are official Lion's (h = 10⁻⁴, (ρ₁, ρ₂) = (0.9, 0.99), no bias correction).
    public init(learningRate: Double = 1e-4, beta1: Double = 0.9, beta2: Double = 0.99,
                biasCorrection: BiasCorrection = .off, stepOrder: LionStepOrder = .decayThenUpdate,
                weightDecayMode: WeightDecayMode = .decoupled, weightDecay: Double = 0) throws {
        try self.init(learningRate: learningRate,
                      LionKRule(beta1: beta1, beta2: beta2, biasCorrection: biasCorrection, stepOrder: stepOrder),
                      weightDecayMode: weightDecayMode, weightDecay: weightDecay)
    }
}

/// A convex function 𝒦 given by its (sub)gradient ∇𝒦, for Lion-𝒦. The built-in kernels are Codable; a
/// custom kernel (any closure) can be used directly but not encoded.
public struct ConvexKernel: Codable, Equatable, Sendable {
    public enum Kind: String, Codable, CaseIterable, Sendable {
        /// 𝒦 = ‖x‖₁, ∇𝒦 = sign (sign(0) = 0): Lion.
        case l1
        /// 𝒦 = ‖x‖_{1,ε} = Σ √(x² + ε), ∇𝒦 = x/√(x² + ε): paper 001 §4.
        case smoothedL1
        /// 𝒦 = ½‖x‖², ∇𝒦 = x: heavy ball (paper 001 §3.6).
        case halfSquaredL2
        /// A user closure.
        case custom
    }

    public let kind: Kind
    /// ε of `smoothedL1` (0 otherwise).
    public let epsilon: Double
    private let customGradient: (@Sendable ([Double]) -> [Double])?

    private init(kind: Kind, epsilon: Double, customGradient: (@Sendable ([Double]) -> [Double])? = nil) {
        self.kind = kind
        self.epsilon = epsilon
        self.customGradient = customGradient
    }

    public static let l1 = ConvexKernel(kind: .l1, epsilon: 0)
    public static let halfSquaredL2 = ConvexKernel(kind: .halfSquaredL2, epsilon: 0)
    public static func smoothedL1(epsilon: Double) -> ConvexKernel { ConvexKernel(kind: .smoothedL1, epsilon: epsilon) }
    /// A user 𝒦 given by ∇𝒦. Two custom kernels compare equal; encoding one throws.
    public static func custom(gradient: @escaping @Sendable ([Double]) -> [Double]) -> ConvexKernel {
        ConvexKernel(kind: .custom, epsilon: 0, customGradient: gradient)
    }

    /// ∇𝒦(x).
    public func gradient(_ x: [Double]) -> [Double] {
        switch kind {
        case .l1: x.map { SignFunction.sign.apply($0, epsilon: 0) }
        case .smoothedL1: x.map { SignFunction.softSign.apply($0, epsilon: epsilon) }
        case .halfSquaredL2: x
        case .custom: customGradient!(x)
        }
    }

    public static func == (a: ConvexKernel, b: ConvexKernel) -> Bool { a.kind == b.kind && a.epsilon == b.epsilon }

    enum CodingKeys: String, CodingKey { case kind, epsilon }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let kind = try c.decode(Kind.self, forKey: .kind)
        guard kind != .custom else {
            throw DecodingError.dataCorruptedError(forKey: .kind, in: c, debugDescription: "a custom Lion-𝒦 kernel cannot be decoded")
        }
        self.init(kind: kind, epsilon: try c.decode(Double.self, forKey: .epsilon))
    }

    public func encode(to encoder: any Encoder) throws {
        guard kind != .custom else {
            throw EncodingError.invalidValue(kind, .init(codingPath: encoder.codingPath, debugDescription: "a custom Lion-𝒦 kernel cannot be encoded"))
        }
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(kind, forKey: .kind)
        try c.encode(epsilon, forKey: .epsilon)
    }
}
