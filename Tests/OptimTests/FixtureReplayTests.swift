import Foundation
import Testing
@testable import Optim
import Tensor

/// Oracle: 50-step trajectories written by tools/fixtures/make_optimizer_fixtures.py, from NumPy code written
/// from the published formulas, and from optax (float64) where optax has the optimizer. Tolerance 1e-12
/// (scaled by max(1, |θ|)): the two sides differ only in the order of floating-point operations, which over
/// 50 steps of a contracting iteration stays within a few hundred ulps.
struct Fixture: Decodable {
    struct Problem: Decodable {
        let name: String
        let A: [[Double]]
        let b: [Double]
        let kappa: Double
        let scale: Double
    }
    struct Block: Decodable { let name: String; let lower: Int; let upper: Int; let layer: Int }
    struct Shape: Decodable { let lower: Int; let upper: Int; let rows: Int; let columns: Int }

    let preset: String
    let overrides: [String: String]
    let settings: [String: String]
    let source: String
    let problem: Problem
    let theta0: [Double]
    let blocks: [Block]
    let matrixShapes: [Shape]
    let trajectory: [[Double]]

    func gradient(_ theta: [Double]) -> [Double] {
        theta.indices.map { i in
            var s = -problem.b[i] + problem.kappa * theta[i] * theta[i] * theta[i]
            for j in theta.indices { s += problem.A[i][j] * theta[j] }
            return problem.scale * s
        }
    }

    var structure: ProblemStructure {
        ProblemStructure(dimension: theta0.count,
                         blocks: blocks.map { ParameterBlock(name: $0.name, range: $0.lower..<$0.upper, layer: $0.layer) },
                         matrixShapes: matrixShapes.map { MatrixShape(range: $0.lower..<$0.upper, rows: $0.rows, columns: $0.columns) })
    }

    static let directory: URL = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!

    static let names: [String] = ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [])
        .filter { $0.hasSuffix(".json") }.sorted()

    static func load(_ name: String) throws -> Fixture {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(Fixture.self, from: Data(contentsOf: directory.appendingPathComponent(name)))
    }
}

@Test func fixturesArePresent() {
    // Oracle: the generator writes 2 problems × (30 NumPy + 9 optax) cases.
    #expect(Fixture.names.count >= 60)
}

@Test(arguments: Fixture.names)
func replayFixture(_ name: String) throws {
    let fixture = try Fixture.load(name)
    let spec = try OptimizerSpec(name: fixture.preset, overrides: fixture.overrides)
    // The preset's settings must be the ones the reference implementation used.
    for (key, expected) in fixture.settings {
        let actual = try #require(spec.settings[key], "\(name): preset has no setting \(key)")
        if let e = Double(expected), let a = Double(actual) {
            #expect(a == e, "\(name): \(key) = \(actual), reference used \(expected)")
        } else {
            #expect(actual.lowercased() == expected.lowercased(), "\(name): \(key) = \(actual), reference used \(expected)")
        }
    }
    var run = try spec.makeInstance(structure: fixture.structure)
    var theta = fixture.theta0
    for (k, expected) in fixture.trajectory.enumerated() {
        run.step(parameters: &theta, gradient: fixture.gradient(theta))
        expectClose(theta, expected, tolerance: 1e-12, "\(name) step \(k + 1)")
    }
}
