import Foundation
import Tensor
import Testing
@testable import Theory

/// Test-local noisy-ellipse model of paper 002 §3 (digest 002 §6.1 reconstruction), to be unified with the
/// analytic ellipse objective of branch `models`: one constraint f(x, y) = p²/(2A²) + q²/(2B²) = c,
/// p = x + y, q = x − y, with the ½-loss (a = 1).
struct EllipseConformerForTests: SquaredLossModel {
    let semiAxisA: Double, semiAxisB: Double, level: Double
    var dimension: Int { 2 }
    var sampleCount: Int { 1 }
    var lossScale: Double { 1 }

    func residuals(at t: [Double]) -> [Double] {
        let (p, q) = (t[0] + t[1], t[0] - t[1])
        return [p * p / (2 * semiAxisA * semiAxisA) + q * q / (2 * semiAxisB * semiAxisB) - level]
    }

    func jacobian(at t: [Double]) -> Tensor {
        let (p, q) = (t[0] + t[1], t[0] - t[1])
        let (u, v) = (p / (semiAxisA * semiAxisA), q / (semiAxisB * semiAxisB))
        return Tensor(shape: [1, 2], scalars: [u + v, u - v])
    }

    /// ∇²f = [[1/A² + 1/B², 1/A² − 1/B²], [1/A² − 1/B², 1/A² + 1/B²]] (constant).
    func outputHessianVectorProducts(at t: [Double], along directions: [[Double]]) -> [[Double]] {
        let (a, b) = (1 / (semiAxisA * semiAxisA), 1 / (semiAxisB * semiAxisB))
        return directions.map { w in [(a + b) * w[0] + (a - b) * w[1], (a - b) * w[0] + (a + b) * w[1]] }
    }
}

/// Test-local quadratic-parameterization model fᵢ(θ) = ⟨xᵢ, θ ⊙ θ⟩ (a diagonal-network-like model):
/// ∇fᵢ = 2xᵢ ⊙ θ, ∇²fᵢ w = 2xᵢ ⊙ w.
struct SquaredParameterizationForTests: SquaredLossModel {
    let inputs: [[Double]]
    let targets: [Double]
    var dimension: Int { inputs[0].count }
    var sampleCount: Int { inputs.count }
    var lossScale: Double { 1 }

    func residuals(at t: [Double]) -> [Double] {
        inputs.indices.map { i in inputs[i].indices.reduce(0) { $0 + inputs[i][$1] * t[$1] * t[$1] } - targets[i] }
    }

    func jacobian(at t: [Double]) -> Tensor {
        Tensor(shape: [sampleCount, dimension], scalars: inputs.flatMap { x in x.indices.map { 2 * x[$0] * t[$0] } })
    }

    func outputHessianVectorProducts(at t: [Double], along directions: [[Double]]) -> [[Double]] {
        directions.indices.map { i in directions[i].indices.map { 2 * inputs[i][$0] * directions[i][$0] } }
    }
}

struct ManifoldTests {
    static let model = SquaredParameterizationForTests(inputs: [[1, 0.5, -0.3, 0.8, 0.2], [0.1, -1, 0.7, 0.4, 0.9]],
                                                        targets: [0.7, 0.4])
    static let point = [0.9, 0.3, -0.6, 0.5, 0.8]
    static let scaling = [0.5, 2, 1.3, 0.7, 3]

    /// Digest 002 §9 item 5: ∂Φ_S² = ∂Φ_S, J∂Φ_S = 0, ∂Φ_S SJᵀ = 0, Π_S symmetric with Π_S Jᵀ = 0, and with
    /// S = I the orthogonal projector (symmetric, idempotent).
    @Test func projectorIdentities() throws {
        let j = Self.model.jacobian(at: Self.point)
        let oblique = try ManifoldProjection(jacobian: j, preconditioner: Self.scaling)
        let d = 5
        let tangent = oblique.denseMatrix(oblique.tangentProjection)
        let pi = oblique.denseMatrix(oblique.projectedPreconditioner)
        let square = Tensor.matmul(tangent, tangent)
        for k in 0..<(d * d) { #expect(abs(square.scalars[k] - tangent.scalars[k]) < 1e-12, "∂Φ_S² = ∂Φ_S") }
        for v in Tensor.matmul(j, tangent).scalars { #expect(abs(v) < 1e-12, "J ∂Φ_S = 0") }
        for i in 0..<d { for k in 0..<d { #expect(abs(pi.scalars[i * d + k] - pi.scalars[k * d + i]) < 1e-12, "Π_S symmetric") } }
        for i in 0..<2 {
            let row = (0..<d).map { j.scalars[i * d + $0] }
            for v in oblique.projectedPreconditioner(row) { #expect(abs(v) < 1e-12, "Π_S Jᵀ = 0") }
            for v in oblique.tangentProjection(row.indices.map { Self.scaling[$0] * row[$0] }) { #expect(abs(v) < 1e-12, "∂Φ_S S Jᵀ = 0") }
        }
        let orthogonal = try ManifoldProjection(jacobian: j)
        let p = orthogonal.denseMatrix(orthogonal.tangentProjection)
        let p2 = Tensor.matmul(p, p)
        for i in 0..<d { for k in 0..<d {
            #expect(abs(p.scalars[i * d + k] - p.scalars[k * d + i]) < 1e-12)
            #expect(abs(p2.scalars[i * d + k] - p.scalars[i * d + k]) < 1e-12)
        } }
        let trace = (0..<d).reduce(0) { $0 + p.scalars[$1 * d + $1] }
        #expect(abs(trace - 3) < 1e-12, "rank P_T = D − n = 3")
    }

    /// The GN semi-gradient with w = R′(h) is ∇R(h_GN(θ)): central differences (h = 1e-6) of tr H and
    /// tr(Diag H^{1/2}) with hⱼ = (1/n)Σᵢ(2xᵢⱼθⱼ)².
    @Test func regularizerGradientsMatchFiniteDifferences() {
        for regularizer in [ManifoldSharpness.Regularizer.trace, .diagonalPower(0.5)] {
            let analytic = ManifoldSharpness.gradient(of: regularizer, Self.model, at: Self.point)
            for j in 0..<5 {
                var plus = Self.point, minus = Self.point
                plus[j] += 1e-6
                minus[j] -= 1e-6
                let numeric = (regularizer.value(ManifoldSharpness.gaussNewtonDiagonal(Self.model, at: plus))
                    - regularizer.value(ManifoldSharpness.gaussNewtonDiagonal(Self.model, at: minus))) / 2e-6
                expectClose(analytic[j], numeric, relative: 1e-6, floor: 1e-6, "\(regularizer) ∂\(j)")
            }
        }
    }

    /// Digest 002 §6.1 closed forms for A = 2, B = 1, c = ½, α = δ² = ¼ (±½ label noise, ½-loss):
    /// label-noise SGD flows to the tip x = y = A√(c/2) = 1, where P_T ∇tr H = 0 (and Π_S ∇tr H = 0 for any S);
    /// Adam (β₂ = 0.999, η = 10⁻³ ⇒ c = 1000, ε = 10⁻⁸) flows to |p|/A² = |q|/B²: (1.118, 0.671); within 2%.
    @Test func noisyEllipseFixedPoints() throws {
        let ellipse = EllipseConformerForTests(semiAxisA: 2, semiAxisB: 1, level: 0.5)
        let start = [1.6, 0.2]
        let startGradient = try ManifoldSharpness.tangentialGradient(of: .trace, ellipse, at:
            ManifoldProjection.retract(ellipse, from: start).point)
        #expect(VectorOps.norm(startGradient) > 0.1, "not a fixed point: \(startGradient)")
        let tipGradient = try ManifoldSharpness.tangentialGradient(of: .trace, ellipse, at: [1, 1])
        #expect(VectorOps.norm(tipGradient) < 1e-12)
        let oblique = try ManifoldProjection(jacobian: ellipse.jacobian(at: [1, 1]), preconditioner: [0.3, 4])
        #expect(VectorOps.norm(oblique.projectedPreconditioner(ManifoldSharpness.gradient(of: .trace, ellipse, at: [1, 1]))) < 1e-12)

        let sgd = try LabelNoiseSlowFlow(alpha: 0.25, preconditioner: .identity)
            .integrate(ellipse, from: start, timeStep: 0.05, steps: 4000, maxStep: 2e-3)
        expectClose(sgd.theta[0], 1, relative: 0.02, "SGD x")
        expectClose(sgd.theta[1], 1, relative: 0.02, "SGD y")

        let t = (2 * 0.5 / 5.0).squareRoot()
        let (p, q) = (4 * t, t)
        let adamPoint = [(p + q) / 2, (p - q) / 2]
        expectClose(adamPoint[0], 1.118, relative: 1e-3, "digest x")
        let adam = try LabelNoiseSlowFlow(alpha: 0.25, preconditioner: .adaptive(lambda: 0.5, epsilon: 1e-8, c: 1000))
            .integrate(ellipse, from: start, timeStep: 0.05, steps: 4000, maxStep: 2e-3)
        expectClose(adam.theta[0], adamPoint[0], relative: 0.02, "Adam x")
        expectClose(adam.theta[1], adamPoint[1], relative: 0.02, "Adam y")
        #expect(abs(ellipse.residuals(at: adam.theta)[0]) < 1e-10, "stays on Γ")
    }
}
