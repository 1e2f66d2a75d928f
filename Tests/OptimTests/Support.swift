import Foundation
import Testing
@testable import Optim
import Tensor

/// |a − e| ≤ tolerance · max(1, |e|) for every entry; on failure prints expected, observed and error.
func expectClose(_ actual: [Double], _ expected: [Double], tolerance: Double, _ label: String,
                 sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(actual.count == expected.count, "\(label): length \(actual.count) vs \(expected.count)", sourceLocation: sourceLocation)
    for (i, (a, e)) in zip(actual, expected).enumerated() {
        let error = abs(a - e) / max(1, abs(e))
        #expect(error <= tolerance, "\(label)[\(i)]: expected \(e), observed \(a), scaled error \(error)",
                sourceLocation: sourceLocation)
    }
}

/// The 2-D quadratic L = ½(θ₁² + 4θ₂²) of the exact-step and convergence tests.
enum Quadratic2D {
    static let start: [Double] = [1, -0.5]
    static func gradient(_ theta: [Double]) -> [Double] { [theta[0], 4 * theta[1]] }
}

/// A deterministic non-quadratic problem in d = 5 for the identity tests:
/// ∇L(θ)_i = (i + 1)·θ_i − 0.3·(i − 2) + 0.2·θ_i³ + 0.1·θ_{(i+1) mod 5}.
enum Toy5D {
    static let start: [Double] = [0.8, -0.4, 0.3, 1.1, -0.9]
    static func gradient(_ theta: [Double]) -> [Double] {
        theta.indices.map { i in
            Double(i + 1) * theta[i] - 0.3 * Double(i - 2) + 0.2 * pow(theta[i], 3) + 0.1 * theta[(i + 1) % 5]
        }
    }
}

func spec(_ text: String, dimension: Int = 2, blocks: [ParameterBlock]? = nil) throws -> AnyOptimizer {
    try OptimizerSpec(parsing: text).makeOptimizer(structure: ProblemStructure(dimension: dimension, blocks: blocks))
}
