import Autodiff
import BiasLabTestSupport
import NN
import Tensor
import Testing

/// Checks every derivative an ``Objective`` offers against oracles that do not use it:
/// - gradient vs central differences of its loss (relative 1e-6, O(h²) with h = 1e-5);
/// - the dense Hessian (d HVPs) vs central differences of its gradient (relative 1e-6, h = 1e-4), and
///   its symmetry;
/// - per-sample losses, gradients and HVPs averaged over the batch vs the batch loss, gradient and HVP
///   (the mean reduction of ``Objective``; relative 1e-12, only rounding separates them).
enum ObjectiveChecks {
    static func expectConsistent(_ objective: any Objective, at theta: [Double], batch: [Int]? = nil,
                                 hessianTolerance: Double = 1e-6, sourceLocation: SourceLocation = #_sourceLocation) {
        let d = objective.dimension
        let (value, gradient) = objective.valueAndGradient(at: theta, batch: batch)
        let fdGradient = FiniteDifferences.gradient(of: { objective.loss(at: $0, batch: batch) }, at: theta)
        let gErr = Closeness.relativeError(gradient, fdGradient)
        #expect(gErr <= 1e-6, "gradient vs differences: \(gErr)", sourceLocation: sourceLocation)

        let h = objective.denseHessian(at: theta, batch: batch)
        let fdHessian = FiniteDifferences.hessian(ofGradient: { objective.gradient(at: $0, batch: batch) }, at: theta)
        let hErr = Closeness.relativeError(h, fdHessian)
        #expect(hErr <= hessianTolerance, "Hessian vs differences of the gradient: \(hErr)", sourceLocation: sourceLocation)
        #expect(Closeness.relativeError(h, h.transposed()) <= 1e-12, "Hessian not symmetric", sourceLocation: sourceLocation)

        let rows = objective.indices(of: batch)
        let losses = objective.perSampleLosses(at: theta, batch: batch)
        #expect(Closeness.relativeError(losses.reduce(0, +) / Double(rows.count), value) <= 1e-12, sourceLocation: sourceLocation)
        let perSample = objective.perSampleGradients(at: theta, batch: batch)
        #expect(perSample.shape == [rows.count, d], sourceLocation: sourceLocation)
        let meanGradient = perSample.sum(axis: 0).scalars.map { $0 / Double(rows.count) }
        #expect(Closeness.relativeError(meanGradient, gradient) <= 1e-12, "mean per-sample gradient", sourceLocation: sourceLocation)

        var rng = RandomGenerator(seed: 3, stream: "objective-checks")
        let v = rng.gaussians(d)
        let hv = objective.hessianVectorProduct(at: theta, along: v, batch: batch)
        let perSampleHV = objective.perSampleHessianVectorProducts(at: theta, along: v, batch: batch)
        #expect(perSampleHV.shape == [rows.count, d], sourceLocation: sourceLocation)
        let meanHV = perSampleHV.sum(axis: 0).scalars.map { $0 / Double(rows.count) }
        #expect(Closeness.relativeError(meanHV, hv) <= 1e-12, "mean per-sample HVP", sourceLocation: sourceLocation)
    }

    /// `checkDerivatives` (first order reverse and forward, second order ≤ 1e-6) on θ ↦ mean per-sample loss.
    static func expectEngineAccurate(_ objective: SupervisedObjective, at theta: [Double], secondOrderStep: Double = 1e-3,
                                     sourceLocation: SourceLocation = #_sourceLocation) {
        let f: (Variable) -> Variable = { p in
            objective.loss.perSample(outputs: objective.model.forward(p, objective.inputs),
                                     targets: objective.targets, labels: objective.labels).mean()
        }
        let r = checkDerivatives(of: f, at: Tensor(theta), secondOrderStep: secondOrderStep)
        #expect(r.reverseError <= 1e-6, "reverse: \(r)", sourceLocation: sourceLocation)
        #expect(r.forwardError <= 1e-6, "forward: \(r)", sourceLocation: sourceLocation)
        #expect(r.secondOrderError <= 1e-6, "second order: \(r)", sourceLocation: sourceLocation)
    }

    /// Seeded Gaussian data: inputs [n, features], regression targets [n, k].
    static func data(samples n: Int, features: Int, outputs k: Int, seed: UInt64) -> (x: Tensor, y: Tensor) {
        var rng = RandomGenerator(seed: seed, stream: "nn-test-data")
        return (Tensor(shape: [n, features], scalars: rng.gaussians(n * features)),
                Tensor(shape: [n, k], scalars: rng.gaussians(n * k)))
    }
}
