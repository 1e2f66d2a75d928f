import BiasLabTestSupport
import DataIO
@testable import Experiments
import Foundation
import NN
import Tensor
import Testing

/// Paper 002's studies beyond Fig. 1's SGD/Adam pair: AdamE-λ's predicted ellipse end points against an
/// enumeration of Γ, the closed-form label-noise gradients against autodiff, the held-out split, the
/// matrix-sensing source and the recovery probe against hand-computed numbers, the criteria on made-up
/// end points, and each new study's quick run.
struct AdamEEllipseTests {
    static let e = NoisyEllipseObjective()

    /// λ = 0 is SGD's closed form and λ = ½ Adam's; for every λ the search's point is on Γ, no point of a
    /// 400 000-point enumeration of all of Γ has a smaller tr(Diag H^{1−λ}) (the minimizer comes in four
    /// symmetric copies ±p, ±q), and dR/dφ vanishes there by central differences.
    @Test func adamELimitsMinimizeTheirRegularizerOnGamma() {
        func close(_ u: [Double], _ v: [Double], _ tolerance: Double) -> Bool { abs(u[0] - v[0]) + abs(u[1] - v[1]) < tolerance }
        #expect(close(Self.e.adamELimit(exponent: 0), Self.e.sgdLimit, 1e-6))
        #expect(close(Self.e.adamELimit(exponent: 0.5), Self.e.adamLimit, 1e-6))
        #expect(close(Self.e.adamELimit(exponent: 0.4), [1.1104, 0.7705], 1e-3))  // the study's stated prediction
        let angles = (0..<400_000).map { 2 * Double.pi * Double($0) / 400_000 }
        for lambda in [0.1, 0.25, 0.39, 0.4, 0.42, 0.45, 0.6, 0.75, 0.9] {
            let found = Self.e.adamELimit(exponent: lambda)
            #expect(abs(Self.e.ellipse(at: found).value - Self.e.c) < 1e-12)
            let r = { (theta: [Double]) in Self.e.diagonalPowerTrace(at: theta, exponent: lambda) }
            let best = angles.map { Self.e.point(atAngle: $0) }.min { r($0) < r($1) }!
            #expect(r(found) <= r(best) + 1e-9, "λ = \(lambda): R(search) = \(r(found)), enumeration \(r(best))")
            let (p, q) = (found[0] + found[1], found[0] - found[1]), (pb, qb) = (best[0] + best[1], best[0] - best[1])
            #expect(abs(abs(p) - abs(pb)) + abs(abs(q) - abs(qb)) < 1e-3, "λ = \(lambda): \(found) vs enumeration \(best)")
            let phi = Self.e.angle(of: found), h = 1e-5
            if phi > 2 * h && lambda < 0.5 {  // smooth there (the λ ≥ ½ minimizer is a kink)
                let slope = (r(Self.e.point(atAngle: phi + h)) - r(Self.e.point(atAngle: phi - h))) / (2 * h)
                #expect(abs(slope) < 1e-4, "λ = \(lambda): dR/dφ = \(slope)")
            }
        }
    }

    @Test func criteriaDecideTheAdamEVerdicts() {
        let study = NoisyEllipseStudy()
        let (s, a) = (Self.e.sgdLimit, Self.e.adamLimit)
        let predicted = NoisyEllipseStudy.adamEExponents.map { Self.e.adamELimit(exponent: $0) }
        let good = predicted.map { [$0, $0] }
        #expect(study.analyze(sgd: [s, s], adam: [a, a], adamE: good).map(\.verdict) == Array(repeating: .reproduced, count: 5))
        // AdamE-0.4 stuck at SGD's tip: its limit is missed and it no longer lies strictly between.
        let stuck = [good[0], [s, s], good[2]]
        #expect(study.analyze(sgd: [s, s], adam: [a, a], adamE: stuck).suffix(2).map(\.verdict) == [.notReproduced, .notReproduced])
        // AdamE-0.75 back at the tip: the angle falls after Adam's, so the order fails.
        let back = [good[0], good[1], [s, s]]
        #expect(study.analyze(sgd: [s, s], adam: [a, a], adamE: back)[4].verdict == .notReproduced)
    }
}

struct ClosedFormLabelNoiseTests {
    /// The closed-form label-noise loss and gradient equal autodiff's on the same perturbed batch
    /// (`LabelNoise.noisyBatch`, the same generator, so the same ξ).
    func checkAgainstAutodiff(_ predictor: some ClosedFormPredictor, model: any Model, data: Dataset, noise: LabelNoise, parameters: [Double]) {
        let batch = [2, 0, 2, 1]
        let generator = RandomGenerator(seed: 5, stream: "label-noise")
        var closed = LabelNoiseLeastSquares(predictor, data: data, noise: noise, generator: generator)
        let (loss, gradient) = closed.evaluate(at: parameters, batch: batch)
        var g = generator
        let supervised = SupervisedObjective(model: model, loss: .mse, inputs: data.x, targets: data.y)
        let reference = noise.noisyBatch(of: supervised, batch: batch, using: &g).valueAndGradient(at: parameters, batch: nil)
        #expect(abs(loss - reference.value) <= 1e-12 * max(1, abs(reference.value)))
        let error = zip(gradient, reference.gradient).map { abs($0 - $1) }.max()!
        #expect(error <= 1e-11 * max(1, reference.gradient.map(abs).max()!), "max |Δ∇| = \(error)")
    }

    @Test func diagonalNetworkMatchesAutodiff() throws {
        let data = try SparseRegression(samples: 5, dimension: 7, sparsity: 2, seed: 1).generate()
        var rng = RandomGenerator(seed: 2)
        for depth in [2, 3] {
            let network = DiagonalLinearNetwork(dimension: 7, depth: depth)
            checkAgainstAutodiff(network, model: network, data: data, noise: try LabelNoise(.rademacher, scale: 0.7), parameters: rng.gaussians(14))
        }
    }

    @Test func depthTwoSensingMatchesAutodiff() throws {
        let data = try MatrixSensing(samples: 5, rows: 3, columns: 4, rank: 2, seed: 1).generate()
        let network = DeepLinearNetwork(widths: [4, 2, 3], readout: .matrixSensing)
        var rng = RandomGenerator(seed: 3)
        checkAgainstAutodiff(DepthTwoSensing(network), model: network, data: data, noise: try LabelNoise(.gaussian, scale: 0.5),
                             parameters: rng.gaussians(network.parameterCount))
    }

    /// vec(W₂W₁) by hand: W₁ = [[1, 2], [0, 1]] (2×2), W₂ = [[1, −1], [3, 0], [0, 2]] (3×2) ⇒
    /// W₂W₁ = [[1, 1], [3, 6], [0, 2]] (the closed-form sensing test above checks f = ⟨A, W₂W₁⟩ against autodiff).
    @Test func deepLinearEffectiveWeightsAreTheProduct() {
        let network = DeepLinearNetwork(widths: [2, 2, 3], readout: .matrixSensing)
        let theta = [1.0, 2, 0, 1, 1, -1, 3, 0, 0, 2]
        #expect(network.effectiveWeights(theta) == [1, 1, 3, 6, 0, 2])
    }
}

struct HeldOutSplitTests {
    /// The test split keeps w* and draws new features: clean targets are exactly ⟨x, w*⟩, the first
    /// rows differ from the training rows, and with E xxᵀ = I the zero predictor's ½-MSE over 20 000 test
    /// samples is ½‖w*‖² = κ/2 = 2 to within 3 %.
    @Test func sparseRegressionTestSplitSharesTheTeacher() throws {
        let train = try DataSource(parsing: "sparse-regression:n=30,d=40,k=4,seed=9")
        let test = try DataSource(parsing: "sparse-regression:split=test,n=20000,d=40,k=4,seed=9")
        #expect(train.groundTruth == test.groundTruth)
        let w = try #require(test.groundTruth)
        #expect(w.filter { $0 != 0 }.count == 4)
        let (a, b) = (try train.load(), try test.load())
        #expect(Array(a.x.scalars.prefix(40)) != Array(b.x.scalars.prefix(40)))
        #expect(b.name == "sparse-regression:test")
        let y = Tensor.matvec(b.x, Tensor(w)).scalars
        #expect(zip(y, b.y.scalars).allSatisfy { $0 == $1 })
        let zeroLoss = b.y.scalars.reduce(0) { $0 + 0.5 * $1 * $1 } / 20000
        #expect(abs(zeroLoss - 2) < 0.06, "½-MSE of w = 0: \(zeroLoss)")
        // The test split does not depend on the training n, and the training split is what it was.
        #expect(try DataSource(parsing: "sparse-regression:n=10,d=40,k=4,seed=9").load().x.scalars == Array(a.x.scalars.prefix(400)))
    }

    @Test func teacherStudentTestSplitSharesTheTeacher() throws {
        let train = try TeacherStudent(samples: 50, inputDimension: 3, hidden: [4], outputs: 2, targets: .regression, seed: 4)
        var test = train
        test.split = .test
        #expect(train.teacher() == test.teacher())
        let (a, b) = (train.generate(), test.generate())
        #expect(a.x != b.x)
        #expect(b.y == train.teacher()(b.x))
    }

    /// M* has rank r (rank 1: every 2×2 minor vanishes) and the same for both splits; y = ⟨A, M*⟩; the
    /// zero predictor's test ½-MSE is ½‖M*‖²_F to within 3 % over 20 000 measurements.
    @Test func matrixSensingSourceIsLowRankAndHeldOut() throws {
        let spec = "matrix-sensing:n=20000,rows=4,cols=3,rank=1,seed=2"
        let source = try DataSource(parsing: spec + ",split=test")
        let m = try #require(source.groundTruth)
        #expect(try DataSource(parsing: spec).groundTruth == m)
        for (r1, r2) in [(0, 1), (1, 3), (0, 2)] {
            for (c1, c2) in [(0, 1), (1, 2)] {
                #expect(abs(m[r1 * 3 + c1] * m[r2 * 3 + c2] - m[r1 * 3 + c2] * m[r2 * 3 + c1]) < 1e-12)
            }
        }
        let data = try source.load()
        #expect(data.x.shape == [20000, 12] && data.y.shape == [20000, 1])
        #expect(zip(Tensor.matvec(data.x, Tensor(m)).scalars, data.y.scalars).allSatisfy { abs($0 - $1) < 1e-12 })
        let norm = m.reduce(0) { $0 + $1 * $1 }
        let zeroLoss = data.y.scalars.reduce(0) { $0 + 0.5 * $1 * $1 } / 20000
        #expect(abs(zeroLoss - norm / 2) < 0.03 * norm / 2, "½-MSE of M = 0: \(zeroLoss), ½‖M*‖² = \(norm / 2)")
        #expect(throws: DataError.self) { try DataSource(parsing: "matrix-sensing:rows=2,cols=3,rank=3") }
        #expect(try DataSource(parsing: "teacher-student:split=test").groundTruth == nil)
    }
}

struct RecoveryProbeTests {
    /// By hand: w = (1, 3, −1), w* = (1, 0, 2) ⇒ ‖w − w*‖² = 0 + 9 + 9 = 18, relative 18/5.
    @Test func valuesByHand() {
        let values = RecoveryProbe.values(effectiveWeights: [1, 3, -1], groundTruth: [1, 0, 2])
        #expect(values == ["recovery_error": 18, "recovery_error_relative": 18.0 / 5])
        // u = (1, 2, 0), v = (0, 1, 1): w = u² − v² = (1, 3, −1).
        #expect(DiagonalLinearNetwork(dimension: 3).effectiveWeights([1, 2, 0, 0, 1, 1]) == [1, 3, -1])
    }

    /// Through the runner: a dln starts at u = v = α·1, so w = 0 and ‖w − w*‖² = ‖w*‖² = κ = 3 (w* = 1 on
    /// its support) at step 0, relative error 1; a model without effective weights is refused.
    @Test func runnerRecordsTheDistanceFromTheTeacher() throws {
        let yaml = """
            name: recovery
            model: dln:10:alpha=0.5
            data: sparse-regression:n=8,d=10,k=3,seed=1
            loss: mse
            optimizer: {name: sgd, lr: 0.01}
            training: {steps: 4, batch_size: 2}
            probes:
              - {name: recovery, every: 2}
            """
        let config = try RunnerTests.config(yaml)
        let url = try RunnerTests.store()
        let outcome = try Runner.start(config, store: url, options: RunnerTests.options())
        let store = try RunStore(url: url)
        let rows = try store.metrics(runID: outcome.runID, name: "recovery_error")
        #expect(rows.map(\.step) == [0, 2, 4])
        #expect(rows.first?.value == 3)
        #expect(try store.metrics(runID: outcome.runID, name: "recovery_error_relative").first?.value == 1)
        #expect(rows.last!.value < 3)
        #expect(throws: ConfigError.self) {
            try Runner.start(try RunnerTests.config(yaml, ["model=mlp:10-1:tanh"]), store: url, options: RunnerTests.options())
        }
    }
}

struct DiagonalNetAndSensingStudyTests {
    typealias DLNEnd = DiagonalNetStudy.EndPoint

    static func end(_ loss: Double, trace: Double, adaptive: Double) -> DLNEnd {
        DLNEnd(testLoss: loss, sharpness: EndPointSharpness(trace: trace, adaptive: adaptive))
    }

    /// A run's end point read back from its series (the last step's values, NaN when absent) and the seed mean.
    @Test func recoveryEndPointReadsTheLastStepAndAverages() {
        var series = StudySeries()
        series.record(step: 0, ["trace_h": 9, "adaptive_sharpness": 9])
        series.record(step: 5, ["trace_h": 4, "adaptive_sharpness": 2, "test_loss": 0.5])
        let end = RecoveryEndPoint(last: series)
        #expect(end == Self.end(0.5, trace: 4, adaptive: 2))
        #expect(RecoveryEndPoint(last: StudySeries()).testLoss.isNaN)
        #expect(RecoveryEndPoint.mean([end, Self.end(1.5, trace: 8, adaptive: 1)]) == Self.end(1, trace: 6, adaptive: 1.5))
    }

    /// n* is the smallest grid n from which on the test loss stays ≤ 0.25.
    @Test func recoveryThresholdIsTheStartOfTheRecoveredTail() {
        let samples = [14, 18, 22, 26]
        let curve = [0.1, 2, 0.2, 0.01].map { Self.end($0, trace: 0, adaptive: 0) }
        #expect(DiagonalNetStudy.recoveryThreshold(curve, samples: samples) == 22)
        #expect(DiagonalNetStudy.recoveryThreshold([2, 2, 2, 0.3].map { Self.end($0, trace: 0, adaptive: 0) }, samples: samples) == nil)
    }

    @Test func dlnCriteriaDecideTheVerdicts() {
        let samples = [14, 18, 22]
        let sgd = [Self.end(2, trace: 10, adaptive: 9), Self.end(0.5, trace: 20, adaptive: 12), Self.end(0.1, trace: 20, adaptive: 10)]
        let adam = [Self.end(2, trace: 12, adaptive: 7), Self.end(0.01, trace: 20, adaptive: 10), Self.end(0.05, trace: 20, adaptive: 10)]
        // ends[method][seed][n], methods sgd, adam, adam (slow v), AdamE-0.25, AdamE-0.75; two identical seeds.
        let outcomes = DiagonalNetStudy().analyze([[sgd, sgd], [adam, adam], [adam, adam], [adam, adam], [adam, adam]], samples: samples)
        #expect(outcomes.map(\.verdict) == [.reproduced, .reproduced, .reproduced, .reproduced])
        #expect(outcomes.allSatisfy { $0.numbers.values.allSatisfy { !$0.isNaN } })
        // Adam no better than SGD in one of three seeds (the seed mean still recovers at n = 18): inconclusive.
        let mixed = DiagonalNetStudy().analyze([[sgd, sgd, sgd], [adam, adam, sgd], [adam, adam, adam], [adam, adam, adam], [adam, adam, adam]],
                                               samples: samples)
        // (That seed's Adam also ties SGD's sharpness at n = 14, so those two claims are inconclusive too.)
        #expect(mixed.map(\.verdict) == [.inconclusive, .inconclusive, .inconclusive, .reproduced])
        // In two of three: the seed mean at n = 18 is (0.01 + 0.5 + 0.5)/3 > 0.25, so not reproduced.
        let worse = DiagonalNetStudy().analyze([[sgd, sgd, sgd], [adam, adam, adam], [adam, adam, adam], [adam, sgd, sgd], [adam, adam, adam]],
                                               samples: samples)
        #expect(worse.map(\.verdict) == [.reproduced, .reproduced, .reproduced, .notReproduced])
    }

    @Test func sensingCriteriaDecideTheVerdicts() {
        typealias End = MatrixSensingStudy.EndPoint
        let sgd = End(testLoss: 0.1, sharpness: EndPointSharpness(trace: 10, adaptive: 8))
        let adam = End(testLoss: 0.3, sharpness: EndPointSharpness(trace: 12, adaptive: 7))
        #expect(MatrixSensingStudy().analyze(sgd: [sgd, sgd], adam: [adam, adam]).map(\.verdict) == [.reproduced, .reproduced])
        #expect(MatrixSensingStudy().analyze(sgd: [adam], adam: [sgd]).map(\.verdict) == [.notReproduced, .notReproduced])
    }

    @Test func quickRunsProduceFiniteClaims() throws {
        for study in [DiagonalNetStudy() as any Study, MatrixSensingStudy(), NoisyEllipseStudy()] {
            let result = try study.run(StudyOptions(quick: true))
            #expect(result.outcomes.map(\.claim.id) == study.claims.map(\.id))
            for outcome in result.outcomes {
                #expect(!outcome.numbers.isEmpty && outcome.numbers.values.allSatisfy { $0.isFinite || $0 == .infinity }, "\(outcome.claim.id): \(outcome.numbers)")
            }
        }
        #expect(Studies.named("002-dln") != nil && Studies.named("002-sensing") != nil)
    }
}
