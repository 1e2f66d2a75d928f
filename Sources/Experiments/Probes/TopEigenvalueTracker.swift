import Curvature
import Foundation

/// The largest eigenvalue of a symmetric operator, tracked along a run with a warm start: each
/// measurement starts from the previous one's eigenvector (the "EoS tracker" pattern of
/// hessian-eigenthings; consecutive Hessians differ little, so few products are needed).
///
/// Options (under the probe's `options`; ``options`` describes them for `biaslab probes`):
/// - `method`: `lanczos` (default; ``lanczosEigenpairs(of:count:end:tolerance:maxIterations:initialVector:seed:)``,
///   largest algebraic eigenvalue) or `power` (``powerIteration(of:tolerance:maxIterations:stoppingRule:initialVector:seed:)``,
///   largest magnitude, as PyHessian and paper 003 measure it).
/// - `tolerance`: relative residual (Lanczos, default 1e-6) or relative eigenvalue change (power, default 1e-4).
/// - `max_iterations`: operator products at most (default 100).
struct TopEigenvalueTracker {
    enum Method: String, CaseIterable, Sendable {
        case lanczos, power

        /// The default `tolerance`: Lanczos's relative residual, power iteration's relative change.
        var defaultTolerance: Double { self == .lanczos ? 1e-6 : 1e-4 }
    }

    static let methodOption = ChoiceOption("method", default: Method.lanczos,
                                           "lanczos: largest algebraic eigenvalue; power: largest magnitude")
    static let toleranceOption = NumberOption(
        "tolerance", default: Method.allCases.map { "\($0.defaultTolerance) (\($0.rawValue))" }.joined(separator: ", "),
        expected: "in (0, 1)", "relative residual (lanczos) or relative eigenvalue change (power)") { $0 > 0 && $0 < 1 }
    static let maxIterationsOption = IntegerOption("max_iterations", default: 100, in: 1...100_000, "operator products at most")
    /// The options both sharpness probes read through this tracker.
    static let options = [methodOption.description, toleranceOption.description, maxIterationsOption.description]

    let method: Method
    let tolerance: Double
    let maxIterations: Int
    /// The last eigenvector (the probe's checkpointed memory).
    var vector: [Double]?

    init(options: inout ConfigReader) throws(ConfigError) {
        method = try Self.methodOption.read(&options)
        tolerance = try Self.toleranceOption.read(&options) ?? method.defaultTolerance
        maxIterations = try Self.maxIterationsOption.read(&options)
    }

    /// (λ₁, products used). Updates the warm start.
    mutating func measure(_ matrix: some LinearOperator, seed: UInt64) throws -> (value: Double, iterations: Int) {
        let start = ProbeContext.warmStart(vector, dimension: matrix.dimension)
        switch method {
        case .lanczos:
            let result = try lanczosEigenpairs(of: matrix, count: 1, end: .largest, tolerance: tolerance,
                                               maxIterations: maxIterations, initialVector: start, seed: seed)
            vector = result.eigenvectors[0]
            return (result.eigenvalues[0], result.iterations)
        case .power:
            let result = powerIteration(of: matrix, tolerance: tolerance, maxIterations: maxIterations,
                                        initialVector: start, seed: seed)
            vector = result.eigenvector
            return (result.eigenvalue, result.iterations)
        }
    }

    func encodedState() throws -> Data? { try vector.map { try JSONEncoder().encode($0) } }

    mutating func restoreState(from data: Data) throws { vector = try JSONDecoder().decode([Double].self, from: data) }
}
