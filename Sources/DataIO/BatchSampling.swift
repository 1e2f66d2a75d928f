/// How the indices of each mini-batch of b are drawn from 0..<N: BiasLab's one sampling vocabulary.
///
/// The same enum drives ``BatchSampler`` (training runs, `biaslab train`), the curvature estimators
/// (γ_{N,b}, ρ_b, IAS, batch sharpness) and the theory commands, and is spelled by its raw value
/// everywhere: `--sampling with-replacement` on the command line, `training.sampling: fixed-order` in
/// a run config, `"sampling": "without-replacement"` in JSON.
///
/// Per-step law of one batch B (digest 003 §2.2, paper 003 eq. (1)), which the batch-moment formulas
/// see through γ_{N,b} (Cov(g_B) = (γ_{N,b}/b) Σ):
///
/// | raw value             | one batch                                 | γ_{N,b}            |
/// |-----------------------|-------------------------------------------|--------------------|
/// | `with-replacement`    | b i.i.d. uniform indices                  | 1                  |
/// | `without-replacement` | a slice of this epoch's permutation       | (N − b)/(N − 1)    |
/// | `uniform-subset`      | a fresh uniform b-subset                  | (N − b)/(N − 1)    |
/// | `fixed-order`         | the next slice of 0..<N, cyclically       | none (not random)  |
///
/// Shuffled epochs (`without-replacement`) have the uniform b-subset as their per-step marginal when
/// b divides N; consecutive batches are then dependent, which per-step moments do not see.
public enum BatchSampling: String, CaseIterable, Codable, Sendable {
    /// Shuffled epochs: each epoch walks a fresh uniform random permutation of 0..<N in consecutive
    /// slices of b, so every index appears exactly once per epoch (PyTorch's `DataLoader(shuffle=True)`,
    /// the usual practice behind the papers' SGD runs; digest 003 §2.2 notes it has the same per-step
    /// marginal as a uniform b-subset when b | N). The default everywhere.
    case withoutReplacement = "without-replacement"
    /// Each step draws b i.i.d. uniform indices; duplicates are allowed (digest 003 §2.2, γ = 1;
    /// digest 002 §3.5's label-noise setting).
    case withReplacement = "with-replacement"
    /// Each step draws an independent uniform b-subset of 0..<N (Floyd's algorithm): digest 003 §2.2's
    /// sampling model behind γ_{N,b} = (N − b)/(N − 1).
    case uniformSubset = "uniform-subset"
    /// Deterministic: 0..<N in order, in consecutive slices of b, cyclically. Its batches have no
    /// random law, so estimators of batch moments reject it.
    case fixedOrder = "fixed-order"

    /// The raw values, comma-separated, for help texts and error messages.
    public static var spellings: String { allCases.map(\.rawValue).joined(separator: ", ") }

    /// How one batch is drawn, in a few words (the table above), for `--help` and docs/CONFIG.md.
    public var batchLaw: String {
        switch self {
        case .withoutReplacement: "shuffled epochs: consecutive slices of a fresh permutation each epoch"
        case .withReplacement: "b i.i.d. uniform indices each step"
        case .uniformSubset: "a fresh uniform b-subset each step"
        case .fixedOrder: "0..<N in consecutive slices, cyclically (not random)"
        }
    }
}
