import BiasLabTestSupport
import Foundation
import Testing

/// `biaslab train`'s optimizer flags (the shared `OptimizerOptions`). Oracles: the same run with the
/// setting written in the `NAME,key=value` spec (the path the 78 fixtures replay), and for heavy ball and
/// coupled weight decay the update written out by hand on L = θ₁² + 17.6θ₂², ∇L = (2θ₁, 35.2θ₂), from
/// θ₀ = (3, 0.1).
struct TrainOptimizerFlagTests {
    static func losses(_ optimizer: String, _ flags: [String] = [], steps: Int = 6) throws -> [Double] {
        let r = try CLIRunner.run(["train", "--model", "toy-quadratic", "--optimizer", optimizer, "--steps", "\(steps)", "--json"] + flags)
        #expect(r.status == 0, "\(r.stderr)")
        return try #require(r.json?["losses"] as? [Double])
    }

    static func loss(_ theta: [Double]) -> Double { theta[0] * theta[0] + 17.6 * theta[1] * theta[1] }
    static func gradient(_ theta: [Double]) -> [Double] { [2 * theta[0], 35.2 * theta[1]] }

    /// The setting each flag sets (the table of `OptimizerOptions`).
    static let keys = ["--lr": "lr", "--beta1": "beta1", "--beta2": "beta2", "--momentum": "momentum", "--beta": "momentum",
                       "--eps": "eps", "--weight-decay": "weight_decay"]

    /// Each flag gives the run of its `key=value` spec, and changes the run (so the number reached the update).
    /// A row is `OPTIMIZER FLAG VALUE`.
    @Test(arguments: ["sgd --lr 0.05", "adam:torch --lr 0.05", "adam:torch,lr=0.05 --beta1 0.5", "adam:torch,lr=0.05 --beta2 0.9",
                      "adam:torch,lr=0.05 --eps 0.5", "momentum --momentum 0.5", "momentum --beta 0.5", "signum,lr=0.05 --momentum 0.5",
                      "lionk:l2,lr=0.05 --beta1 0.5", "lionk:l2,lr=0.05 --beta2 0.5", "sgd:torch --weight-decay 0.5",
                      "adamw:torch,lr=0.05 --weight-decay 0.5"])
    func flagEqualsSpecSetting(_ row: String) throws {
        let parts = row.split(separator: " ").map(String.init)
        let (optimizer, flag, value) = (parts[0], parts[1], parts[2])
        let key = try #require(Self.keys[flag])
        let withFlag = try Self.losses(optimizer, [flag, value])
        #expect(withFlag == (try Self.losses("\(optimizer),\(key)=\(value)")))
        #expect(withFlag != (try Self.losses(optimizer)), "\(row) did not change the run")
    }

    /// Heavy ball m ← βm + g, θ ← θ − η m (papers 000/001), β from --beta and from --momentum.
    @Test(arguments: ["--beta", "--momentum"])
    func heavyBallBetaMatchesHandComputedSteps(_ flag: String) throws {
        let eta = 0.01, beta = 0.5
        var theta = [3.0, 0.1], m = [0.0, 0.0]
        var expected: [Double] = []
        for _ in 0..<6 {
            expected.append(Self.loss(theta))
            let g = Self.gradient(theta)
            m = [beta * m[0] + g[0], beta * m[1] + g[1]]
            theta = [theta[0] - eta * m[0], theta[1] - eta * m[1]]
        }
        let losses = try Self.losses("momentum:paper", ["--lr", "\(eta)", flag, "\(beta)"])
        #expect(Closeness.relativeError(losses, expected) <= 1e-14)
    }

    /// PyTorch SGD weight decay (coupled): θ ← θ − η(g + λθ).
    @Test func coupledWeightDecayMatchesHandComputedSteps() throws {
        let eta = 0.01, lambda = 0.5
        var theta = [3.0, 0.1]
        var expected: [Double] = []
        for _ in 0..<6 {
            expected.append(Self.loss(theta))
            let g = Self.gradient(theta)
            theta = [theta[0] - eta * (g[0] + lambda * theta[0]), theta[1] - eta * (g[1] + lambda * theta[1])]
        }
        let losses = try Self.losses("sgd:torch", ["--lr", "\(eta)", "--weight-decay", "\(lambda)"])
        #expect(Closeness.relativeError(losses, expected) <= 1e-14)
    }

    /// Flags come after the spec's own settings.
    @Test func flagOverridesTheSpecSetting() throws {
        #expect(try Self.losses("sgd,lr=0.2", ["--lr", "0.05"]) == (try Self.losses("sgd,lr=0.05")))
    }

    @Test func flagWithoutSuchSettingExitsTwoNamingTheFlag() throws {
        let r = try CLIRunner.run(["train", "--model", "toy-quadratic", "--optimizer", "momentum", "--beta1", "0.5", "--steps", "2"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("--beta1: momentum:paper has no setting beta1; its settings: lr, momentum, dampening"))
        #expect(r.stderr.split(separator: "\n").count == 1)
        let negative = try CLIRunner.run(["train", "--model", "toy-quadratic", "--optimizer", "sgd", "--lr=-1", "--steps", "2"])
        #expect(negative.status == 2)
        #expect(negative.stderr.contains("--lr: lr must be in [0, ∞), got -1.0"))
    }
}
