import Tensor

/// Label noise (paper 002 §5.1 and App. B; digest 002 §3.5): every step, each target entry of each
/// sampled example gets a fresh independent ξ added before the forward pass,
/// ```
/// ỹ = y + ξ,   ξ = ±δ with probability ½ each (``Distribution/rademacher``)
///              ξ ~ N(0, δ²)                   (``Distribution/gaussian``)
/// ```
/// Both have E ξ = 0 and E ξ² = δ². Draw ξ from a generator stream of its own (e.g.
/// `RandomGenerator(seed:stream:).stream("label-noise")`) so that it never shifts the sampler's numbers.
///
/// Covariance (Blanc et al. 2020; digest 002 §3.5, derived there): with ℓ = s‖f − ỹ‖² (``Loss/squaredError(scale:)``)
/// and a batch of B examples drawn uniformly with replacement, at θ on the interpolation manifold
/// Γ = {f(x_i) = y_i ∀i} the stochastic gradient has mean 0 and covariance Σ = αH with
/// ```
/// α = 2 s δ² / B        (½-loss: δ²/B;  ¼-loss: δ²/(2B);  no ½, as App. B's MF loss: 2δ²/B)
/// ```
/// because ∇ℓ = −2s Σ_k ξ_k ∇f_k there and H = (2s/n) Σ_i Σ_k ∇f_ik ∇f_ikᵀ (see ``covarianceFactor(loss:batchSize:)``).
public struct LabelNoise: Codable, Sendable, Equatable {
    public enum Distribution: String, Codable, Sendable, CaseIterable {
        /// ξ = ±δ, each with probability ½ (paper 002 §5.1).
        case rademacher
        /// ξ ~ N(0, δ²) (paper 002 App. B).
        case gaussian
    }

    public let distribution: Distribution
    /// δ ≥ 0: the amplitude (Rademacher) or standard deviation (Gaussian).
    public let scale: Double

    public init(_ distribution: Distribution, scale: Double) throws(SpecError) {
        guard scale >= 0, scale.isFinite else {
            throw SpecError("label noise: scale must be a finite number ≥ 0, got \(scale)")
        }
        self.distribution = distribution
        self.scale = scale
    }

    /// Parses "rademacher:<δ>" or "gaussian:<δ>".
    public static func parse(_ text: String) throws(SpecError) -> LabelNoise {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2, let kind = Distribution(rawValue: parts[0].lowercased()), let scale = Double(parts[1]) else {
            throw SpecError("label noise '\(text)': expected rademacher:<δ> or gaussian:<δ> with δ ≥ 0")
        }
        return try LabelNoise(kind, scale: scale)
    }

    /// "rademacher:<δ>" or "gaussian:<δ>".
    public var description: String { "\(distribution.rawValue):\(ModelSpec.format(scale))" }

    /// y + ξ with a fresh independent ξ for every entry of y, drawn from `generator` in row-major order.
    public func perturbedTargets(_ y: Tensor, using generator: inout RandomGenerator) -> Tensor {
        var out = y
        for i in out.scalars.indices {
            switch distribution {
            case .rademacher: out.scalars[i] += scale * generator.rademacher()
            case .gaussian: out.scalars[i] += scale * generator.gaussian()
            }
        }
        return out
    }

    /// One step's objective: the rows `batch` of `objective` with freshly perturbed targets, as an
    /// objective over those |B| samples (evaluate it with `batch: nil`; sample j is batch[j], repeats
    /// allowed and perturbed independently). Only squared-error objectives take label noise.
    public func noisyBatch(of objective: SupervisedObjective, batch: [Int],
                           using generator: inout RandomGenerator) -> SupervisedObjective {
        guard case .squaredError = objective.loss else {
            preconditionFailure("label noise: the objective's loss is \(objective.loss.name); label noise needs a squared-error loss")
        }
        let s = objective.slice(batch)
        return SupervisedObjective(model: objective.model, loss: objective.loss, inputs: s.x,
                                   targets: perturbedTargets(s.y, using: &generator), labels: s.labels)
    }

    /// α with Σ = αH on Γ (see the type's documentation): 2·s·δ²/B for ℓ = s‖f − ỹ‖². Nil for losses
    /// other than squared error, where the relation does not hold.
    public func covarianceFactor(loss: Loss, batchSize: Int) -> Double? {
        precondition(batchSize > 0, "covarianceFactor: batchSize must be positive, got \(batchSize)")
        guard case .squaredError(let s) = loss else { return nil }
        return 2 * s * scale * scale / Double(batchSize)
    }
}
