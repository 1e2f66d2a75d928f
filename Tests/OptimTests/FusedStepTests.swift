import Foundation
import Testing
@testable import Optim
import Tensor

/// The one-pass per-coordinate step (`AdaptiveRule.fusedStep`) against the multi-pass step it replaced.

private let numerators: [Numerator] = [.gradient, .momentum, .nesterov(.paper001), .nesterov(.optax)]
private let denominators: [Denominator] = [.root(.outsideSqrt), .root(.insideSqrt), .power(0.25)]

@Test(arguments: numerators, denominators)
func fusedStepIsTheMultiPassStep(_ numerator: Numerator, _ denominator: Denominator) {
    // Oracle: the same rule with one v per one-coordinate group, which runs the multi-pass form (moment EMA,
    // g², expand, numerators, divide, descend as separate loops); a group mean of one g² is g² exactly, so
    // the two perform the same operations and must agree bit for bit, for every decay mode, timing and
    // bias correction (40 steps on Toy5D, η warming up so that η_t varies).
    for mode in WeightDecayMode.allCases {
        for timing in SecondMomentTiming.allCases {
            for correction in BiasCorrection.allCases {
                let fused = AdaptiveRule(learningRate: 0.01, beta1: numerator == .gradient ? 0 : 0.9, beta2: 0.99,
                                         epsilon: 0.1, numerator: numerator, denominator: denominator,
                                         biasCorrection: correction, timing: timing, weightDecayMode: mode,
                                         weightDecay: 0.1, grouping: .perCoordinate,
                                         schedules: Schedules(learningRate: .linearWarmup(steps: 10, initialFraction: 0.1)))
                var multiPass = fused
                multiPass.grouping = .groups((0..<5).map { [$0..<($0 + 1)] })
                var theta = (Toy5D.start, Toy5D.start)
                var state = (fused.initialState(dimension: 5), multiPass.initialState(dimension: 5))
                for t in 1...40 {
                    fused.step(parameters: &theta.0, gradient: Toy5D.gradient(theta.0), state: &state.0)
                    multiPass.step(parameters: &theta.1, gradient: Toy5D.gradient(theta.1), state: &state.1)
                    #expect(theta.0 == theta.1 && state.0 == state.1,
                            "\(numerator) \(denominator) \(mode) \(timing) \(correction) step \(t): \(theta.0) vs \(theta.1)")
                }
                #expect(theta.0.allSatisfy { $0.isFinite })
            }
        }
    }
}

@Test func ieeeSquareRootIsSquareRoot() {
    // Oracle: Double.squareRoot(), bit for bit, on special values and 10⁴ random magnitudes over 600 binades.
    var generator = RandomGenerator(seed: 7)
    let specials: [Double] = [0, -0.0, 1, 2, -1, .infinity, -.infinity, .nan, .leastNonzeroMagnitude,
                              .leastNormalMagnitude, .greatestFiniteMagnitude]
    let random = (0..<10_000).map { _ in pow(10, 600 * generator.uniform() - 300) }
    for x in specials + random {
        #expect(ieeeSquareRoot(x).bitPattern == x.squareRoot().bitPattern, "√\(x)")
    }
}

@Test func instanceStepUpdatesBuffersInPlace() throws {
    // Oracle: a copy-on-write copy allocates the new buffer while the old one is still alive, so its address
    // differs; unchanged addresses of θ, m and v over 5 steps mean every step wrote in place.
    var run = try OptimizerSpec(parsing: "adamw:torch").makeInstance(structure: ProblemStructure(dimension: 1000))
    var theta = (0..<1000).map { sin(Double($0)) }
    func addresses() -> [Int] {
        guard case .moments(let s) = run.state else { return [] }
        return [theta, s.firstMoment, s.secondMoment].map { $0.withUnsafeBufferPointer { Int(bitPattern: $0.baseAddress) } }
    }
    let before = addresses()
    for _ in 0..<5 { run.step(parameters: &theta, gradient: theta.map { 2 * $0 }) }
    #expect(before.count == 3 && addresses() == before)
}

@Test(arguments: [1, 2, 3, 8])
func stepOnSeveralCoresEqualsTheStepOnEachPart(cores: Int) {
    // Oracle: the same rule run separately on each part the vector is cut into (each below the parallel
    // threshold, so one pass each). Coordinates are independent, so cutting a long vector into parts on
    // several cores must give the same bits — every coordinate updated once, at the right offset.
    let d = 8 * AdaptiveRule.parallelThreshold + 1_000
    let rule = AdaptiveRule(learningRate: 0.01, beta1: 0.9, beta2: 0.99, epsilon: 1e-8, numerator: .momentum,
                            denominator: .root(.outsideSqrt), biasCorrection: .on, timing: .current,
                            weightDecayMode: .decoupled, weightDecay: 0.1, grouping: .perCoordinate, schedules: .constant)
    let ranges = BatchParallelism.withCoreCount(cores) {
        BatchParallelism.ranges(count: d, parts: BatchParallelism.partCount(forBatchOf: d, minimumPartSize: AdaptiveRule.parallelThreshold))
    }
    #expect(ranges.count == cores)
    var rng = RandomGenerator(seed: 8)
    var theta = rng.gaussians(d)
    var parts = ranges.map { Array(theta[$0]) }
    var state = rule.initialState(dimension: d)
    var partStates = ranges.map { rule.initialState(dimension: $0.count) }
    for _ in 1...3 {
        let g = rng.gaussians(d)
        BatchParallelism.withCoreCount(cores) { rule.step(parameters: &theta, gradient: g, state: &state) }
        for k in ranges.indices {
            BatchParallelism.withCoreCount(1) { rule.step(parameters: &parts[k], gradient: Array(g[ranges[k]]), state: &partStates[k]) }
        }
    }
    #expect(theta == parts.flatMap { $0 })
    #expect(state.secondMoment == partStates.flatMap(\.secondMoment))
    #expect(state.firstMoment == partStates.flatMap(\.firstMoment))
}
