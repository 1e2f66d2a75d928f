import Foundation

/// Any optimizer of this module, as one Codable value, so the training runner and the CLI can hold an
/// optimizer chosen by name (`OptimizerSpec`) and save it with its state.
public enum AnyOptimizer: Optimizer {
    case sgd(SGD)
    case heavyBall(HeavyBall)
    case generalizedMomentum(GeneralizedMomentum)
    case adam(Adam)
    case nadam(NAdam)
    case rmsprop(RMSprop)
    case adamE(AdamE)
    case adamMini(AdamMini)
    case adalayer(Adalayer)
    case adaSGD(AdaSGD)
    case adafactor(Adafactor)
    case lion(Lion)
    case lionK(LionK)
    case signum(Signum)

    /// The wrapped optimizer.
    public var base: any Optimizer {
        switch self {
        case .sgd(let o): o
        case .heavyBall(let o): o
        case .generalizedMomentum(let o): o
        case .adam(let o): o
        case .nadam(let o): o
        case .rmsprop(let o): o
        case .adamE(let o): o
        case .adamMini(let o): o
        case .adalayer(let o): o
        case .adaSGD(let o): o
        case .adafactor(let o): o
        case .lion(let o): o
        case .lionK(let o): o
        case .signum(let o): o
        }
    }

    public func initialState(dimension: Int) -> AnyOptimizerState {
        Self.initialState(base, dimension: dimension)
    }

    /// One step; traps if `state` is not this optimizer's kind of state.
    public func step(parameters: inout [Double], gradient: [Double], state: inout AnyOptimizerState) {
        Self.step(base, parameters: &parameters, gradient: gradient, state: &state)
    }

    /// P_t for adaptive optimizers (see `AdaptiveRule.preconditionerDiagonal`), nil otherwise.
    public func preconditionerDiagonal(state: AnyOptimizerState) -> [Double]? {
        Self.preconditioner(base, state: state)
    }

    /// True when `state` is the kind of state this optimizer uses.
    public func accepts(_ state: AnyOptimizerState) -> Bool { Self.accepts(base, state) }

    private static func initialState<O: Optimizer>(_ o: O, dimension: Int) -> AnyOptimizerState {
        o.initialState(dimension: dimension).erased
    }

    private static func step<O: Optimizer>(_ o: O, parameters: inout [Double], gradient: [Double],
                                           state: inout AnyOptimizerState) {
        guard var s = O.State(erased: state) else { preconditionFailure("optimizer state of the wrong kind") }
        // Release the enum's reference to the buffers first, so the step updates them in place instead
        // of copying every moment array (copy-on-write) on each step.
        state = .momentum(MomentumState(momentum: []))
        o.step(parameters: &parameters, gradient: gradient, state: &s)
        state = s.erased
    }

    private static func preconditioner<O: Optimizer>(_ o: O, state: AnyOptimizerState) -> [Double]? {
        O.State(erased: state).flatMap { o.preconditionerDiagonal(state: $0) }
    }

    private static func accepts<O: Optimizer>(_ o: O, _ state: AnyOptimizerState) -> Bool {
        O.State(erased: state) != nil
    }
}

/// An optimizer with its state: what a training run holds. Build one from a spec string with
/// `OptimizerSpec(parsing: "adam:torch,lr=0.01").makeInstance(structure:)`.
///
/// Saving and restoring is bit-exact: `encodedState()` writes the state as JSON (Swift prints every
/// Double with the shortest representation that round-trips), and `restoreState(from:)` reads it back.
public struct OptimizerInstance: Codable, Equatable, Sendable {
    public let optimizer: AnyOptimizer
    public private(set) var state: AnyOptimizerState

    public init(optimizer: AnyOptimizer, dimension: Int) {
        self.optimizer = optimizer
        self.state = optimizer.initialState(dimension: dimension)
    }

    /// Steps already taken.
    public var stepCount: Int { state.step }

    public mutating func step(parameters: inout [Double], gradient: [Double]) {
        optimizer.step(parameters: &parameters, gradient: gradient, state: &state)
    }

    /// The diagonal preconditioner P_t of an adaptive optimizer at the current state, nil otherwise.
    public var preconditionerDiagonal: [Double]? { optimizer.preconditionerDiagonal(state: state) }

    /// The state as JSON.
    public func encodedState() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try encoder.encode(state)
    }

    /// Replaces the state by one saved with `encodedState()`. Throws if it is not this optimizer's kind.
    public mutating func restoreState(from data: Data) throws {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        let decoded = try decoder.decode(AnyOptimizerState.self, from: data)
        guard optimizer.accepts(decoded) else {
            throw OptimizerSpecError("saved optimizer state is of the wrong kind for this optimizer")
        }
        state = decoded
    }

    /// Replaces the state (e.g. one kept in memory). Throws if it is not this optimizer's kind.
    public mutating func restoreState(_ saved: AnyOptimizerState) throws {
        guard optimizer.accepts(saved) else {
            throw OptimizerSpecError("saved optimizer state is of the wrong kind for this optimizer")
        }
        state = saved
    }
}
