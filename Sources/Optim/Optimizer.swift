/// An optimizer is a hyperparameter value, an explicit state, and a pure step.
///
/// Every optimizer in this module works on a flat parameter vector θ ∈ ℝ^d. The step reads only
/// (θ, g, state) and writes θ and the state, so a run can be saved and restored bit-exactly (encode the
/// state as JSON, decode it, continue) and theory code can evaluate an update at any state without a loop.
///
/// Conventions shared by every optimizer:
/// - `state.step` counts the steps already taken. The step being taken has index `state.step` (0-based,
///   used by the schedules) and number t = `state.step + 1` (1-based, used by bias corrections 1 − βᵗ).
/// - η_t = η · s_η(index) and λ_t = λ · s_λ(index), with the schedules in `schedules` (constant by default).
/// - g is the gradient of the loss at the current θ; the step does not evaluate any other gradient.
public protocol Optimizer: Codable, Equatable, Sendable {
    associatedtype State: OptimizerState
    /// The state before the first step: step count 0 and zero buffers, sized for θ ∈ ℝ^d.
    func initialState(dimension: Int) -> State
    /// One update: θ ← θ − η_t·(…), state ← state'. Traps if the lengths of θ, g and the state disagree.
    func step(parameters: inout [Double], gradient: [Double], state: inout State)
    /// The diagonal preconditioner P of an adaptive optimizer at `state`, or nil for non-adaptive ones.
    /// See `AdaptiveRule.preconditionerDiagonal(state:)` for the definition.
    func preconditionerDiagonal(state: State) -> [Double]?
}

extension Optimizer {
    public func preconditionerDiagonal(state: State) -> [Double]? { nil }
}

/// A state that can be held in the type-erased `AnyOptimizerState`.
public protocol OptimizerState: Codable, Equatable, Sendable {
    /// Steps already taken.
    var step: Int { get }
    init?(erased: AnyOptimizerState)
    var erased: AnyOptimizerState { get }
}

/// State of the momentum family (SGD, heavy ball, Nesterov, generalized momentum, Lion, Lion-𝒦, Signum):
/// the step count and one buffer. SGD and signGD keep the buffer empty.
public struct MomentumState: OptimizerState {
    public var step: Int
    /// The momentum buffer (its meaning is given in each optimizer's doc comment).
    public var momentum: [Double]

    public init(step: Int = 0, momentum: [Double]) {
        self.step = step
        self.momentum = momentum
    }

    public init?(erased: AnyOptimizerState) {
        guard case .momentum(let s) = erased else { return nil }
        self = s
    }

    public var erased: AnyOptimizerState { .momentum(self) }
}

/// State of the adaptive family (Adam, AdamW, NAdam, RMSprop, AdamE-λ, Adam-mini, Adalayer, AdaSGD,
/// Adafactor): the step count, the first moment m (empty when the optimizer has none, e.g. RMSprop) and
/// the second-moment storage v (one value per coordinate, per block, per layer, or Adafactor's row and
/// column factors, as the optimizer's doc comment says).
public struct MomentState: OptimizerState {
    public var step: Int
    public var firstMoment: [Double]
    public var secondMoment: [Double]

    public init(step: Int = 0, firstMoment: [Double], secondMoment: [Double]) {
        self.step = step
        self.firstMoment = firstMoment
        self.secondMoment = secondMoment
    }

    public init?(erased: AnyOptimizerState) {
        guard case .moments(let s) = erased else { return nil }
        self = s
    }

    public var erased: AnyOptimizerState { .moments(self) }
}

/// Either kind of optimizer state, for code that holds optimizers by name (`OptimizerInstance`).
extension Optimizer where State == MomentumState {
    /// A zero momentum buffer of length d at step 0: the initial state of every momentum-style
    /// optimizer (heavy ball, generalized momentum, Lion-𝒦, Signum).
    public func initialState(dimension: Int) -> MomentumState {
        MomentumState(momentum: [Double](repeating: 0, count: dimension))
    }
}

public enum AnyOptimizerState: OptimizerState {
    case momentum(MomentumState)
    case moments(MomentState)

    public init?(erased: AnyOptimizerState) { self = erased }
    public var erased: AnyOptimizerState { self }

    public var step: Int {
        switch self {
        case .momentum(let s): s.step
        case .moments(let s): s.step
        }
    }
}

/// A hyperparameter outside its valid range. The message names the parameter (by the key used in
/// `OptimizerSpec` overrides, e.g. `lr`, `beta2`, `eps`, `weight_decay`) and the range expected:
/// `beta2 must be in [0, 1), got 1.0`.
public struct HyperparameterError: Error, Equatable, Sendable, CustomStringConvertible {
    public let parameter: String
    public let expected: String
    public let value: String

    public init(parameter: String, expected: String, value: String) {
        self.parameter = parameter
        self.expected = expected
        self.value = value
    }

    public var description: String { "\(parameter) must be \(expected), got \(value)" }
}

/// Range checks used by every hyperparameter initializer. NaN fails every check.
enum Validate {
    /// β ∈ [0, 1).
    static func unitInterval(_ value: Double, _ name: String) throws {
        guard value >= 0 && value < 1 else {
            throw HyperparameterError(parameter: name, expected: "in [0, 1)", value: "\(value)")
        }
    }

    /// x ∈ [0, 1].
    static func closedUnitInterval(_ value: Double, _ name: String) throws {
        guard value >= 0 && value <= 1 else {
            throw HyperparameterError(parameter: name, expected: "in [0, 1]", value: "\(value)")
        }
    }

    /// x ∈ [0, ∞) and finite.
    static func nonNegative(_ value: Double, _ name: String) throws {
        guard value >= 0 && value.isFinite else {
            throw HyperparameterError(parameter: name, expected: "in [0, ∞)", value: "\(value)")
        }
    }

    /// x ∈ (0, ∞) and finite.
    static func positive(_ value: Double, _ name: String) throws {
        guard value > 0 && value.isFinite else {
            throw HyperparameterError(parameter: name, expected: "in (0, ∞)", value: "\(value)")
        }
    }

    /// β ∈ (0, 1).
    static func openUnitInterval(_ value: Double, _ name: String) throws {
        guard value > 0 && value < 1 else {
            throw HyperparameterError(parameter: name, expected: "in (0, 1)", value: "\(value)")
        }
    }
}
