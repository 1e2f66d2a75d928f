import Foundation
import Testing
@testable import Optim
import Tensor

// MARK: Hyperparameter validation (oracle: the ranges in each doc comment; messages name the spec key)

@Test func hyperparameterErrorsNameParameterAndRange() {
    func message(_ body: () throws -> Void) -> String {
        do { try body(); return "no error" } catch { return "\(error)" }
    }
    #expect(message { _ = try Adam.Hyperparameters(beta2: 1.0) } == "beta2 must be in [0, 1), got 1.0")
    #expect(message { _ = try Adam.Hyperparameters(beta1: -0.1) } == "beta1 must be in [0, 1), got -0.1")
    #expect(message { _ = try Adam.Hyperparameters(learningRate: -0.001) } == "lr must be in [0, ∞), got -0.001")
    #expect(message { _ = try Adam.Hyperparameters(epsilon: -1e-8) } == "eps must be in [0, ∞), got -1e-08")
    #expect(message { _ = try Adam.Hyperparameters(weightDecay: -1) } == "weight_decay must be in [0, ∞), got -1.0")
    #expect(message { _ = try HeavyBall.Hyperparameters(momentum: 1) } == "momentum must be in [0, 1), got 1.0")
    #expect(message { _ = try HeavyBall.Hyperparameters(dampening: 1.5) } == "dampening must be in [0, 1], got 1.5")
    #expect(message { _ = try LionK.Hyperparameters(beta2: 0, biasCorrection: .on) } == "beta2 must be in (0, 1), got 0.0")
    #expect(message { _ = try AdamE(Adam.Hyperparameters(), exponent: 1) } == "exponent must be in [0, 1), got 1.0")
    #expect(message { _ = try RMSprop.Hyperparameters(beta2: .nan) } == "beta2 must be in [0, 1), got nan")
}

@Test func specErrorsListWhatIsValid() {
    func message(_ text: String) -> String {
        do { _ = try OptimizerSpec(parsing: text); return "no error" } catch { return "\(error)" }
    }
    let unknown = message("adamx")
    #expect(unknown.hasPrefix("unknown optimizer 'adamx'; valid names: sgd, sgd:plain"))
    #expect(unknown.contains("adam:torch") && unknown.contains("lion:official"))
    #expect(message("adam:torch,lr=-1") == "lr must be in [0, ∞), got -1.0")
    #expect(message("adam:torch,beta2=1") == "beta2 must be in [0, 1), got 1.0")
    #expect(message("adam,momentum=0.9").hasPrefix("unknown setting 'momentum' for adam:torch; valid settings: lr, beta1"))
    #expect(message("adam,eps_placement=under") == "eps_placement must be one of outsideSqrt, insideSqrt, got 'under'")
    #expect(message("adam,lr") == "optimizer setting 'lr' must be key=value, e.g. lr=0.01")
    #expect(message("adam,lr=fast") == "lr must be a number, got 'fast'")
}

@Test func specResolvesNamesAndOverrides() throws {
    // Oracle: the catalog (a bare family name is its first preset) and the override keys.
    #expect(try OptimizerSpec(parsing: "adam").preset == "adam:torch")
    #expect(try OptimizerSpec(parsing: "LION").preset == "lion:official")
    let s = try OptimizerSpec(parsing: "adamw:torch, lr=3e-4, eps_placement=insideSqrt")
    guard case .adam(let adam) = try s.makeOptimizer(structure: ProblemStructure(dimension: 3)) else {
        Issue.record("adamw is not Adam")
        return
    }
    #expect(adam.hyperparameters.learningRate == 3e-4)
    #expect(adam.hyperparameters.epsilonPlacement == .insideSqrt)
    #expect(adam.hyperparameters.weightDecayMode == .decoupled)
    #expect(adam.hyperparameters.weightDecay == 0.01)
    #expect(Set(OptimizerCatalog.presets.map(\.name)).count == OptimizerCatalog.presets.count)
}

// MARK: Save and restore (oracle: the uninterrupted run, bit for bit)

@Test(arguments: OptimizerCatalog.presets.map(\.name))
func savedStateResumesBitExactly(_ preset: String) throws {
    let blocks = [ParameterBlock(name: "w", range: 0..<4, layer: 0), ParameterBlock(name: "b", range: 4..<5, layer: 1)]
    let structure = ProblemStructure(dimension: 5, blocks: blocks, matrixShapes: [MatrixShape(range: 0..<4, rows: 2, columns: 2)])
    let spec = try OptimizerSpec(name: preset, overrides: ["lr": "0.01"])
    var straight = try spec.makeInstance(structure: structure)
    var theta = Toy5D.start
    for _ in 0..<50 { straight.step(parameters: &theta, gradient: Toy5D.gradient(theta)) }

    var first = try spec.makeInstance(structure: structure)
    var resumedTheta = Toy5D.start
    for _ in 0..<20 { first.step(parameters: &resumedTheta, gradient: Toy5D.gradient(resumedTheta)) }
    let saved = try first.encodedState()
    let savedInstance = try JSONEncoder().encode(first)
    var second = try spec.makeInstance(structure: structure)
    try second.restoreState(from: saved)
    #expect(second == first)
    #expect(try JSONDecoder().decode(OptimizerInstance.self, from: savedInstance) == first)
    for _ in 0..<30 { second.step(parameters: &resumedTheta, gradient: Toy5D.gradient(resumedTheta)) }
    #expect(resumedTheta == theta)
    #expect(second.state == straight.state)
}

@Test func restoringAnotherKindOfStateFails() throws {
    var adam = try OptimizerSpec(parsing: "adam").makeInstance(structure: ProblemStructure(dimension: 2))
    let sgd = try OptimizerSpec(parsing: "sgd").makeInstance(structure: ProblemStructure(dimension: 2))
    #expect(throws: OptimizerSpecError.self) { try adam.restoreState(from: try sgd.encodedState()) }
}

// MARK: Preconditioner (oracle: Cohen et al. 2022 App. M.1 as quoted in paper 001 App. M.1)

@Test func preconditionerIsCohensP() throws {
    var run = try OptimizerSpec(parsing: "adam:optax,lr=0.01,eps=1e-3").makeInstance(structure: ProblemStructure(dimension: 5))
    var theta = Toy5D.start
    for _ in 0..<3 { run.step(parameters: &theta, gradient: Toy5D.gradient(theta)) }
    guard case .moments(let state) = run.state else { Issue.record("Adam state"); return }
    let t = 3.0
    let expected = state.secondMoment.map { (1 - pow(0.9, t)) * (($0 / (1 - pow(0.999, t))).squareRoot() + 1e-3) }
    expectClose(try #require(run.preconditionerDiagonal), expected, tolerance: 1e-15, "P₃")
    // The step is θ ← θ − η P⁻¹ m (current timing, no decay).
    let before = theta
    run.step(parameters: &theta, gradient: Toy5D.gradient(theta))
    guard case .moments(let after) = run.state else { return }
    let p = try #require(run.preconditionerDiagonal)
    expectClose(theta, before.indices.map { before[$0] - 0.01 * after.firstMoment[$0] / p[$0] }, tolerance: 1e-14, "θ₄")
    #expect(try OptimizerSpec(parsing: "momentum").makeInstance(structure: ProblemStructure(dimension: 5)).preconditionerDiagonal == nil)
}

// MARK: Schedules (oracle: the formulas in Schedule's doc comment; paper 004 App. J)

@Test func scheduleMultipliers() {
    let warm = Schedule.exponentialWarmup(steps: 10, initialFactor: 1e-3)
    #expect(warm.multiplier(atStep: 0) == 1e-3)
    #expect(abs(warm.multiplier(atStep: 5) - pow(10, -1.5)) < 1e-16)
    #expect(warm.multiplier(atStep: 10) == 1)
    let decay = Schedule.stepDecay(milestones: [80, 90], factor: 0.1)
    #expect(decay.multiplier(atStep: 79) == 1)
    #expect(abs(decay.multiplier(atStep: 85) - 0.1) < 1e-17)
    #expect(abs(decay.multiplier(atStep: 95) - 0.01) < 1e-17)
    let linear = Schedule.linearWarmup(steps: 4, initialFraction: 0)
    #expect([0, 1, 2, 3, 4, 9].map { linear.multiplier(atStep: $0) } == [0, 0.25, 0.5, 0.75, 1, 1])
    let both = Schedule.product(.linearWarmup(steps: 2, initialFraction: 0.5), .linearDecay(start: 2, end: 4, finalFraction: 0))
    #expect([0, 1, 2, 3, 4].map { both.multiplier(atStep: $0) } == [0.5, 0.75, 1, 0.5, 0])
}

@Test func scheduledLearningRateScalesEachStep() throws {
    // Oracle: θ_{k+1} = θ_k − η·s(k)·g_k written out for SGD, with decoupled decay scaled by η·s(k)·λ.
    let schedule = Schedule.linearWarmup(steps: 3, initialFraction: 0.1)
    let sgd = SGD(try SGD.Hyperparameters(learningRate: 0.1, weightDecayMode: .decoupled, weightDecay: 0.2),
                  schedules: Schedules(learningRate: schedule))
    var expected = Quadratic2D.start
    let steps = sgd.trajectory(from: Quadratic2D.start, steps: 5, gradient: Quadratic2D.gradient)
    for k in 0..<5 {
        let eta = 0.1 * schedule.multiplier(atStep: k)
        let g = Quadratic2D.gradient(expected)
        expected = expected.indices.map { expected[$0] * (1 - eta * 0.2) - eta * g[$0] }
        expectClose(steps[k], expected, tolerance: 1e-15, "step \(k + 1)")
    }
}

@Test func adafactorFactorsMatrices() throws {
    // Oracle: for a rank-one G², V = R Cᵀ/ΣR reproduces G² exactly (Shazeer & Stern §3), so one step of
    // Adafactor with β₁ = 0, β₂ = 0 and no ε equals Adam's first step: θ − η sign(g).
    let h = try Adam.Hyperparameters(learningRate: 0.1, beta1: 0, beta2: 0, epsilon: 0, biasCorrection: .off)
    let factored = try Adafactor(h, epsilon1: 0, shapes: [MatrixShape(range: 0..<6, rows: 2, columns: 3)])
    var theta = [Double](repeating: 0, count: 6)
    var state = factored.initialState(dimension: 6)
    #expect(state.secondMoment.count == 5)  // R ∈ ℝ², C ∈ ℝ³
    let g = [1.0, 2, 3, 2, 4, 6]  // rank one: (1, 2)ᵀ(1, 2, 3)
    factored.step(parameters: &theta, gradient: g, state: &state)
    expectClose(theta, [Double](repeating: -0.1, count: 6), tolerance: 1e-15, "θ₁")
}
