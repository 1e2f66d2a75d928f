import BiasLabTestSupport
import Foundation
import Testing

/// End-to-end `biaslab sde simulate` and `biaslab sde svag` against closed forms (digest 004 §10.2).
struct SDECommandTests {
    static func series(_ json: [String: Any], _ name: String) -> (means: [Double], errors: [Double])? {
        guard let list = json["series"] as? [[String: Any]], let s = list.first(where: { $0["name"] as? String == name }),
              let means = s["means"] as? [Double], let errors = s["standard_errors"] as? [Double] else { return nil }
        return (means, errors)
    }

    /// Oracle C: the RMSprop SDE with σ₀ = 0.5 (η = 0.1, B = 0.04 ⇒ σ = 5), c₂ = 1, ε₀ = 0, h = s = θ₀ = 1
    /// has E θ²(0.5) = e^{−2} + ¼(1 − e^{−2}) = 0.3515; default Δt = η²/4 (Euler bias < 0.3%).
    @Test func simulateMatchesOrnsteinUhlenbeck() throws {
        let r = try CLIRunner.run(["sde", "simulate", "--process", "rmsprop", "--oracle", "quadratic:h=1,s=1,d=4", "--lr", "0.1",
                                   "--beta2", "0.99", "--eps", "0", "--batch-size", "0.04", "--time", "0.5", "--records", "1",
                                   "--paths", "600", "--seed", "3", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try #require(r.json)
        let invariants = try #require(json["invariants"] as? [String: Any])
        #expect(abs((invariants["sigma0"] as? Double ?? 0) - 0.5) < 1e-12)
        let thetaSquared = try #require(Self.series(json, "theta_sq"))
        let oracle = exp(-2.0) + 0.25 * (1 - exp(-2.0))
        #expect(abs(thetaSquared.means[1] - oracle) <= 4 * thetaSquared.errors[1] + 0.003,
                "E θ²(0.5) = \(thetaSquared.means[1]) ± \(thetaSquared.errors[1]) vs \(oracle)")
        #expect(Self.series(json, "u") != nil)
    }

    /// SGD-SVAG (η ← η/ℓ², digest 004 §5.2) on ½hθ²: E θ_k = (1 − ηh/ℓ²)^k θ₀ exactly, k = ℓ²t/η; and
    /// r₁ + r₂ = 1, r₁² + r₂² = ℓ².
    @Test func svagSGDMeanIsExact() throws {
        let r = try CLIRunner.run(["sde", "svag", "--ell", "2", "--process", "sgd", "--oracle", "quadratic:h=2,s=1,d=4,noise=rademacher",
                                   "--lr", "0.1", "--time", "0.5", "--records", "1", "--paths", "400", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try #require(r.json)
        let r1 = try #require(json["r1"] as? Double), r2 = try #require(json["r2"] as? Double)
        #expect(abs(r1 + r2 - 1) < 1e-12 && abs(r1 * r1 + r2 * r2 - 4) < 1e-12)
        #expect(json["steps"] as? Int == 20)
        let theta = try #require(Self.series(json, "theta"))
        let exact = pow(1 - 0.1 * 2 / 4, 20.0)
        #expect(abs(theta.means[1] - exact) <= 4 * theta.errors[1], "E θ = \(theta.means[1]) ± \(theta.errors[1]) vs \(exact)")
    }

    @Test func badOracleExitsTwoWithOneLine() throws {
        let r = try CLIRunner.run(["sde", "simulate", "--process", "adam", "--oracle", "cubic:h=1", "--lr", "0.1",
                                   "--time", "1", "--paths", "10"])
        #expect(r.status == 2)
        #expect(r.stderr.split(separator: "\n").count == 1 && r.stderr.contains("--oracle"))
    }
}
