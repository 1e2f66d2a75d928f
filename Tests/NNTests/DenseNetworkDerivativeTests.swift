import Autodiff
import BiasLabTestSupport
import NN
import Tensor
import Testing

/// Second-order correctness of the engine on a tanh MLP (d = 123), each against an oracle that does not
/// use the engine: a hand-written backpropagation (checked against differences of the loss) and the
/// dense Hessian obtained by central differences of that hand-written gradient.
struct DenseNetworkDerivativeTests {
    static let problem = TinyProblems.tanhMLP()
    static let widths = [5, 8, 6, 3]

    func manual(_ theta: [Double]) -> (Double, [Double]) {
        ManualBackprop.lossAndGradient(widths: Self.widths, theta: theta, x: Self.problem.objective.inputs, y: Self.problem.objective.targets)
    }

    /// Oracle 1: the hand-written gradient agrees with central differences of the loss (so it is a valid
    /// reference), and the engine's loss and gradient agree with it.
    @Test func gradientMatchesHandWrittenBackprop() {
        let (obj, theta) = Self.problem
        let (refLoss, refGrad) = manual(theta)
        let fd = FiniteDifferences.gradient(of: { self.manual($0).0 }, at: theta)
        #expect(Closeness.relativeError(refGrad, fd) < 1e-8)
        let (l, g) = obj.valueAndGradient(at: theta, batch: nil)
        #expect(Closeness.relativeError(l, refLoss) < 1e-14)
        #expect(Closeness.relativeError(g, refGrad) < 1e-13)
    }

    /// Oracle 2: the dense Hessian assembled from d exact HVPs equals the finite-difference Hessian of the
    /// hand-written gradient (max relative error ≤ 1e-6), and is symmetric.
    @Test func hessianFromHVPsMatchesFiniteDifferences() throws {
        let (obj, theta) = Self.problem
        let h = obj.denseHessian(at: theta)
        let hFD = FiniteDifferences.hessian(ofGradient: { self.manual($0).1 }, at: theta)
        let err = Closeness.relativeError(h, hFD)
        #expect(err <= 1e-6, "max relative error \(err)")
        #expect(Closeness.relativeError(h, h.transposed()) < 1e-13)
    }

    /// Oracle: the linearized gradient (one recorded gradient, a tangent sweep per direction) gives the
    /// forward-over-reverse HVP of each direction to round-off, for squared error and cross-entropy, on
    /// the full set and on a batch; and both agree with the finite-difference Hessian of the hand-written
    /// gradient along the first direction.
    @Test func linearizedProductsMatchForwardOverReverse() {
        let (obj, theta) = Self.problem
        var rng = RandomGenerator(seed: 31, stream: "linearized")
        let directions = (0..<3).map { _ in rng.gaussians(obj.dimension) }
        let crossEntropy = SupervisedObjective(model: obj.model, loss: .crossEntropy, inputs: obj.inputs,
                                               targets: obj.targets, labels: obj.labels)
        for objective in [obj, crossEntropy] {
            for batch in [nil, [4, 1, 6]] as [[Int]?] {
                let linearized = objective.hessianProducts(at: theta, batch: batch)(directions)
                for (v, hv) in zip(directions, linearized) {
                    let single = objective.hessianVectorProducts(at: theta, along: [v], batch: batch)[0]
                    #expect(Closeness.relativeError(hv, single) < 1e-12)
                }
            }
        }
        let hFD = FiniteDifferences.hessian(ofGradient: { self.manual($0).1 }, at: theta)
        let reference = Tensor.matvec(hFD, Tensor(directions[0])).scalars
        #expect(Closeness.relativeError(obj.hessianProducts(at: theta, batch: nil)([directions[0]])[0], reference) < 1e-6)
    }

    /// Oracle: the same quantities without the batch split (computed inside a running split, where none
    /// happens) and the mean of the per-sample gradients (one batched pass, no split). On 96 samples the
    /// batch is cut into parts on a machine with two BLAS threads; loss, gradient and both HVP routes agree
    /// to round-off; the per-sample gradients (rows written by each part) average to the gradient and
    /// their row norms are the per-sample norms.
    @Test func batchSplitAgreesWithOnePass() {
        let (split, theta) = TinyProblems.tanhMLP(seed: 5, samples: 96)
        var rng = RandomGenerator(seed: 4, stream: "split")
        let v = rng.gaussians(split.dimension)
        let (value, gradient) = split.valueAndGradient(at: theta, batch: nil)
        let hv = split.hessianVectorProduct(at: theta, along: v)
        let linearized = split.hessianProducts(at: theta, batch: nil)([v])[0]
        let whole = BatchParallelism.run(parts: 2) { k in
            k == 0 ? (split.valueAndGradient(at: theta, batch: nil), split.hessianVectorProduct(at: theta, along: v)) : nil
        }[0]!
        #expect(Closeness.relativeError(value, whole.0.value) < 1e-14)
        #expect(Closeness.relativeError(gradient, whole.0.gradient) < 1e-13)
        #expect(Closeness.relativeError(hv, whole.1) < 1e-13)
        #expect(Closeness.relativeError(linearized, whole.1) < 1e-13)
        let g = split.perSampleGradients(at: theta, batch: nil)
        let mean = (0..<split.dimension).map { j in (0..<96).reduce(0.0) { $0 + g[$1, j] } / 96 }
        #expect(Closeness.relativeError(gradient, mean) < 1e-13)
        let norms = split.perSampleGradientSquaredNorms(at: theta)
        let rowNorms = (0..<96).map { i in (0..<split.dimension).reduce(0.0) { $0 + g[i, $1] * g[i, $1] } }
        #expect(Closeness.relativeError(norms, rowNorms) < 1e-13)
        let batch = Array(stride(from: 1, to: 96, by: 2))
        let batchMean = (0..<split.dimension).map { j in batch.reduce(0.0) { $0 + g[$1, j] } / Double(batch.count) }
        #expect(Closeness.relativeError(split.gradient(at: theta, batch: batch), batchMean) < 1e-13)
    }

    /// Oracle 3: the spectrum of the engine's Hessian equals LAPACK's spectrum of the finite-difference
    /// Hessian, and power iteration on exact HVPs converges to LAPACK's largest-magnitude eigenvalue.
    @Test func eigenvaluesMatchLAPACKOnFiniteDifferenceHessian() throws {
        let (obj, theta) = Self.problem
        let hFD = FiniteDifferences.hessian(ofGradient: { self.manual($0).1 }, at: theta)
        let reference = try hFD.symmetricEigen(computeVectors: false).eigenvalues
        let engine = try obj.denseHessian(at: theta).symmetricEigen(computeVectors: false).eigenvalues
        let scale = reference.map(abs).max()!
        #expect(zip(engine, reference).map { abs($0 - $1) }.max()! / scale <= 1e-6)

        let dominant = reference.max { abs($0) < abs($1) }!
        var rng = RandomGenerator(seed: 3)
        var v = rng.gaussians(obj.dimension)
        var lambda = 0.0
        for _ in 0..<2000 {
            let n = VectorOps.norm(v)
            v = VectorOps.scaled(v, by: 1 / n)
            let hv = obj.hessianVectorProduct(at: theta, along: v)
            lambda = VectorOps.dot(v, hv)
            v = hv
        }
        #expect(Closeness.relativeError(lambda, dominant) <= 1e-6, "power iteration \(lambda) vs LAPACK \(dominant)")
    }

    /// Per-sample gradients (outer-product route) sum, divided by N, to the batch gradient (1e-12), and
    /// equal one reverse pass per sample (the generic route).
    @Test(arguments: [Activation.tanh, .relu, .gelu, .softplus, .identity])
    func perSampleGradientsAgree(activation: Activation) {
        for loss in [Loss.mse, .crossEntropy] {
            let (obj, theta) = TinyProblems.tanhMLP(activation: activation, loss: loss)
            let g = obj.perSampleGradients(at: theta, batch: nil)
            let n = obj.sampleCount, d = obj.dimension
            var mean = [Double](repeating: 0, count: d)
            for i in 0..<n { for j in 0..<d { mean[j] += g.scalars[i * d + j] / Double(n) } }
            #expect(Closeness.relativeError(mean, obj.gradient(at: theta)) <= 1e-12)
            let loop = Autodiff.perSampleGradients(count: n, at: Tensor(theta)) { i, t in
                obj.loss.perSample(outputs: obj.model.forward(t, obj.inputs.rows([i])), targets: obj.targets.rows([i]), labels: obj.labels.map { [$0[i]] }).sum()
            }
            #expect(Closeness.relativeError(g.scalars, loop.flatMap(\.scalars)) <= 1e-12)
            let norms = obj.perSampleGradientSquaredNorms(at: theta)
            let direct = loop.map { VectorOps.dot($0.scalars, $0.scalars) }
            #expect(Closeness.relativeError(norms, direct) <= 1e-12)
        }
    }

    /// Per-sample gradients on a sub-batch are the matching rows of the full matrix.
    @Test func perSampleGradientsOfBatchAreRows() {
        let (obj, theta) = Self.problem
        let full = obj.perSampleGradients(at: theta, batch: nil)
        let sub = obj.perSampleGradients(at: theta, batch: [4, 1])
        // Not bit-equality: the batch of 2 and the full batch are multiplied by differently blocked gemm
        // calls (the BLAS picks its blocking, and its kernel set, by the matrix sizes and the CPU), so
        // each entry — a sum of ≤ 8 products of O(1) numbers — may differ by a few ulp. 1e-13 relative is
        // far above that round-off and far below any real error (a wrong sample or index gives O(1)).
        #expect(Closeness.relativeError(sub.row(0).scalars, full.row(4).scalars) < 1e-13)
        #expect(Closeness.relativeError(sub.row(1).scalars, full.row(1).scalars) < 1e-13)
    }

    /// The mean of per-sample HVPs is the batch HVP (the documented 1/N reduction).
    @Test func perSampleHVPsAverageToBatchHVP() {
        let (obj, theta) = Self.problem
        var rng = RandomGenerator(seed: 5)
        let v = rng.gaussians(obj.dimension)
        let rows = obj.perSampleHessianVectorProducts(at: theta, along: v, batch: nil)
        let mean = rows.sum(axis: 0).scalars.map { $0 / Double(obj.sampleCount) }
        #expect(Closeness.relativeError(mean, obj.hessianVectorProduct(at: theta, along: v)) <= 1e-12)
    }

    /// Every activation and both losses: engine gradient and HVP against differences (checkDerivatives).
    @Test(arguments: [Activation.tanh, .gelu, .softplus, .identity])
    func objectiveDerivativesMatchDifferences(activation: Activation) {
        for loss in [Loss.mse, .crossEntropy] {
            let (obj, theta) = TinyProblems.tanhMLP(activation: activation, loss: loss)
            let r = checkDerivatives(of: { t in obj.loss.perSample(outputs: obj.model.forward(t, obj.inputs), targets: obj.targets, labels: obj.labels).mean() },
                                     at: Tensor(theta))
            #expect(r.reverseError <= 1e-6 && r.forwardError <= 1e-6 && r.secondOrderError <= 1e-6, "\(activation) \(loss.name): \(r)")
        }
    }
}
