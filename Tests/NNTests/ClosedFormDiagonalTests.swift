import BiasLabTestSupport
import NN
import Tensor
import Testing

/// The closed-form Hessian diagonal of the diagonal linear network against the diagonal of the dense
/// Hessian assembled from exact HVPs (itself checked against finite differences in DenseNetwork tests),
/// off the interpolation manifold so the residual term matters.
struct ClosedFormDiagonalTests {
    @Test(arguments: [1, 2, 3])
    func diagonalNetworkMatchesDenseHessian(depth: Int) {
        var rng = RandomGenerator(seed: UInt64(40 + depth))
        let d = 6, n = 9
        let x = Tensor(shape: [n, d], scalars: rng.gaussians(n * d))
        let y = Tensor(shape: [n, 1], scalars: rng.gaussians(n))
        for loss in [Loss.mse, .squaredError(scale: 1)] {
            let objective = SupervisedObjective(model: DiagonalLinearNetwork(dimension: d, depth: depth), loss: loss, inputs: x, targets: y)
            let theta = rng.gaussians(2 * d).map { 0.5 * $0 }
            let h = objective.denseHessian(at: theta, batch: [0, 2, 3, 7])
            let reference = (0..<(2 * d)).map { h.scalars[$0 * 2 * d + $0] }
            let closedForm = objective.closedFormHessianDiagonal(at: theta, batch: [0, 2, 3, 7])
            #expect(closedForm != nil)
            #expect(Closeness.relativeError(closedForm ?? [], reference) <= 1e-12, "depth \(depth), \(loss.name)")
        }
    }

    /// Models without structure report none (callers fall back to HVPs).
    @Test func otherModelsHaveNoClosedForm() {
        let (objective, theta) = TinyProblems.tanhMLP()
        #expect(objective.closedFormHessianDiagonal(at: theta, batch: nil) == nil)
    }
}
