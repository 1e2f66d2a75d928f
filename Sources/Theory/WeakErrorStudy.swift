import Foundation

/// The weak error of a family of discrete runs against a reference, and its fitted order (paper 004,
/// Def. 2.4; digest 004 §6.2 "Weak-error measurement"):
///
/// ```
/// error(η) = max_{recorded t} |E g(x_{t/η_e}) − E g(X_t)|,      order = slope of log error vs log η
/// ```
///
/// (least squares). Expect order 2 in η for RMSprop/Adam (η_e = η²) and 1 for SGD; for SVAG use x = 1/ℓ
/// (error ∝ 1/ℓ²).
public struct WeakErrorStudy: Codable, Equatable, Sendable {
    /// The swept parameter (η, or 1/ℓ for SVAG).
    public let parameters: [Double]
    /// max over recorded times of |mean − reference|.
    public let errors: [Double]
    /// The standard error of the discrete mean at the time where the maximum was attained.
    public let standardErrors: [Double]
    /// The fitted slope of log error against log parameter.
    public let order: Double

    /// - Parameters:
    ///   - runs: one simulation per parameter, recorded on the same grid as the reference.
    ///   - reference: E g(X_t) per recorded time (a closed form or a fine Euler–Maruyama run).
    public init(parameters: [Double], runs: [SimulationMoments], function: SDETestFunction,
                reference: [Double]) throws {
        guard parameters.count == runs.count, parameters.count >= 2 else {
            throw TheoryInputError(name: "parameters", value: Double(parameters.count), expected: "≥ 2, one per run")
        }
        for p in parameters { try Check.positive(p, "parameter") }
        var errors: [Double] = [], standardErrors: [Double] = []
        for run in runs {
            let s = run.series(function)
            guard s.means.count == reference.count else {
                throw TheoryInputError(name: "reference", value: Double(reference.count), expected: "one value per recorded time (\(s.means.count))")
            }
            let gaps = s.means.indices.map { abs(s.means[$0] - reference[$0]) }
            let worst = gaps.indices.max { gaps[$0] < gaps[$1] }!
            errors.append(gaps[worst])
            standardErrors.append(s.standardErrors[worst])
        }
        self.parameters = parameters
        self.errors = errors
        self.standardErrors = standardErrors
        order = WeakErrorStudy.logLogSlope(parameters, errors)
    }

    /// The least-squares slope of log y against log x (x, y > 0).
    public static func logLogSlope(_ x: [Double], _ y: [Double]) -> Double {
        precondition(x.count == y.count && x.count >= 2, "logLogSlope: need two or more (x, y) pairs")
        let lx = x.map { log($0) }, ly = y.map { log($0) }
        let mx = lx.reduce(0, +) / Double(lx.count), my = ly.reduce(0, +) / Double(ly.count)
        var num = 0.0, den = 0.0
        for i in lx.indices {
            num += (lx[i] - mx) * (ly[i] - my)
            den += (lx[i] - mx) * (lx[i] - mx)
        }
        return num / den
    }
}
