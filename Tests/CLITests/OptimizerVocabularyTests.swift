import BiasLabTestSupport
import Foundation
import Testing

/// One optimizer vocabulary: a name means the same preset in `train` and `theory memory`, and the shared
/// flags mean the same settings. Oracles: paper 001 App. E (heavy ball's limit correction coefficient
/// hβ/(2(1−β)³) = 4.5 at h = 0.01, β = 0.9) and the `momentum:paper` run itself.
struct OptimizerVocabularyTests {
    static func heavyBallCoefficient(_ arguments: [String]) throws -> Double {
        let r = try CLIRunner.run(["theory", "memory", "--lr", "0.01", "--json"] + arguments)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.json?["optimizer"] as? String == "momentum:paper")
        let terms = try #require(r.json?["terms"] as? [[String: Any]])
        return try #require(terms.first?["coefficient"] as? Double)
    }

    @Test(arguments: [["--optimizer", "heavy-ball", "--beta", "0.9"], ["--optimizer", "heavy-ball", "--momentum", "0.9"],
                      ["--optimizer", "momentum:paper,momentum=0.9"], ["--optimizer", "momentum"]])
    func heavyBallSpellingsAreOneRule(_ arguments: [String]) throws {
        #expect(abs(try Self.heavyBallCoefficient(arguments) - 4.5) < 1e-12)
    }

    @Test func trainKnowsHeavyBall() throws {
        func losses(_ optimizer: String) throws -> [Double] {
            let r = try CLIRunner.run(["train", "--model", "toy-quadratic", "--optimizer", optimizer, "--lr", "0.01", "--steps", "5", "--json"])
            #expect(r.status == 0, "\(r.stderr)")
            return try #require(r.json?["losses"] as? [Double])
        }
        #expect(try losses("heavy-ball") == (try losses("momentum:paper")))
    }

    /// `adam` is `adam:torch` everywhere; paper 001's memory rules need ε inside the root, so `theory memory`
    /// refuses it in one line naming the setting instead of silently meaning another Adam.
    @Test func theoryMemoryRefusesAnotherConvention() throws {
        let r = try CLIRunner.run(["theory", "memory", "--optimizer", "adam", "--lr", "0.001"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("--optimizer adam:torch: eps_placement=outsideSqrt is not covered by paper 001's memory rules"))
        #expect(r.stderr.split(separator: "\n").count == 1)
        let both = try CLIRunner.run(["theory", "memory", "--optimizer", "heavy-ball", "--beta", "0.9", "--momentum", "0.9"])
        #expect(both.status == 2 && both.stderr.contains("--momentum and --beta"))
    }
}

/// `stability-threshold`, `stability` and `scale` take the same optimizer names and flags (`scale` only those of
/// `CoreOptimizerOptions`: no momentum or weight-decay flag). Oracles: paper
/// 003 Thm 2, (2/η)(1+β₁)/(1+2β₂), with heavy ball as β₂ = 0 and PyTorch Nesterov as β₂ = β₁; Cohen et al.'s
/// (2+2β₁)/((1−β₁)η); paper 004's square-root rule η√κ, 1 − β ← κ(1 − β), ε/√κ.
struct TheoryCommandsVocabularyTests {
    static func threshold(_ arguments: [String]) throws -> Double {
        let r = try CLIRunner.run(["stability-threshold", "--json"] + arguments)
        #expect(r.status == 0, "\(r.stderr)")
        return try #require(r.json?["threshold"] as? Double)
    }

    @Test func thresholdsOfHeavyBallNesterovAndAdam() throws {
        let eta = 0.01
        for flag in ["--beta", "--momentum"] {
            let heavyBall = try Self.threshold(["--optimizer", "heavy-ball", "--lr", "\(eta)", flag, "0.5"])
            #expect(abs(heavyBall - 2 / eta * 1.5) <= 1e-12 * heavyBall)
        }
        let nesterov = try Self.threshold(["--optimizer", "nesterov:torch", "--lr", "\(eta)"])
        #expect(abs(nesterov - 2 / eta * 1.9 / 2.8) <= 1e-12 * nesterov)
        let polyak = try Self.threshold(["--optimizer", "generalized-momentum:polyak,beta1=0.5", "--lr", "\(eta)"])
        #expect(abs(polyak - 2 / eta * 1.5) <= 1e-12 * polyak)
        let adam = try Self.threshold(["--optimizer", "adam", "--lr", "0.001", "--beta1", "0.8"])
        #expect(abs(adam - 3.6 / (0.2 * 0.001)) <= 1e-12 * adam)
        let refused = try CLIRunner.run(["stability-threshold", "--optimizer", "adam:paper000", "--lr", "0.001"])
        #expect(refused.status == 2 && refused.stderr.contains("--optimizer adam:paper000: eps_placement=insideSqrt is not covered"))
        let rho = try CLIRunner.run(["stability-threshold", "--optimizer", "adam", "--lr", "0.001", "--rho-b", "0.5"])
        #expect(rho.status == 2 && rho.stderr.contains("--rho-b"))
    }

    @Test func scaleReadsThePreset() throws {
        let r = try CLIRunner.run(["scale", "--rule", "sqrt", "--optimizer", "rmsprop:paper004", "--batch-size", "16",
                                   "--to-batch-size", "64", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try #require(r.json)
        // κ = 4: η = 1e-3·2, 1 − β = 4·(1 − 0.999), ε = 1e-8/2.
        #expect(abs(try #require(json["lr"] as? Double) - 2e-3) <= 1e-15)
        #expect(abs(try #require(json["beta2"] as? Double) - (1 - 4 * (1 - 0.999))) <= 1e-15)
        #expect(abs(try #require(json["eps"] as? Double) - 0.5e-8) <= 1e-22)
        let lssr = try CLIRunner.run(["scale", "--rule", "lssr", "--optimizer", "adam", "--batch-size", "16", "--to-batch-size", "64",
                                      "--rho", "0.5", "--n", "100"])
        #expect(lssr.status == 2 && lssr.stderr.contains("--rule lssr needs an SGD optimizer"))
    }
}

extension TheoryCommandsVocabularyTests {
    /// Full batch (ρ_N = 1): heavy ball's threshold is (2/η)(1+β), from --momentum or --beta alike.
    @Test(arguments: ["--momentum", "--beta"])
    func stabilityTakesHeavyBall(_ flag: String) throws {
        let (params, data) = try StabilityCommandTests.fixture()
        let r = try CLIRunner.run(["stability", "--model", "mlp:2-1:identity", "--params", params, "--data", data, "--loss", "mse",
                                   "--optimizer", "heavy-ball", "--lr", "0.1", flag, "0.5", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let threshold = try #require(r.json?["threshold"] as? Double)
        #expect(abs(threshold - 2 / 0.1 * 1.5) <= 1e-12 * threshold)
        #expect(r.json?["optimizer"] as? String == "momentum")
    }
}

/// `sde`: `--process NAME` is `--optimizer` with paper 004's preset of the family. Oracle: the same seeded
/// Monte-Carlo output, number for number.
struct SDEVocabularyTests {
    static func run(_ command: String, _ optimizer: [String]) throws -> String {
        var arguments = ["sde", command] + optimizer + ["--oracle", "quadratic:h=1,s=1,d=2", "--lr", "0.1", "--time", "0.2",
                                                       "--records", "2", "--paths", "50", "--seed", "4", "--json"]
        if command == "svag" { arguments += ["--ell", "2"] }
        let r = try CLIRunner.run(arguments)
        #expect(r.status == 0, "\(r.stderr)")
        return r.stdout
    }

    @Test(arguments: [("rmsprop", "rmsprop:paper004"), ("adam", "adam:paper004,bias_correction=off"), ("sgd", "sgd")])
    func processIsItsPreset(_ process: String, _ preset: String) throws {
        for command in ["simulate", "svag"] {
            #expect(try Self.run(command, ["--process", process]) == (try Self.run(command, ["--optimizer", preset])))
        }
    }

    @Test func biasCorrectedAdamIsRefused() throws {
        let r = try CLIRunner.run(["sde", "simulate", "--optimizer", "adam", "--oracle", "quadratic:h=1,s=1", "--time", "1", "--paths", "10"])
        #expect(r.status == 2 && r.stderr.contains("give bias_correction=off"))
    }
}

/// `theory adam-noise` takes its Adam like every command: `--optimizer` (default `adam:paper000`) and the
/// shared flags. Oracle: the explicit β's give the same report; another convention is refused by name.
struct AdamNoiseVocabularyTests {
    @Test func defaultIsPaper000() throws {
        func run(_ extra: [String]) throws -> String {
            let r = try CLIRunner.run(["theory", "adam-noise", "--lambda", "0.3", "--json"] + extra)
            #expect(r.status == 0, "\(r.stderr)")
            return r.stdout
        }
        #expect(try run([]) == (try run(["--beta1", "0.9", "--beta2", "0.999"])))
        #expect(try run(["--optimizer", "adam:paper000,beta2=0.95"]) == (try run(["--beta2", "0.95"])))
        let refused = try CLIRunner.run(["theory", "adam-noise", "--optimizer", "adam", "--lambda", "0.3"])
        #expect(refused.status == 2 && refused.stderr.contains("--optimizer adam:torch: eps_placement=outsideSqrt"))
    }
}
