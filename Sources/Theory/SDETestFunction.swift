import Curvature

/// The test functions g of the weak-approximation bound max_k |E g(x_k) − E g(X_{kη_e})| (paper 004,
/// Def. 2.4; digest 004 §10.1 item 5), evaluated on an `SDEState` (a discrete state is mapped to one with
/// u = v/σ²). Coordinate averages use d = dim θ.
public enum SDETestFunction: Codable, Hashable, Sendable {
    /// θᵢ.
    case theta(Int)
    /// θᵢ².
    case thetaSquared(Int)
    /// (1/d) Σᵢ θᵢ.
    case meanTheta
    /// (1/d) ‖θ‖².
    case meanThetaSquared
    /// f(θ).
    case loss
    /// (1/d) Σᵢ mᵢ (Adam).
    case meanFirstMoment
    /// (1/d) ‖m‖² (Adam).
    case meanFirstMomentSquared
    /// (1/d) Σᵢ uᵢ (RMSprop, Adam).
    case meanSecondMoment

    /// A snake_case name for reports: `theta_0`, `theta_sq_0`, `theta`, `theta_sq`, `loss`, `m`, `m_sq`, `u`.
    public var name: String {
        switch self {
        case .theta(let i): "theta_\(i)"
        case .thetaSquared(let i): "theta_sq_\(i)"
        case .meanTheta: "theta"
        case .meanThetaSquared: "theta_sq"
        case .loss: "loss"
        case .meanFirstMoment: "m"
        case .meanFirstMomentSquared: "m_sq"
        case .meanSecondMoment: "u"
        }
    }

    /// The functions that apply to a process: θ, θ², f, and m, m² (Adam) and u (RMSprop, Adam).
    public static func standard(for process: SDEProcess) -> [SDETestFunction] {
        switch process {
        case .sgd: [.meanTheta, .meanThetaSquared, .loss]
        case .rmsprop: [.meanTheta, .meanThetaSquared, .loss, .meanSecondMoment]
        case .adam: [.meanTheta, .meanThetaSquared, .loss, .meanFirstMoment, .meanFirstMomentSquared, .meanSecondMoment]
        }
    }

    /// g(x); `loss` is called only for `.loss`.
    public func evaluate(_ x: SDEState, loss: ([Double]) -> Double) -> Double {
        func mean(_ v: [Double], _ f: (Double) -> Double) -> Double { v.isEmpty ? .nan : v.reduce(0) { $0 + f($1) } / Double(v.count) }
        switch self {
        case .theta(let i): return x.theta[i]
        case .thetaSquared(let i): return x.theta[i] * x.theta[i]
        case .meanTheta: return mean(x.theta) { $0 }
        case .meanThetaSquared: return mean(x.theta) { $0 * $0 }
        case .loss: return loss(x.theta)
        case .meanFirstMoment: return mean(x.firstMoment) { $0 }
        case .meanFirstMomentSquared: return mean(x.firstMoment) { $0 * $0 }
        case .meanSecondMoment: return mean(x.secondMoment) { $0 }
        }
    }
}

/// E g(x_t) over Monte-Carlo paths at each recorded time, with standard errors.
public struct MomentSeries: Codable, Equatable, Sendable {
    /// The test function's `name`.
    public let name: String
    public let times: [Double]
    /// Sample means over paths.
    public let means: [Double]
    /// s/√P per time.
    public let standardErrors: [Double]
}

/// The result of a Monte-Carlo simulation (SDE or discrete): one `MomentSeries` per test function on a
/// common time grid.
public struct SimulationMoments: Codable, Equatable, Sendable {
    public let times: [Double]
    public let paths: Int
    public let seed: UInt64
    public let series: [MomentSeries]

    /// The series of `function`; traps when it was not recorded.
    public func series(_ function: SDETestFunction) -> MomentSeries {
        guard let s = series.first(where: { $0.name == function.name }) else {
            preconditionFailure("SimulationMoments: \(function.name) was not recorded")
        }
        return s
    }

    /// The estimate of E g at the last recorded time.
    public func final(_ function: SDETestFunction) -> Estimate {
        let s = series(function)
        return Estimate(value: s.means.last!, standardError: s.standardErrors.last!, sampleCount: paths, seed: seed)
    }
}

/// The time grid t₀ + T·j/R, j = 0…R, of a simulation.
public struct SimulationGrid: Codable, Equatable, Sendable {
    public let start: Double
    public let horizon: Double
    public let records: Int

    public init(start: Double = 0, horizon: Double, records: Int) throws {
        try Check.nonNegative(start, "t0")
        try Check.positive(horizon, "time")
        guard records >= 1 else { throw TheoryInputError(name: "records", value: Double(records), expected: "≥ 1") }
        self.start = start
        self.horizon = horizon
        self.records = records
    }

    public var times: [Double] { (0...records).map { start + horizon * Double($0) / Double(records) } }
}

/// Accumulates g(x) per (record, function, path) and summarizes them as `SimulationMoments`.
struct MomentRecorder {
    let functions: [SDETestFunction]
    let grid: SimulationGrid
    /// values[record][function] = one value per path.
    private var values: [[[Double]]]

    init(functions: [SDETestFunction], grid: SimulationGrid) {
        self.functions = functions
        self.grid = grid
        values = Array(repeating: Array(repeating: [], count: functions.count), count: grid.records + 1)
    }

    mutating func record(_ x: SDEState, at record: Int, loss: ([Double]) -> Double) {
        for (f, function) in functions.enumerated() { values[record][f].append(function.evaluate(x, loss: loss)) }
    }

    func moments(paths: Int, seed: UInt64) -> SimulationMoments {
        let series = functions.enumerated().map { f, function in
            let estimates = values.map { Estimate(samples: $0[f], seed: seed) }
            return MomentSeries(name: function.name, times: grid.times, means: estimates.map(\.value),
                                standardErrors: estimates.map(\.standardError))
        }
        return SimulationMoments(times: grid.times, paths: paths, seed: seed, series: series)
    }
}
