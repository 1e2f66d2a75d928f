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
