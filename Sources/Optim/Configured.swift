/// The settings one optimizer adds to the three every optimizer has (η, the weight-decay mode, λ): Adam's
/// β₁, β₂, ε and conventions, heavy ball's β and τ, … Their coding keys are the setting names.
public protocol RuleSettings: Codable, Equatable, Sendable {
    /// Throws `HyperparameterError` naming the first of these settings outside its documented range.
    func validate() throws
    /// β₁ of a numerator that is a first-moment EMA m ← β₁m + (1 − β₁)g (Adam); nil for the others.
    var firstMomentDecay: Double? { get }
}

extension RuleSettings {
    public var firstMomentDecay: Double? { nil }
}

/// An optimizer's typed hyperparameters, written once for every optimizer: η (`lr`), the rule's own
/// settings, and the weight-decay mode and λ (`weight_decay_mode`, `weight_decay`), checked on
/// construction. They are listed, encoded and decoded flat, in that order (`lr`, the rule's keys,
/// `weight_decay_mode`, `weight_decay`); the rule's settings read as members (`h.beta1`).
@dynamicMemberLookup
public struct RuleHyperparameters<Rule: RuleSettings>: Codable, Equatable, Sendable {
    /// η ≥ 0, the base learning rate (the schedule multiplies it).
    public let learningRate: Double
    /// The optimizer's own settings.
    public let ruleSettings: Rule
    /// How λ enters the step (`WeightDecayMode`).
    public let weightDecayMode: WeightDecayMode
    /// λ ≥ 0.
    public let weightDecay: Double

    /// Each optimizer's public initializer (in its own file) gives every setting a default and calls this.
    init(learningRate: Double, _ ruleSettings: Rule, weightDecayMode: WeightDecayMode, weightDecay: Double) throws {
        self.learningRate = learningRate
        self.ruleSettings = ruleSettings
        self.weightDecayMode = weightDecayMode
        self.weightDecay = weightDecay
        try validate()
    }

    /// η ≥ 0 and λ ≥ 0, then the rule's own ranges.
    public func validate() throws {
        try Validate.rates(self)
        try ruleSettings.validate()
    }

    public subscript<T>(dynamicMember keyPath: KeyPath<Rule, T>) -> T { ruleSettings[keyPath: keyPath] }

    enum CodingKeys: String, CodingKey {
        case learningRate = "lr", weightDecayMode = "weight_decay_mode", weightDecay = "weight_decay"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        learningRate = try c.decode(Double.self, forKey: .learningRate)
        ruleSettings = try Rule(from: decoder)
        weightDecayMode = try c.decode(WeightDecayMode.self, forKey: .weightDecayMode)
        weightDecay = try c.decode(Double.self, forKey: .weightDecay)
    }

    public func encode(to encoder: any Encoder) throws {
        var head = encoder.container(keyedBy: CodingKeys.self)
        try head.encode(learningRate, forKey: .learningRate)
        try ruleSettings.encode(to: encoder)
        var tail = encoder.container(keyedBy: CodingKeys.self)
        try tail.encode(weightDecayMode, forKey: .weightDecayMode)
        try tail.encode(weightDecay, forKey: .weightDecay)
    }
}

extension RuleHyperparameters: DecayingHyperparameters, ValidatedSettings {
    public var firstMomentDecay: Double? { ruleSettings.firstMomentDecay }
}

/// Rule settings that define a whole optimizer (`Configured`): its state and step. The momentum rules
/// (`MomentumRule`) and Adam-like rules (`AdaptiveRuleSettings`) supply these.
public protocol UpdateRule: RuleSettings {
    associatedtype State: OptimizerState
    static func initialState(_ optimizer: Configured<Self>, dimension: Int) -> State
    static func step(_ optimizer: Configured<Self>, parameters: inout [Double], gradient: [Double], state: inout State)
    static func preconditionerDiagonal(_ optimizer: Configured<Self>, state: State) -> [Double]?
}

/// An optimizer made of typed hyperparameters and schedules, and nothing else: `SGD`, `HeavyBall`,
/// `GeneralizedMomentum`, `Signum`, `Adam` and `RMSprop` are `Configured` with their rule (see each for
/// its formula). η_t = η·s_η(index), λ_t = λ·s_λ(index) (`Schedules`, constant by default).
public struct Configured<Rule: UpdateRule>: Optimizer {
    public typealias Hyperparameters = RuleHyperparameters<Rule>

    public var hyperparameters: Hyperparameters
    public var schedules: Schedules

    public init(_ hyperparameters: Hyperparameters, schedules: Schedules = .constant) {
        self.hyperparameters = hyperparameters
        self.schedules = schedules
    }

    public func initialState(dimension: Int) -> Rule.State { Rule.initialState(self, dimension: dimension) }

    public func step(parameters: inout [Double], gradient: [Double], state: inout Rule.State) {
        Rule.step(self, parameters: &parameters, gradient: gradient, state: &state)
    }

    public func preconditionerDiagonal(state: Rule.State) -> [Double]? { Rule.preconditionerDiagonal(self, state: state) }
}

/// Rule settings that are a family of their own in the catalog (a preset's type): its name, its formula
/// and the optimizer they build. Lion-𝒦's and the Adam variants' settings are `ExtendedSettings` instead.
public protocol FamilyRule: UpdateRule {
    /// See `OptimizerSettings.optimizerName`.
    static var optimizerName: String { get }
    /// See `OptimizerSettings.formula`.
    static func formula(_ hyperparameters: RuleHyperparameters<Self>) -> String
    /// The optimizer held by name.
    static func erase(_ optimizer: Configured<Self>) -> AnyOptimizer
}

extension RuleHyperparameters: OptimizerSettings where Rule: FamilyRule {
    public static var optimizerName: String { Rule.optimizerName }
    public var formula: String { Rule.formula(self) }
    public func makeOptimizer(structure: ProblemStructure) throws -> AnyOptimizer { Rule.erase(Configured(self)) }
}

/// The momentum family's rules (SGD, heavy ball, generalized momentum, Signum): an update of θ and one
/// buffer inside the shared step frame (`UpdateRules.momentumStep`).
protocol MomentumRule: UpdateRule where State == MomentumState {
    /// The update proper, θ ← θ − η_t·(…), given g with coupled decay folded in; `state.step` is still the
    /// index of this step.
    func update(_ theta: inout [Double], gradient g: [Double], rates: StepRates, state: inout MomentumState)
}

extension MomentumRule {
    /// A zero buffer of length d at step 0.
    public static func initialState(_ optimizer: Configured<Self>, dimension: Int) -> MomentumState {
        MomentumState(momentum: [Double](repeating: 0, count: dimension))
    }

    public static func step(_ optimizer: Configured<Self>, parameters: inout [Double], gradient: [Double],
                            state: inout MomentumState) {
        let rule = optimizer.hyperparameters.ruleSettings
        UpdateRules.momentumStep(parameters: &parameters, gradient: gradient, state: &state, schedules: optimizer.schedules,
                                 hyperparameters: optimizer.hyperparameters) { theta, g, rates, state in
            rule.update(&theta, gradient: g, rates: rates, state: &state)
        }
    }

    public static func preconditionerDiagonal(_ optimizer: Configured<Self>, state: MomentumState) -> [Double]? { nil }
}

/// Adam-like rules (Adam, RMSprop): settings of `AdaptiveRule`, which supplies the state and step.
protocol AdaptiveRuleSettings: UpdateRule where State == MomentState {
    static func rule(_ optimizer: Configured<Self>) -> AdaptiveRule
}

extension AdaptiveRuleSettings {
    public static func initialState(_ optimizer: Configured<Self>, dimension: Int) -> MomentState {
        rule(optimizer).initialState(dimension: dimension)
    }

    public static func step(_ optimizer: Configured<Self>, parameters: inout [Double], gradient: [Double],
                            state: inout MomentState) {
        rule(optimizer).step(parameters: &parameters, gradient: gradient, state: &state)
    }

    public static func preconditionerDiagonal(_ optimizer: Configured<Self>, state: MomentState) -> [Double]? {
        rule(optimizer).preconditionerDiagonal(state: state, dimension: state.dimensionHint)
    }
}

extension Configured where Rule: AdaptiveRuleSettings {
    /// The `AdaptiveRule` these settings are.
    var rule: AdaptiveRule { Rule.rule(self) }
}

extension AdaptiveRule {
    /// Adam's per-coordinate rule with the given β₁ and numerator (RMSprop: β₁ = 0 and the gradient).
    init(_ h: some DecayingHyperparameters, beta1: Double, secondMoment s: RMSpropRule, numerator: Numerator,
         schedules: Schedules) {
        self.init(learningRate: h.learningRate, beta1: beta1, beta2: s.beta2, epsilon: s.epsilon,
                  numerator: numerator, denominator: .root(s.epsilonPlacement),
                  biasCorrection: s.biasCorrection, timing: s.secondMomentTiming,
                  weightDecayMode: h.weightDecayMode, weightDecay: h.weightDecay,
                  grouping: .perCoordinate, schedules: schedules)
    }
}
