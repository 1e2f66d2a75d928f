import Foundation
import Optim
import Testing
@testable import Theory

/// `MemoryOptimizer(_:)` reads Optim's typed hyperparameters. Oracle: the rule it returns, run by Optim
/// (`optimizer(learningRate:)`, paper 001's conventions), takes the same steps as the preset's own optimizer;
/// conventions outside paper 001 §3 are refused naming the setting.
@Suite struct MemoryOptimizerSettingsTests {
    static let supported = [
        "heavy-ball,momentum=0.8", "nesterov:torch", "adam:paper000", "adamw:paper001,weight_decay=0.1", "nadam:paper001",
        "nadamw:paper001", "rmsprop:optax,bias_correction=on", "lion:official,weight_decay=0.1", "lionk:paper001,eps=0.01",
        "lionk:l2", "signum:paper,weight_decay=0.1", "signgd:paper", "softsign:paper001,eps=0.01",
    ]

    @Test(arguments: supported)
    func ruleTakesThePresetsSteps(_ text: String) throws {
        let spec = try OptimizerSpec(parsing: text).applying(["lr": 0.01])
        let rule = try MemoryOptimizer(spec.hyperparameters)
        let gradient = { (theta: [Double]) in AnalyticObjective.toy.gradient(at: theta) }
        let fromRule = try rule.memoryfulTrajectory(learningRate: spec.learningRate, from: AnalyticObjective.toyStart, steps: 30,
                                                    gradient: gradient)
        let optimizer = try spec.makeOptimizer(structure: ProblemStructure(dimension: AnalyticObjective.toyStart.count))
        var theta = AnalyticObjective.toyStart
        var state = optimizer.initialState(dimension: theta.count)
        for k in 1...30 {
            optimizer.step(parameters: &theta, gradient: gradient(theta), state: &state)
            for i in theta.indices { expectClose(fromRule[k][i], theta[i], relative: 1e-14, floor: 1, "\(text) step \(k)") }
        }
    }

    /// `settings(learningRate:)` is the inverse of `init(_:)` for every rule of paper 001 §3.
    @Test(arguments: [
        MemoryOptimizer.heavyBall(beta: 0.9), .nesterov(beta: 0.5),
        .adam(beta1: 0.9, beta2: 0.95, epsilon: 1e-2, weightDecay: 0.5), .adam(beta1: 0.8, beta2: 0.99, epsilon: 0, weightDecay: 0),
        .nadam(beta1: 0.9, beta2: 0.95, epsilon: 1e-2, weightDecay: 0.5), .rmsprop(beta2: 0.95, epsilon: 1e-2, weightDecay: 0.5),
        .lion(rho1: 0.9, rho2: 0.99, kernel: .smoothedL1(epsilon: 1e-2), weightDecay: 0.5, biasCorrection: .on),
        .lion(rho1: 0.8, rho2: 0.9, kernel: .halfSquaredL2, weightDecay: 0, biasCorrection: .off),
        .lion(rho1: 0.9, rho2: 0.99, kernel: .l1, weightDecay: 0.1, biasCorrection: .off),
        .signum(beta: 0.9, epsilon: 1e-2, weightDecay: 0.5), .signum(beta: 0, epsilon: 0, weightDecay: 0),
    ])
    func settingsRoundTrip(_ rule: MemoryOptimizer) throws {
        let settings = try rule.settings(learningRate: 0.01)
        #expect(settings.learningRate == 0.01)
        #expect(try MemoryOptimizer(settings) == rule)
    }

    @Test func presetsMapToThePapersRules() throws {
        func rule(_ text: String) throws -> MemoryOptimizer { try MemoryOptimizer(OptimizerSpec(parsing: text).hyperparameters) }
        #expect(try rule("heavy-ball") == .heavyBall(beta: 0.9))
        #expect(try rule("nesterov:torch,momentum=0.5") == .nesterov(beta: 0.5))
        #expect(try rule("adamw:paper001,weight_decay=0.1") == .adam(beta1: 0.9, beta2: 0.999, epsilon: 1e-6, weightDecay: 0.1))
        #expect(try rule("lionk:paper001") == .lion(rho1: 0.9, rho2: 0.99, kernel: .smoothedL1(epsilon: 1e-6), weightDecay: 0, biasCorrection: .on))
        #expect(try rule("signgd") == .signum(beta: 0, epsilon: 0, weightDecay: 0))
    }

    @Test func otherConventionsAreRefusedNamingTheSetting() {
        func message(_ text: String) -> String {
            do { _ = try MemoryOptimizer(OptimizerSpec(parsing: text).hyperparameters); return "no error" } catch { return "\(error)" }
        }
        #expect(message("adam:torch") == "eps_placement=outsideSqrt is not covered by paper 001's memory rules; they need eps_placement=insideSqrt")
        #expect(message("adam:paper000,bias_correction=off") == "bias_correction=off is not covered by paper 001's memory rules; they need bias_correction=on")
        #expect(message("adam:paper000,v_timing=lagged") == "v_timing=lagged is not covered by paper 001's memory rules; they need v_timing=current")
        #expect(message("adam:paper000,weight_decay_mode=coupled,weight_decay=0.1")
                == "weight_decay_mode=coupled is not covered by paper 001's memory rules; they need weight_decay_mode=decoupled")
        #expect(message("nadam:paper001,numerator=optax") == "numerator=optax is not covered by paper 001's memory rules; they need numerator=paper001")
        #expect(message("momentum:ema") == "dampening=0.9 is not covered by paper 001's memory rules; they need dampening=0")
        #expect(message("momentum:torch,weight_decay=0.1") == "weight_decay=0.1 is not covered by paper 001's memory rules; they need weight_decay=0")
        #expect(message("lion,step_order=updateThenDecay,weight_decay=0.1")
                == "step_order=updateThenDecay is not covered by paper 001's memory rules; they need step_order=decayThenUpdate")
        #expect(message("sgd").hasPrefix("optimizer=SGD is not covered by paper 001's memory rules"))
    }
}
