import Autodiff
import BiasLabTestSupport
import Curvature
import NN
import Tensor
import Foundation
import Testing

/// The Hessian and Gauss–Newton operators over a model objective, against dense references.
struct ObjectiveOperatorTests {
    /// Oracle: LAPACK on the dense Hessian (itself checked against finite differences in NNTests).
    /// Lanczos on the operator gives the top-5 eigenvalues to 1e-8 relative, descending.
    @Test func lanczosOnHessianOperatorMatchesDenseEigenvalues() throws {
        let (obj, theta) = TinyProblems.tanhMLP()
        let op = HessianOperator(objective: obj, at: theta)
        let dense = try obj.denseHessian(at: theta).symmetricEigen(computeVectors: false).eigenvaluesDescending
        let lanczos = try lanczosEigenpairs(of: op, count: 5, end: .largest, tolerance: 1e-10, maxIterations: op.dimension, seed: 1)
        for (a, b) in zip(lanczos.eigenvalues, dense.prefix(5)) {
            #expect(Closeness.relativeError(a, b) <= 1e-8, "\(a) vs \(b)")
        }
        // The block product equals row-by-row products.
        var rng = RandomGenerator(seed: 2)
        let block = Tensor(shape: [3, op.dimension], scalars: rng.gaussians(3 * op.dimension))
        let rows = (0..<3).map { op.apply(block.row($0).scalars) }
        #expect(Closeness.relativeError(op.apply(rowsOf: block).scalars, rows.flatMap { $0 }) <= 1e-13)
    }

    /// Oracle: G = (1/N) Σ_i J_iᵀ Λ_i J_i assembled from output Jacobians J_i computed by central
    /// differences of the model outputs (no autodiff), Λ = 2s·I for squared error and
    /// diag(p) − ppᵀ for cross-entropy.
    @Test(arguments: [Loss.mse, .crossEntropy])
    func gaussNewtonMatchesJacobianAssembly(loss: Loss) throws {
        let (obj, theta) = TinyProblems.tanhMLP(loss: loss)
        let n = obj.sampleCount, k = obj.model.outputCount, d = obj.dimension
        func outputs(_ p: [Double]) -> [Double] {
            GradientMode.withoutRecording { obj.model.forward(Variable(Tensor(p)), obj.inputs).value.scalars }
        }
        var jacobian = [[Double]](repeating: [], count: d)  // column j: ∂(all outputs)/∂θ_j, length n·k
        for j in 0..<d {
            var e = [Double](repeating: 0, count: d); e[j] = 1
            jacobian[j] = FiniteDifferences.directionalDerivative(of: outputs, at: theta, along: e, step: 1e-6)
        }
        let f = outputs(theta)
        var g = Tensor.zeros([d, d])
        for i in 0..<n {
            var lambda = [Double](repeating: 0, count: k * k)
            switch loss {
            case .squaredError(let s): for a in 0..<k { lambda[a * k + a] = 2 * s }
            case .crossEntropy:
                let row = Array(f[(i * k)..<((i + 1) * k)])
                let m = row.max()!, z = row.map { exp($0 - m) }.reduce(0, +)
                let p = row.map { exp($0 - m) / z }
                for a in 0..<k { for b in 0..<k { lambda[a * k + b] = (a == b ? p[a] : 0) - p[a] * p[b] } }
            case .nextTokenCrossEntropy:
                Issue.record("the next-token Gauss–Newton products are checked in TransformerTests")
            }
            for r in 0..<d { for c in 0..<d {
                var s = 0.0
                for a in 0..<k { for b in 0..<k { s += jacobian[r][i * k + a] * lambda[a * k + b] * jacobian[c][i * k + b] } }
                g.scalars[r * d + c] += s / Double(n)
            } }
        }
        let op = GaussNewtonOperator(objective: obj, at: theta)
        var rng = RandomGenerator(seed: 9)
        let v = rng.gaussians(d)
        let reference = Tensor.matvec(g, Tensor(v)).scalars
        #expect(Closeness.relativeError(op.apply(v), reference) <= 1e-7)
    }

    /// Oracle: for a model linear in θ (no hidden layer) the Gauss–Newton matrix is the Hessian exactly.
    @Test(arguments: [Loss.mse, .crossEntropy])
    func gaussNewtonEqualsHessianForLinearModel(loss: Loss) {
        let (obj, theta) = TinyProblems.tanhMLP(loss: loss, widths: [5, 3])
        var rng = RandomGenerator(seed: 4)
        let v = rng.gaussians(obj.dimension)
        let gv = GaussNewtonOperator(objective: obj, at: theta).apply(v)
        let hv = HessianOperator(objective: obj, at: theta).apply(v)
        #expect(Closeness.relativeError(gv, hv) <= 1e-12)
    }
}
