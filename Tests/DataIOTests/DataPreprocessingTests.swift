import DataIO
import Testing

/// DataSource.preprocessing states the options in effect, defaults included. Oracle: the documented
/// steps of each source written out.
@Suite struct DataPreprocessingTests {
    @Test func fashionMNISTDefaultsAndOptions() throws {
        let plain = try DataSource(parsing: "fashion-mnist").preprocessing
        #expect([plain.subset, plain.scaling, plain.centering, plain.targets]
                    == ["every image of the train split", "x = byte/255 ∈ [0, 1], flat [N, 784]", "none (x ∈ [0, 1])",
                        "y = one-hot(label) ∈ ℝ^10"])
        let first = try DataSource(parsing: "fashion-mnist:train,n=1000,layout=image").preprocessing
        #expect(first.subset == "the first 1000 images of the train split in file order")
        #expect(first.scaling == "x = byte/255 ∈ [0, 1], image [N, 1, 28, 28]")
    }

    @Test func syntheticSourcesStateTheirGenerator() throws {
        let mixture = try DataSource(parsing: "gaussian-mixture:n=24,d=4,classes=3,sigma=0.5,separation=2,seed=1").preprocessing
        #expect(mixture.subset == "all n = 24 generated samples, classes balanced (⌊n/k⌋ or ⌈n/k⌉ each), shuffled")
        #expect(mixture.scaling == "x = μ_label + σε, σ = 0.5, μ_c = r·g_c/√d with r = 2.0, d = 4; not rescaled")
        #expect(mixture.centering == "none" && mixture.targets == "y = one-hot(label) ∈ ℝ^3")
        let sparse = try DataSource(parsing: "sparse-regression:n=10,d=8,k=2,noise=0.1,noise-kind=gaussian").preprocessing
        #expect(sparse.targets == "y = ⟨w*, x⟩ + ξ, w* 2-sparse (ones on its support), ξ ~ N(0, σ²), σ = 0.1, fixed per sample")
        #expect(sparse.scaling == "x ~ i.i.d. Unif{±1}^d, d = 8, not rescaled")
        let teacher = try DataSource(parsing: "teacher-student:n=8,d=3,hidden=5,out=2,targets=regression").preprocessing
        #expect(teacher.targets == "y = teacher(x) + σε, σ = 0.0, teacher a tanh MLP 3-5-2")
        let file = try DataSource(parsing: "data.npz").preprocessing
        #expect(file.subset == "all samples of the file, in file order" && file.centering == "none")
    }
}
