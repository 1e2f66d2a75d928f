import BiasLabTestSupport
import NN
import Tensor
import Testing

/// Every split computation of an objective at 1, 2, 3 and 8 cores (8 oversubscribes a small machine, which
/// is fine) against the one-core result. The parts' sums are added in a different order for each count,
/// so agreement is to round-off: each entry is a sum of O(N·width) products of O(1) numbers, so the
/// difference is a few ulp of the entries' scale, far below 1e-12 relative. At one count, two runs are the
/// same computation and must be bit-identical (what resume and seeds rely on).
struct ThreadCountTests {
    struct Results: Equatable {
        var value: Double
        var gradient: [Double]
        var hvp: [Double]
        var linearized: [Double]
        var perSample: [Double]
        var norms: [Double]
        var gaussNewton: [Double]
    }

    static func compute(cores: Int) -> Results {
        let (objective, theta) = TinyProblems.tanhMLP(seed: 9, samples: 300)
        var rng = RandomGenerator(seed: 2, stream: "threads")
        let v = rng.gaussians(objective.dimension)
        return BatchParallelism.withCoreCount(cores) {
            let (value, gradient) = objective.valueAndGradient(at: theta, batch: nil)
            return Results(value: value, gradient: gradient,
                           hvp: objective.hessianVectorProduct(at: theta, along: v),
                           linearized: objective.hessianProducts(at: theta, batch: nil)([v])[0],
                           perSample: objective.perSampleGradients(at: theta, batch: Array(0..<250)).scalars,
                           norms: objective.perSampleGradientSquaredNorms(at: theta),
                           gaussNewton: objective.gaussNewtonVectorProducts(at: theta, along: [v], batch: nil)[0])
        }
    }

    static let oneCore = compute(cores: 1)

    @Test(arguments: [1, 2, 3, 8])
    func splitAgreesWithOneCore(cores: Int) {
        let r = Self.compute(cores: cores)
        let one = Self.oneCore
        #expect(Closeness.relativeError(r.value, one.value) < 1e-13)
        #expect(Closeness.relativeError(r.gradient, one.gradient) < 1e-12)
        #expect(Closeness.relativeError(r.hvp, one.hvp) < 1e-12)
        #expect(Closeness.relativeError(r.linearized, one.linearized) < 1e-12)
        #expect(Closeness.relativeError(r.perSample, one.perSample) < 1e-12)
        #expect(Closeness.relativeError(r.norms, one.norms) < 1e-12)
        #expect(Closeness.relativeError(r.gaussNewton, one.gaussNewton) < 1e-12)
        #expect(r == Self.compute(cores: cores))
    }
}
