import Tensor

/// Monte-Carlo Euler–Maruyama integration of an `AdaptiveSDE` over a `NoisyGradientOracle` (digest 004 §6.2):
///
/// ```
/// x_{n+1} = x_n + b(x_n) Δt + σ(x_n) √Δt ξ_n,   ξ_n ~ N(0, I)
/// ```
///
/// weak order 1 in Δt. Path p draws from stream "sde/path-p" of `seed`, so results do not depend on the
/// number of paths simulated before it. Δt is shrunk so that every record time is hit exactly.
public enum EulerMaruyama {
    /// P paths from `initial` (time `grid.start`) to `grid.start + grid.horizon`.
    /// - Parameters:
    ///   - timeStep: the largest Δt > 0 used.
    ///   - paths: P ≥ 2 (standard errors need two).
    public static func simulate(_ sde: AdaptiveSDE, oracle: some NoisyGradientOracle, initial: SDEState,
                                grid: SimulationGrid, timeStep: Double, paths: Int, seed: UInt64,
                                functions: [SDETestFunction]) throws -> SimulationMoments {
        try Check.positive(timeStep, "timeStep")
        guard paths >= 2 else { throw TheoryInputError(name: "paths", value: Double(paths), expected: "≥ 2") }
        try checkShape(initial, sde: sde, dimension: oracle.dimension)
        if sde.biasCorrection == .on, initial.time <= 0 {
            throw TheoryInputError(name: "t0", value: initial.time, expected: "> 0 for the bias-corrected Adam SDE (γ₁(0) = 0)")
        }
        let interval = grid.horizon / Double(grid.records)
        let substeps = max(1, Int((interval / timeStep).rounded(.up)))
        let dt = interval / Double(substeps)
        var recorder = MomentRecorder(functions: functions, grid: grid)
        let root = RandomGenerator(seed: seed, stream: "sde")
        for p in 0..<paths {
            var generator = root.stream("path-\(p)")
            var x = initial
            x.time = grid.start
            recorder.record(x, at: 0, loss: oracle.loss)
            for r in 1...grid.records {
                for _ in 0..<substeps {
                    sde.eulerMaruyamaStep(&x, coefficients: oracle.sdeCoefficients(at: x.theta, using: &generator), timeStep: dt)
                }
                x.time = grid.start + Double(r) * interval
                recorder.record(x, at: r, loss: oracle.loss)
            }
        }
        return recorder.moments(paths: paths, seed: seed)
    }

    /// θ has d entries, m has d (Adam) or none, u has d (RMSprop, Adam) or none (SGD).
    static func checkShape(_ x: SDEState, sde: AdaptiveSDE, dimension d: Int) throws {
        guard x.theta.count == d else { throw TheoryInputError(name: "theta", value: Double(x.theta.count), expected: "of length \(d)") }
        let needsM = sde.process == .adam, needsU = sde.process != .sgd
        guard x.firstMoment.count == (needsM ? d : 0) else {
            throw TheoryInputError(name: "firstMoment", value: Double(x.firstMoment.count), expected: "of length \(needsM ? d : 0)")
        }
        guard x.secondMoment.count == (needsU ? d : 0) else {
            throw TheoryInputError(name: "secondMoment", value: Double(x.secondMoment.count), expected: "of length \(needsU ? d : 0)")
        }
        for u in x.secondMoment { try Check.nonNegative(u, "secondMoment") }
    }
}
