import Foundation
import Testing
import Tensor
@testable import DataIO

/// Oracles: the values each documented spec must produce, and the exact one-line errors.
@Suite struct DataSourceTests {
    @Test("specs parse to the documented sources and defaults (oracle: the doc comment's table)")
    func parses() throws {
        #expect(try DataSource(parsing: "fashion-mnist") == .fashionMNIST(split: .train, options: .init()))
        #expect(try DataSource(parsing: "fashion-mnist:test") == .fashionMNIST(split: .test, options: .init()))
        #expect(try DataSource(parsing: "fashion-mnist:train,per-class=100,seed=3,classes=0+6,layout=image,center=training-mean")
                == .fashionMNIST(split: .train, options: .init(selection: .perClass(100, seed: 3), classes: [0, 6],
                                                               layout: .image, centering: .trainingMean)))
        #expect(try DataSource(parsing: "fashion-mnist:split=test,n=50") == .fashionMNIST(split: .test, options: .init(selection: .first(50))))
        #expect(try DataSource(parsing: "sparse-regression:n=100,d=50,k=5,features=gaussian,seed=1")
                == .sparseRegression(try SparseRegression(samples: 100, dimension: 50, sparsity: 5, features: .gaussian, seed: 1)))
        #expect(try DataSource(parsing: "sparse-regression:noise=0.5")
                == .sparseRegression(try SparseRegression(samples: 100, dimension: 100, sparsity: 5, noise: .rademacher(0.5))))
        #expect(try DataSource(parsing: "teacher-student:hidden=16+8,targets=regression,noise=0.1")
                == .teacherStudent(try TeacherStudent(hidden: [16, 8], targets: .regression, noise: 0.1)))
        #expect(try DataSource(parsing: "gaussian-mixture:classes=4,sigma=0.5")
                == .gaussianMixture(try GaussianMixture(samples: 512, dimension: 20, classes: 4, sigma: 0.5)))
        #expect(try DataSource(parsing: "chebyshev:degree=5") == .chebyshev(try Chebyshev(degree: 5)))
        #expect(try DataSource(parsing: "runs/Data.NPZ") == .npz(URL(fileURLWithPath: "runs/Data.NPZ")))
    }

    @Test("unknown names, unknown keys and bad values name the culprit and list the valid choices")
    func errors() {
        func message(_ spec: String) -> String? {
            do { _ = try DataSource(parsing: spec); return nil } catch { return error.description }
        }
        #expect(message("mnist") == "mnist: unknown data source 'mnist' (expected one of fashion-mnist, sparse-regression, teacher-student, matrix-sensing, gaussian-mixture, chebyshev, text, or a path ending in .npz)")
        #expect(message("chebyshev:k=3") == "chebyshev:k=3: unknown key 'k' for chebyshev (valid keys: degree, n)")
        #expect(message("sparse-regression:features=binary") == "sparse-regression:features=binary: key 'features' expects one of gaussian, rademacher, got 'binary'")
        #expect(message("sparse-regression:n=-3") == "sparse-regression:n=-3: key 'n' expects a non-negative integer, got '-3'")
        #expect(message("chebyshev:n=3,n=4") == "chebyshev:n=3,n=4: key 'n' is given twice")
        #expect(message("fashion-mnist:n=5,per-class=2") == "fashion-mnist:n=5,per-class=2: keys 'n' and 'per-class' exclude each other; give one")
        #expect(message("fashion-mnist:test,validation") != nil)
        // A generator's own range check is reported against the spec.
        #expect(message("sparse-regression:k=500") == "sparse-regression:k=500: k must be in 0...d = 0...100, got 500")
        #expect(message("fashion-mnist:validation")?.contains("key 'split' expects one of test, train") == true)
    }

    @Test("a spec loads the same data as the generator it names (oracle: the generator called directly)")
    func loads() throws {
        #expect(try DataSource(parsing: "chebyshev:degree=4,n=7").load() == (try Chebyshev(degree: 4, points: 7).generate()))
        let directory = TemporaryDirectory()
        let url = directory.file("toy.npz")
        let dataset = Dataset(name: "toy", x: Tensor.ones([2, 2]), labels: [1, 0], classes: 2)
        try dataset.write(npz: url)
        #expect(try DataSource(parsing: url.path).load() == dataset)
    }

    @Test("a synthetic split names its dataset and streams: the source's for train, with test for the held-out split")
    func splitNames() throws {
        #expect(SyntheticSplit.train.datasetName("matrix-sensing") == "matrix-sensing" && SyntheticSplit.test.datasetName("x") == "x:test")
        #expect(SyntheticSplit.train.stream("noise") == "noise" && SyntheticSplit.test.stream("noise") == "test/noise")
        for (spec, name) in [("matrix-sensing:n=3", "matrix-sensing"), ("sparse-regression:split=test,n=4,d=6,k=2", "sparse-regression:test"),
                             ("teacher-student:split=test,n=2,d=3,hidden=4,out=2", "teacher-student:test")] {
            #expect(try DataSource(parsing: spec).load().name == name)
        }
    }
}
