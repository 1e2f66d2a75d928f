/// Each optimizer family's settings type: the hyperparameters (plus the family's own options) that a
/// preset fixes and overrides change, and how they build the optimizer and print its formula.

extension SGDRule: FamilyRule {
    public static let optimizerName = "SGD"
    public static func formula(_ h: SGD.Hyperparameters) -> String { OptimizerFormula.sgd(h) }
    public static func erase(_ optimizer: SGD) -> AnyOptimizer { .sgd(optimizer) }
}

extension HeavyBallRule: FamilyRule {
    public static let optimizerName = "heavy ball"
    public static func formula(_ h: HeavyBall.Hyperparameters) -> String { OptimizerFormula.heavyBall(h) }
    public static func erase(_ optimizer: HeavyBall) -> AnyOptimizer { .heavyBall(optimizer) }
}

extension GeneralizedMomentumRule: FamilyRule {
    public static let optimizerName = "generalized momentum"
    public static func formula(_ h: GeneralizedMomentum.Hyperparameters) -> String { OptimizerFormula.generalizedMomentum(h) }
    public static func erase(_ optimizer: GeneralizedMomentum) -> AnyOptimizer { .generalizedMomentum(optimizer) }
}

extension SignumRule: FamilyRule {
    public static let optimizerName = "Signum"
    public static func formula(_ h: Signum.Hyperparameters) -> String { OptimizerFormula.signum(h) }
    public static func erase(_ optimizer: Signum) -> AnyOptimizer { .signum(optimizer) }
}

extension AdamRule: FamilyRule {
    public static let optimizerName = "Adam"
    public static func formula(_ h: Adam.Hyperparameters) -> String { Adam(h).rule.formula(.perCoordinate) }
    public static func erase(_ optimizer: Adam) -> AnyOptimizer { .adam(optimizer) }
}

extension RMSpropRule: FamilyRule {
    public static let optimizerName = "RMSprop"
    public static func formula(_ h: RMSprop.Hyperparameters) -> String { RMSprop(h).rule.formula(.perCoordinate) }
    public static func erase(_ optimizer: RMSprop) -> AnyOptimizer { .rmsprop(optimizer) }
}


extension AdaptiveRule {
    /// This rule's update in one line (`OptimizerFormula.adaptive`).
    func formula(_ secondMoment: OptimizerFormula.SecondMoment) -> String {
        OptimizerFormula.adaptive(weightDecayMode: weightDecayMode, numerator: numerator, denominator: denominator,
                                  biasCorrection: biasCorrection, timing: timing, secondMoment: secondMoment)
    }
}

extension NAdam {
    /// NAdam's numerator on Adam's settings (key `numerator`).
    public struct Options: SettingsExtension {
        public static let optimizerName = "NAdam"
        public var numerator: NAdamNumerator
        public init(numerator: NAdamNumerator = .paper001) { self.numerator = numerator }
        public func formula(base: Adam.Hyperparameters) -> String {
            NAdam(base, numerator: numerator).rule.formula(.perCoordinate)
        }
        public func makeOptimizer(base: Adam.Hyperparameters, structure: ProblemStructure) throws -> AnyOptimizer {
            .nadam(NAdam(base, numerator: numerator))
        }
    }
    public typealias Settings = ExtendedSettings<Options>
}

extension AdamE {
    /// AdamE-λ's exponent λ ∈ [0, 1) on Adam's settings (key `exponent`; default 0.25, paper 002 App. G).
    public struct Options: SettingsExtension {
        public static let optimizerName = "AdamE-λ"
        public var exponent: Double
        public init(exponent: Double = 0.25) { self.exponent = exponent }
        public func validate(base: Adam.Hyperparameters) throws { try Validate.unitInterval(exponent, "exponent") }
        public func formula(base: Adam.Hyperparameters) -> String {
            var rule = Adam(base).rule
            AdamE.adjust(&rule, exponent: exponent)
            return rule.formula(.perCoordinate)
        }
        public func makeOptimizer(base: Adam.Hyperparameters, structure: ProblemStructure) throws -> AnyOptimizer {
            .adamE(try AdamE(base, exponent: exponent))
        }
    }
    public typealias Settings = ExtendedSettings<Options>
}

extension AdaSGD {
    /// AdaSGD adds no setting: its one v covers θ ∈ ℝ^d.
    public struct Options: SettingsExtension {
        public static let optimizerName = "AdaSGD"
        public init() {}
        public func formula(base: Adam.Hyperparameters) -> String { Adam(base).rule.formula(.whole) }
        public func makeOptimizer(base: Adam.Hyperparameters, structure: ProblemStructure) throws -> AnyOptimizer {
            .adaSGD(AdaSGD(base, dimension: structure.dimension))
        }
    }
    public typealias Settings = ExtendedSettings<Options>
}

extension Adafactor {
    /// Adafactor's ε₁ ≥ 0, added to g² before factoring (key `eps1`; default 10⁻³⁰, Shazeer & Stern).
    public struct Options: SettingsExtension {
        public static let optimizerName = "Adafactor"
        public var epsilon1: Double
        public init(epsilon1: Double = 1e-30) { self.epsilon1 = epsilon1 }
        public func validate(base: Adam.Hyperparameters) throws { try Validate.nonNegative(epsilon1, "eps1") }
        public func formula(base: Adam.Hyperparameters) -> String { Adam(base).rule.formula(.factored) }
        public func makeOptimizer(base: Adam.Hyperparameters, structure: ProblemStructure) throws -> AnyOptimizer {
            .adafactor(try Adafactor(base, epsilon1: epsilon1, shapes: structure.matrixShapes))
        }
        enum CodingKeys: String, CodingKey { case epsilon1 = "eps1" }
    }
    public typealias Settings = ExtendedSettings<Options>
}

extension Lion {
    /// Lion adds no setting to Lion-𝒦's; its bias correction must be off (`LionK` has the corrected form).
    public struct Options: SettingsExtension {
        public static let optimizerName = "Lion"
        public init() {}
        public func validate(base: LionK.Hyperparameters) throws {
            guard base.biasCorrection == .off else {
                throw HyperparameterError(parameter: "bias_correction", expected: "off for lion (lionk:paper001 is the bias-corrected form)",
                                          value: base.biasCorrection.rawValue)
            }
        }
        public func formula(base: LionK.Hyperparameters) -> String { OptimizerFormula.lion(base, kernel: .l1) }
        public func makeOptimizer(base: LionK.Hyperparameters, structure: ProblemStructure) throws -> AnyOptimizer {
            .lion(Lion(base))
        }
    }
    public typealias Settings = ExtendedSettings<Options>
}

extension LionK {
    /// Lion-𝒦's kernel 𝒦 (key `kernel`) and the ε of ‖·‖_{1,ε} (key `eps`, used by `smoothedL1` only).
    public struct Options: SettingsExtension {
        public static let optimizerName = "Lion-𝒦"
        public var kernel: ConvexKernel.Kind
        public var epsilon: Double
        public init(kernel: ConvexKernel.Kind = .l1, epsilon: Double = 1e-6) {
            self.kernel = kernel
            self.epsilon = epsilon
        }
        public func validate(base: LionK.Hyperparameters) throws {
            guard kernel != .custom else { throw OptimizerSpecError("kernel 'custom' needs a closure; build LionK in code") }
            try Validate.nonNegative(epsilon, "eps")
        }
        /// The kernel these options name.
        public var convexKernel: ConvexKernel {
            switch kernel {
            case .l1, .custom: .l1
            case .smoothedL1: .smoothedL1(epsilon: epsilon)
            case .halfSquaredL2: .halfSquaredL2
            }
        }
        public func formula(base: LionK.Hyperparameters) -> String { OptimizerFormula.lion(base, kernel: kernel) }
        public func makeOptimizer(base: LionK.Hyperparameters, structure: ProblemStructure) throws -> AnyOptimizer {
            .lionK(LionK(base, kernel: convexKernel))
        }
        enum CodingKeys: String, CodingKey { case kernel, epsilon = "eps" }
    }
    public typealias Settings = ExtendedSettings<Options>
}
