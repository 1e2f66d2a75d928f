import BiasLabTestSupport
import Foundation
import Testing

/// The shared optimizer flags (`--lr --beta1 --beta2 --momentum/--beta --eps --weight-decay`) reach the
/// computation in every kind of command that takes them, checked against closed forms: a training run,
/// a stability threshold (paper 003, Cohen et al.) and a memory correction (paper 001).
struct OptimizerFlagsTests {
    static func json(_ arguments: [String]) throws -> [String: Any] {
        let r = try CLIRunner.run(arguments + ["--json"])
        #expect(r.status == 0, "\(arguments.joined(separator: " ")): \(r.stderr)")
        return r.json ?? [:]
    }

    @Test func trainTakesEveryFlag() throws {
        let base = ["train", "--model", "toy-quadratic", "--steps", "3"]
        func loss(_ flags: [String]) throws -> Double { try #require(try Self.json(base + flags)["final_loss"] as? Double) }
        // --beta and --momentum are one setting; both change heavy ball's run.
        let hb = try loss(["--optimizer", "heavy-ball", "--lr", "0.01"])
        #expect(try loss(["--optimizer", "heavy-ball", "--lr", "0.01", "--beta", "0.5"]) == loss(["--optimizer", "heavy-ball", "--lr", "0.01", "--momentum", "0.5"]))
        #expect(try loss(["--optimizer", "heavy-ball", "--lr", "0.01", "--beta", "0.5"]) != hb)
        // Three GD steps on θ₁² + 17.6θ₂² from (3, 0.1) with η = 0.01 (oracle: the closed-form iterate).
        var theta = (3.0, 0.1)
        for _ in 0..<3 { theta = (theta.0 * (1 - 0.02), theta.1 * (1 - 0.01 * 35.2)) }
        #expect(abs(try loss(["--optimizer", "sgd", "--lr", "0.01"]) - (theta.0 * theta.0 + 17.6 * theta.1 * theta.1)) < 1e-12)
        let adam = ["--optimizer", "adam:torch", "--lr", "0.01"]
        let reference = try loss(adam)
        for flag in [["--beta1", "0.5"], ["--beta2", "0.5"], ["--eps", "1"], ["--weight-decay", "1"]] {
            #expect(try loss(adam + flag) != reference, "\(flag[0]) did not change Adam's run")
        }
        #expect(try CLIRunner.run(base + ["--optimizer", "sgd", "--beta1", "0.9"]).status == 2)
    }

    @Test func stabilityThresholdsReadTheFlags() throws {
        // Heavy ball: 2(1 + β)/η; Adam: (2 + 2β₁)/((1 − β₁)η) (paper 003 Thm 2; Cohen et al. 2022).
        let hb = try Self.json(["stability-threshold", "--optimizer", "heavy-ball", "--lr", "0.01", "--beta", "0.8"])
        #expect(abs((hb["threshold"] as? Double ?? 0) - 360) < 1e-9)
        let adam = try Self.json(["stability-threshold", "--optimizer", "adam:torch", "--lr", "0.001", "--beta1", "0.8", "--beta2", "0.99", "--eps", "1e-7"])
        #expect(abs((adam["threshold"] as? Double ?? 0) - 18000) < 1e-6)
    }

    @Test func memoryCorrectionsReadTheFlags() throws {
        func coefficient(_ json: [String: Any], _ name: String) -> Double? {
            ((json["modified_loss"] as? [String: Any])?["terms"] as? [[String: Any]])?.first { $0["name"] as? String == name }?["coefficient"] as? Double
        }
        // Heavy ball: L + hβ/(2(1 − β)²)‖∇L‖² (digest 001: 45h at β = 0.9).
        let hb = try Self.json(["theory", "memory", "--optimizer", "heavy-ball", "--lr", "0.01", "--momentum", "0.9"])
        #expect(abs((coefficient(hb, "grad_norm_sq") ?? 0) - 0.45) < 1e-12)
        // AdamW (ε → 0): the ‖∇L‖₁ coefficient h(β₁/(1 − β₁) − β₂/(1 − β₂)).
        let adamw = ["theory", "memory", "--optimizer", "adamw:paper001", "--lr", "0.001", "--beta1", "0.9", "--beta2", "0.99", "--eps", "1e-6"]
        let a = try Self.json(adamw + ["--weight-decay", "0.1"])
        #expect(abs((coefficient(a, "grad_l1") ?? 0) - 0.001 * (9 - 99)) < 1e-12)
        #expect(coefficient(try Self.json(adamw + ["--weight-decay", "0.2"]), "grad_dot_theta") != coefficient(a, "grad_dot_theta"))
    }
}
