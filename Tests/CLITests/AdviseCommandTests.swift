import BiasLabTestSupport
import DataIO
import Foundation
import Tensor
import Testing

/// End-to-end `biaslab advise` (issue 21): its numbers recomputed by `curvature`, `stability`,
/// `theory adam-noise` and `scale` on the same model, data and θ; every bad input one line, exit 2.
struct AdviseCommandTests {
    static let problem = ["--model", "mlp:4-8-2:tanh", "--data", "gaussian-mixture:n=64,d=4,classes=2,seed=1", "--loss", "ce", "--init-seed", "3"]
    static let adam = ["--optimizer", "adam:torch", "--lr", "0.001", "--beta1", "0.9", "--beta2", "0.999", "--eps", "1e-8"]

    static func json(_ arguments: [String]) throws -> [String: Any] {
        let r = try CLIRunner.run(arguments)
        #expect(r.status == 0, "\(arguments.joined(separator: " ")): \(r.stderr)")
        return try #require(r.json)
    }

    static func number(_ object: Any?, _ key: String) throws -> Double {
        try #require((object as? [String: Any])?[key] as? Double, "\(key) missing")
    }

    static func evidence(_ advice: [String: Any], _ topic: String, _ name: String) throws -> Double {
        let sections = try #require(advice["sections"] as? [[String: Any]])
        let section = try #require(sections.first { $0["topic"] as? String == topic })
        let entries = try #require(section["evidence"] as? [[String: Any]])
        return try #require(entries.first { $0["name"] as? String == name }?["value"] as? Double, "\(topic) \(name) missing")
    }

    static func close(_ a: Double, _ b: Double, _ relative: Double) -> Bool { abs(a - b) <= relative * max(abs(a), abs(b)) }

    @Test func numbersMatchTheOtherCommands() throws {
        let advice = try Self.json(["advise"] + Self.problem + Self.adam + ["--batch-size", "8", "--target-batch-size", "32", "--json"])
        let m = try #require(advice["measurements"] as? [String: Any])
        let curvature = try Self.json(["curvature"] + Self.problem + ["--measure", "lambda-max,ias,noise", "--batch-size", "8", "--json"])
        #expect(Self.close(try Self.number(m["lambda_max"], "value"), try Self.number(curvature, "lambda_max"), 1e-5))
        #expect(Self.close(try Self.number(m["interaction_aware_sharpness"], "value"), try Self.number(curvature, "ias"), 1e-9))
        #expect(Self.close(try Self.number(m["rho_b"], "value"), try Self.number(curvature, "rho_b"), 1e-9))
        #expect(Self.close(try Self.number(m["simple_noise_scale"], "value"), try Self.number(curvature, "b_simple"), 1e-9))
        #expect(Self.close(try Self.number(m["trace_sigma"], "value"), try Self.number(curvature, "trace_sigma"), 1e-9))

        let stability = try Self.json(["stability"] + Self.problem + Self.adam + ["--batch-size", "8", "--json"])
        #expect(Self.close(try Self.evidence(advice, "stability", "sharpness"), try Self.number(stability, "sharpness"), 1e-6))
        #expect(Self.close(try Self.evidence(advice, "stability", "threshold"), try Self.number(stability, "threshold"), 1e-12))

        let theory = try Self.json(["theory", "adam-noise"] + Self.problem + ["--batch-size", "8", "--beta1", "0.9", "--beta2", "0.999", "--json"])
        #expect(Self.close(try Self.number(m["noise_ratio"], "value"), try Self.number(theory, "lambda"), 1e-9))
        #expect(Self.close(try Self.evidence(advice, "betas", "C_total"), try Self.number(theory, "c_total"), 1e-9))
        #expect(Self.close(try Self.evidence(advice, "betas", "b_1/2"), try Self.number(theory, "b_half"), 1e-9))

        let scale = try Self.json(["scale", "--rule", "sqrt", "--batch-size", "8", "--to-batch-size", "32"] + Self.adam + ["--json"])
        #expect(Self.close(try Self.evidence(advice, "batch-size-change", "lr'"), try Self.number(scale, "lr"), 1e-12))
        #expect(Self.close(try Self.evidence(advice, "batch-size-change", "beta1'"), try Self.number(scale, "beta1"), 1e-12))

        // SGD: LSSR from the measured ρ equals `scale --rule lssr` with that ρ.
        let sgd = try Self.json(["advise"] + Self.problem + ["--optimizer", "sgd", "--lr", "0.5", "--batch-size", "8", "--target-batch-size", "32", "--json"])
        let rho = try Self.number((sgd["measurements"] as? [String: Any])?["rho"], "value")
        let lssr = try Self.json(["scale", "--rule", "lssr", "--optimizer", "sgd", "--batch-size", "8", "--to-batch-size", "32", "--lr", "0.5",
                                  "--rho", "\(rho)", "--n", "64", "--json"])
        #expect(Self.close(try Self.evidence(sgd, "batch-size-change", "lr'"), try Self.number(lssr, "lr"), 1e-12))
    }

    @Test func htmlReport() throws {
        let dir = try CLIRunner.temporaryDirectory()
        let path = dir.appendingPathComponent("advice.html").path
        let r = try CLIRunner.run(["advise"] + Self.problem + ["--optimizer", "heavy-ball", "--lr", "0.01", "--momentum", "0.9", "--batch-size", "8", "-o", path])
        #expect(r.status == 0, "\(r.stderr)")
        let html = try String(contentsOfFile: path, encoding: .utf8)
        #expect(html.contains("memory") && html.contains("not validated") && r.stdout.contains("[stability]"))
    }

    @Test func badInputsAreOneLineExitTwo() throws {
        let dir = try CLIRunner.temporaryDirectory()
        let wrong = dir.appendingPathComponent("wrong.npy")
        try NPY.write(Tensor([0.1, 0.2, 0.3]), to: wrong)
        let cases: [([String], String)] = [
            (["--optimizer", "nosuch", "--batch-size", "8"], "--optimizer"),
            (["--optimizer", "sgd", "--batch-size", "65"], "--batch-size"),
            (["--optimizer", "sgd", "--batch-size", "0"], "--batch-size"),
            (["--optimizer", "sgd", "--batch-size", "8", "--target-batch-size", "0"], "--target-batch-size"),
            (["--optimizer", "sgd", "--batch-size", "8", "--target-batch-size", "100"], "--target-batch-size"),
            (["--optimizer", "sgd", "--batch-size", "8", "--params", wrong.path], "--params"),
            (["--optimizer", "sgd", "--batch-size", "8", "--warmup-steps", "0"], "--warmup-steps"),
            (["--optimizer", "sgd", "--lr", "0", "--batch-size", "8"], "lr"),
            (["--optimizer", "sgd", "--batch-size", "8", "--estimators", "fast"], "--estimators"),
        ]
        for (arguments, names) in cases {
            let r = try CLIRunner.run(["advise"] + Self.problem + arguments)
            #expect(r.status == 2 && r.stderr.contains(names) && r.stderr.split(separator: "\n").count == 1,
                    "\(arguments.joined(separator: " ")): exit \(r.status), \(r.stderr)")
        }
    }
}
