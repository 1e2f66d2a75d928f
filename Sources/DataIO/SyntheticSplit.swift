/// Which draw of a synthetic source a spec means (key `split`): the training set, or a held-out test set
/// labelled by the same teacher.
///
/// Convention (every synthetic source with a teacher: `sparse-regression`, `teacher-student`,
/// `matrix-sensing`): the teacher (w*, the teacher network, M*) is drawn from the seed alone, so both
/// splits share it; the test split draws its inputs and its noise from streams of its own, named
/// `test/<stream>` (`test/features`, `test/noise`, …), so its samples are independent of the training
/// samples and the same whatever the training n. Its noise is the spec's own `noise` key: a test spec
/// without `noise` has clean targets. Example: train on `sparse-regression:n=20,d=100,k=5,seed=3` and test
/// on `sparse-regression:split=test,n=1000,d=100,k=5,seed=3`.
public enum SyntheticSplit: String, CaseIterable, Codable, Sendable {
    case train, test

    /// The name of the generator stream this split draws `name` from (`name` or `test/name`).
    public func stream(_ name: String) -> String { self == .train ? name : "test/\(name)" }

    /// The name of the dataset this split of `source` gives (`source` or `source:test`).
    public func datasetName(_ source: String) -> String { self == .train ? source : "\(source):test" }
}
