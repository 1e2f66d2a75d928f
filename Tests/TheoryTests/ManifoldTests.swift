import Foundation
import NN
import Tensor
import Testing
@testable import Theory

struct ManifoldTests {
    static let inputs: [[Double]] = [[1, 0.5, -0.3, 0.8, 0.2], [0.1, -1, 0.7, 0.4, 0.9]]
    /// The depth-2 diagonal linear network of NN, θ = (u; v) ∈ ℝ¹⁰, f = ⟨x, u⊙u − v⊙v⟩.
    static let model = try! DiagonalLinearRegression(network: DiagonalLinearNetwork(dimension: 5), inputs: inputs, targets: [0.7, 0.4])
    static let point = [0.9, 0.3, -0.6, 0.5, 0.8, 0.2, -0.4, 0.7, 0.1, 0.6]
    static let scaling = [0.5, 2, 1.3, 0.7, 3, 1.1, 0.4, 2.5, 0.9, 1.7]

    /// Digest 002 §9 item 5: ∂Φ_S² = ∂Φ_S, J∂Φ_S = 0, ∂Φ_S SJᵀ = 0, Π_S symmetric with Π_S Jᵀ = 0, and with
    /// S = I the orthogonal projector (symmetric, idempotent).
    @Test func projectorIdentities() throws {
        let j = Self.model.jacobian(at: Self.point)
        let oblique = try ManifoldProjection(jacobian: j, preconditioner: Self.scaling)
        let d = 10
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
        #expect(abs(trace - 8) < 1e-12, "rank P_T = D − n = 8")
    }

    /// The GN semi-gradient with w = R′(h) is ∇R(h_GN(θ)): central differences (h = 1e-6) of tr H and
    /// tr(Diag H^{1/2}) with hⱼ = (1/n)Σᵢ(∂fᵢ/∂θⱼ)² = (1/n)Σᵢ(2xᵢⱼθⱼ)².
    @Test func regularizerGradientsMatchFiniteDifferences() {
        for regularizer in [ManifoldSharpness.Regularizer.trace, .diagonalPower(0.5)] {
            let analytic = ManifoldSharpness.gradient(of: regularizer, Self.model, at: Self.point)
            for j in 0..<10 {
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
        let ellipse = NoisyEllipseObjective(a: 2, b: 1, c: 0.5, delta: 0.5)
        let start = [1.6, 0.2]
        let startGradient = try ManifoldSharpness.tangentialGradient(of: .trace, ellipse, at:
            ManifoldProjection.retract(ellipse, from: start).point)
        #expect(VectorOps.norm(startGradient) > 0.1, "not a fixed point: \(startGradient)")
        let tipGradient = try ManifoldSharpness.tangentialGradient(of: .trace, ellipse, at: [1, 1])
        #expect(VectorOps.norm(tipGradient) < 1e-12)
        let oblique = try ManifoldProjection(jacobian: ellipse.jacobian(at: [1, 1]), preconditioner: [0.3, 4])
        #expect(VectorOps.norm(oblique.projectedPreconditioner(ManifoldSharpness.gradient(of: .trace, ellipse, at: [1, 1]))) < 1e-12)

        let sgd = try LabelNoiseSlowFlow(alpha: ellipse.labelNoiseCovarianceFactor(), preconditioner: .identity)
            .integrate(ellipse, from: start, timeStep: 0.05, steps: 4000, maxStep: 2e-3)
        expectClose(sgd.theta[0], 1, relative: 0.02, "SGD x")
        expectClose(sgd.theta[1], 1, relative: 0.02, "SGD y")

        let t = (2 * 0.5 / 5.0).squareRoot()
        let (p, q) = (4 * t, t)
        let adamPoint = [(p + q) / 2, (p - q) / 2]
        expectClose(adamPoint[0], 1.118, relative: 1e-3, "digest x")
        for (closed, model) in zip(adamPoint + [1, 1], ellipse.adamLimit + ellipse.sgdLimit) {
            expectClose(model, closed, relative: 1e-12, "NoisyEllipseObjective limits")
        }
        expectClose(ellipse.labelNoiseCovarianceFactor(), 0.25, relative: 1e-15, "α = δ²")
        let adam = try LabelNoiseSlowFlow(alpha: ellipse.labelNoiseCovarianceFactor(), preconditioner: .adaptive(lambda: 0.5, epsilon: 1e-8, c: 1000))
            .integrate(ellipse, from: start, timeStep: 0.05, steps: 4000, maxStep: 2e-3)
        expectClose(adam.theta[0], adamPoint[0], relative: 0.02, "Adam x")
        expectClose(adam.theta[1], adamPoint[1], relative: 0.02, "Adam y")
        #expect(abs(ellipse.residuals(at: adam.theta)[0]) < 1e-10, "stays on Γ")
    }

    /// The squared-loss views of the NN types against the NN objectives' own exact Hessians: on Γ (zero
    /// residual) ∇²L = (a/n)JᵀJ, for the diagonal network (targets fᵢ(point), ½-loss SupervisedObjective,
    /// autodiff) and for the ellipse at (1, 1) (closed-form NoisyEllipseObjective, whose Hessian there has
    /// the mean residual 0 of ξ = ±δ).
    @Test func gaussNewtonOnManifoldEqualsObjectiveHessian() throws {
        let network = DiagonalLinearNetwork(dimension: 5)
        let targets = Self.inputs.map { VectorOps.dot($0, network.effectiveWeights(Self.point)) }
        let onManifold = try DiagonalLinearRegression(network: network, inputs: Self.inputs, targets: targets)
        #expect(onManifold.residuals(at: Self.point).allSatisfy { abs($0) < 1e-15 })
        let supervised = SupervisedObjective(model: network, loss: .mse, inputs: Tensor(shape: [2, 5], scalars: Self.inputs.flatMap { $0 }),
                                             targets: Tensor(shape: [2, 1], scalars: targets))
        let ellipse = NoisyEllipseObjective()
        for (model, objective, point) in [(onManifold as any SquaredLossModel, supervised as any Objective, Self.point),
                                          (ellipse, ellipse, [1, 1])] {
            let j = model.jacobian(at: point)
            let (n, d) = (j.shape[0], j.shape[1])
            let hessian = objective.denseHessian(at: point)
            for a in 0..<d { for b in 0..<d {
                let gn = (0..<n).reduce(0.0) { $0 + j.scalars[$1 * d + a] * j.scalars[$1 * d + b] } * model.lossScale / Double(n)
                expectClose(gn, hessian.scalars[a * d + b], relative: 1e-12, floor: 1, "(\(a),\(b))")
            } }
        }
        // ∇²fᵢ w by the closed form against central differences of J (step 1e−6).
        let w = [[0.3, -0.2, 0.5, 0.1, -0.4, 0.2, 0.6, -0.1, 0.3, 0.5], [0.1, 0.4, -0.3, 0.2, 0.5, -0.6, 0.1, 0.2, -0.2, 0.3]]
        let products = Self.model.outputHessianVectorProducts(at: Self.point, along: w)
        for i in 0..<2 {
            let plus = Self.model.jacobian(at: zip(Self.point, w[i]).map { $0 + 1e-6 * $1 })
            let minus = Self.model.jacobian(at: zip(Self.point, w[i]).map { $0 - 1e-6 * $1 })
            for k in 0..<10 {
                expectClose(products[i][k], (plus.scalars[i * 10 + k] - minus.scalars[i * 10 + k]) / 2e-6, relative: 1e-7, floor: 1, "∇²f\(i) w[\(k)]")
            }
        }
    }
}
