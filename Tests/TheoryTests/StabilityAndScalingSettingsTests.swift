import Optim
import Testing
@testable import Theory

/// `StabilityOptimizer(_:)` and `ScalableHyperparameters(_:batchSize:)` read Optim's typed hyperparameters.
/// Oracles: the models' definitions (paper 003 eqs. 13–14: heavy ball is Polyak's β₂ = 0, PyTorch Nesterov
/// β₂ = β₁; Cohen et al.'s P = √v̂ + ε; paper 004 Defs. 2.1–2.2) and the preset values of the catalog.
@Suite struct StabilityAndScalingSettingsTests {
    static func settings(_ text: String) throws -> any OptimizerSettings { try OptimizerSpec(parsing: text).hyperparameters }

    @Test func stabilityModelsOfPresets() throws {
        #expect(try StabilityOptimizer(Self.settings("sgd")) == .sgd)
        #expect(try StabilityOptimizer(Self.settings("heavy-ball,momentum=0.5")) == .momentum(beta1: 0.5, beta2: 0))
        #expect(try StabilityOptimizer(Self.settings("nesterov:torch")) == .momentum(beta1: 0.9, beta2: 0.9))
        #expect(try StabilityOptimizer(Self.settings("generalized-momentum,beta1=0.8,beta2=0.3")) == .momentum(beta1: 0.8, beta2: 0.3))
        #expect(try StabilityOptimizer(Self.settings("adam:torch,beta1=0.5,eps=0.001")) == .adam(beta1: 0.5, epsilon: 0.001))
    }

    @Test func stabilityRefusesWhatItsThresholdsDoNotCover() {
        func message(_ text: String) -> String {
            do { _ = try StabilityOptimizer(Self.settings(text)); return "no error" } catch { return "\(error)" }
        }
        let theory = "the stability thresholds (paper 003 §4, Cohen et al. 2022)"
        #expect(message("adam:paper000") == "eps_placement=insideSqrt is not covered by \(theory); they need eps_placement=outsideSqrt")
        #expect(message("adamw:torch") == "weight_decay=0.01 is not covered by \(theory); they need weight_decay=0")
        #expect(message("momentum:ema") == "dampening=0.9 is not covered by \(theory); they need dampening=0")
        #expect(message("lion") == "optimizer=Lion is not covered by the stability thresholds (paper 003 §4, Cohen et al. 2022); they need optimizer=SGD, heavy ball, Nesterov, generalized momentum or Adam")
    }

    @Test func scalableHyperparametersOfPresets() throws {
        let adam = try ScalableHyperparameters(Self.settings("adam:torch,lr=0.01,beta2=0.99"), batchSize: 64)
        #expect(adam.optimizer == .adam && adam.learningRate == 0.01 && adam.batchSize == 64)
        #expect(adam.beta1 == 0.9 && adam.beta2 == 0.99 && adam.epsilon == 1e-8)
        let rmsprop = try ScalableHyperparameters(Self.settings("rmsprop:paper004"), batchSize: 8)
        #expect(rmsprop.optimizer == .rmsprop && rmsprop.beta1 == nil && rmsprop.beta2 == 0.999 && rmsprop.learningRate == 1e-3)
        let sgd = try ScalableHyperparameters(Self.settings("sgd,lr=0.5"), batchSize: 1)
        #expect(sgd.optimizer == .sgd && sgd.beta2 == nil && sgd.epsilon == nil)
    }

    @Test func scalingRefusesWhatTheRulesDoNotCover() {
        func message(_ text: String) -> String {
            do { _ = try ScalableHyperparameters(Self.settings(text), batchSize: 1); return "no error" } catch { return "\(error)" }
        }
        let theory = "the batch-size scaling rules (paper 004 Defs. 2.1–2.2, paper 003 §4)"
        #expect(message("rmsprop:optax") == "eps_placement=insideSqrt is not covered by \(theory); they need eps_placement=outsideSqrt")
        #expect(message("sgd:torch,weight_decay=0.1") == "weight_decay=0.1 is not covered by \(theory); they need weight_decay=0")
        #expect(message("momentum").hasPrefix("optimizer=heavy ball is not covered by \(theory)"))
    }
}

/// `DiscreteOptimizerRun(_:)` and `SDEProcess`'s presets. Oracle: paper 004 Defs. 2.1–2.2 as the sde
/// commands ran them before (ε outside, lagged v, Adam without bias correction, β₂ = 0.999, ε = 10⁻⁸).
@Suite struct DiscreteRunSettingsTests {
    @Test func processPresetsAreThePapersRuns() throws {
        for process in SDEProcess.allCases {
            let run = try DiscreteOptimizerRun(OptimizerSpec(parsing: process.paperPreset).hyperparameters)
            #expect(SDEProcess(run.hyperparameters.optimizer) == process)
            #expect(run.biasCorrection == .off)
            if process != .sgd {
                #expect(run.secondMomentTiming == .lagged && run.hyperparameters.beta2 == 0.999 && run.hyperparameters.epsilon == 1e-8)
            }
        }
        let adam = try DiscreteOptimizerRun(OptimizerSpec(parsing: "adam:torch").hyperparameters)
        #expect(adam.biasCorrection == .on && adam.secondMomentTiming == .current && adam.hyperparameters.beta1 == 0.9)
    }

    @Test func rmspropRunHasNoBiasCorrection() {
        #expect(throws: UnsupportedConventionError.self) {
            try DiscreteOptimizerRun(OptimizerSpec(parsing: "rmsprop:adam").hyperparameters)
        }
    }
}

/// `AdamNoiseCoefficients(_:)`. Oracle: the (β₁, β₂) initializer on the preset's β's; paper 000 Def. 3.1's
/// conventions (ε inside, bias-corrected, current v, no decay).
@Suite struct AdamNoiseSettingsTests {
    @Test func coefficientsOfAPreset() throws {
        let settings = try OptimizerSpec(parsing: "adam:paper000,beta1=0.8,beta2=0.95").hyperparameters
        #expect(try AdamNoiseCoefficients(settings) == (try AdamNoiseCoefficients(beta1: 0.8, beta2: 0.95)))
        let theory = "paper 000's Adam (Def. 3.1)"
        func message(_ text: String) -> String {
            do { _ = try AdamNoiseCoefficients(OptimizerSpec(parsing: text).hyperparameters); return "no error" } catch { return "\(error)" }
        }
        #expect(message("adam:torch") == "eps_placement=outsideSqrt is not covered by \(theory); they need eps_placement=insideSqrt")
        #expect(message("adamw:paper001,weight_decay=0.1") == "weight_decay=0.1 is not covered by \(theory); they need weight_decay=0")
        #expect(message("nadam:paper001") == "optimizer=NAdam is not covered by \(theory); they need optimizer=Adam")
    }
}
