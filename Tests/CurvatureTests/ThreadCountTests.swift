import BiasLabTestSupport
import Curvature
import NN
import Tensor
import Testing

/// Lanczos (products split over the batch, reorthogonalization split over the coordinates) at 1, 2, 3
/// and 8 cores against the dense Hessian's spectrum from LAPACK, and bit-identical at one count.
struct CurvatureThreadCountTests {
    @Test(arguments: [1, 2, 3, 8])
    func lanczosAtEveryCoreCountMatchesTheDenseSpectrum(cores: Int) throws {
        let (objective, theta) = TinyProblems.tanhMLP(seed: 4, samples: 200)
        let dense = try objective.denseHessian(at: theta).symmetricEigen(computeVectors: false).eigenvaluesDescending
        let run = {
            try BatchParallelism.withCoreCount(cores) {
                try lanczosEigenpairs(of: HessianOperator(objective: objective, at: theta), count: 3, tolerance: 1e-10,
                                      maxIterations: objective.dimension, seed: 5).eigenvalues
            }
        }
        let eigenvalues = try run()
        let scale = dense.map(abs).max()!
        #expect(zip(eigenvalues, dense.prefix(3)).map { abs($0 - $1) }.max()! / scale < 1e-8)
        #expect(try run() == eigenvalues)
    }
}
