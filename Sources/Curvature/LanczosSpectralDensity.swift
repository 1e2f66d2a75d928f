import Foundation
import Tensor

/// An estimate of the spectral density μ(x) = (1/d) Σᵢ δ(x − λᵢ) of a symmetric A, as the Gauss
/// quadrature rules of stochastic Lanczos quadrature: for each probe, nodes θⱼ (the Ritz values of
/// the Lanczos tridiagonal Tₘ started from that probe) and weights τⱼ = (e₁ᵀ sⱼ)² (squared first
/// components of Tₘ's eigenvectors, PyHessian's corrected weights), which sum to 1 for each probe.
///
/// For any polynomial f of degree ≤ 2m − 1, Σⱼ τⱼ f(θⱼ) = vᵀ f(A) v/‖v‖² exactly (Gauss quadrature
/// with the Lanczos tridiagonal); averaging over probes v with E[v vᵀ] ∝ I gives tr f(A)/d without
/// bias. ``moment(_:)`` returns these averages for f(x) = xᵏ with their standard errors.
public struct SpectralDensity: Sendable, Codable, Equatable {
    /// For each probe, its quadrature nodes θⱼ (ascending).
    public let probeNodes: [[Double]]
    /// For each probe, its quadrature weights τⱼ (each probe's weights sum to 1).
    public let probeWeights: [[Double]]
    /// d.
    public let dimension: Int
    /// m, the Lanczos steps per probe (a probe whose Krylov space becomes invariant earlier has
    /// fewer nodes, and its quadrature is then exact for every f).
    public let lanczosSteps: Int
    /// The probes' seed.
    public let seed: UInt64

    /// All nodes, probe after probe.
    public var nodes: [Double] { probeNodes.flatMap { $0 } }
    /// All weights divided by the number of probes, in the order of ``nodes``: the averaged discrete
    /// measure, whose weights sum to 1.
    public var weights: [Double] {
        let scale = 1 / Double(probeWeights.count)
        return probeWeights.flatMap { $0.map { $0 * scale } }
    }

    /// The k-th spectral moment ∫ xᵏ dμ = tr(Aᵏ)/d, estimated by Σⱼ τⱼ θⱼᵏ averaged over probes (exact
    /// quadrature per probe when k ≤ 2m − 1), with the standard error across probes (NaN for one
    /// probe); `sampleCount` is the number of probes.
    public func moment(_ k: Int) -> Estimate {
        precondition(k >= 0, "SpectralDensity.moment: k must be ≥ 0, got \(k)")
        let perProbe = zip(probeNodes, probeWeights).map { nodes, weights in
            zip(nodes, weights).reduce(0) { $0 + $1.1 * pow($1.0, Double(k)) }
        }
        return Estimate(samples: perProbe, seed: seed)
    }

    /// The density smoothed by Gaussian bumps of one width, on an evenly spaced grid, following
    /// Papyan 2020 ("Traces of class/cross-class structure pervade deep learning spectra", JMLR 21,
    /// Algorithm 2 and the defaults of its Section D.2, as curvlinops implements them):
    /// ```
    /// [a, b] = [min θ − margin·w, max θ + margin·w],  w = max θ − min θ
    /// σ = (b − a)/2 · 2/((m − 1)·√(8 ln κ))       (the width κ sets in [−1, 1] coordinates)
    /// p(x) = Σⱼ (weightⱼ) · N(x; θⱼ, σ²)
    /// ```
    /// With the node extremes as boundaries the grid covers the spectrum (the extreme Ritz values
    /// converge first).
    ///
    /// - Parameters:
    ///   - pointCount: grid points (default 1024, curvlinops').
    ///   - kappa: κ > 1 (default 3, Papyan §D.2); larger κ means narrower bumps.
    ///   - margin: relative padding of the grid (default 0.05, Papyan §D.2).
    public func smoothed(pointCount: Int = 1024, kappa: Double = 3, margin: Double = 0.05) -> SmoothedSpectralDensity {
        precondition(pointCount >= 2, "SpectralDensity.smoothed: pointCount must be at least 2, got \(pointCount)")
        precondition(kappa > 1, "SpectralDensity.smoothed: kappa must exceed 1, got \(kappa)")
        precondition(margin >= 0, "SpectralDensity.smoothed: margin must be ≥ 0, got \(margin)")
        let all = nodes
        let low = all.min() ?? 0, high = all.max() ?? 0
        let spread = max(high - low, 1e-12 * max(abs(low), abs(high), 1))
        let (a, b) = (low - margin * spread, high + margin * spread)
        let nodeCount = max(probeNodes.map(\.count).max() ?? 2, 2)
        let width = (b - a) / 2 * 2 / (Double(nodeCount - 1) * (8 * log(kappa)).squareRoot())
        let grid = (0..<pointCount).map { a + (b - a) * Double($0) / Double(pointCount - 1) }
        return SmoothedSpectralDensity(grid: grid, density: density(on: grid, width: width), width: width)
    }

    /// Σⱼ weightⱼ N(x; θⱼ, σ²) at each x of `grid`, for a chosen width σ > 0.
    public func density(on grid: [Double], width σ: Double) -> [Double] {
        precondition(σ > 0, "SpectralDensity.density: width must be positive, got \(σ)")
        let (allNodes, allWeights) = (nodes, weights)
        let normalization = 1 / (σ * (2 * Double.pi).squareRoot())
        return grid.map { x in
            var sum = 0.0
            for (θ, τ) in zip(allNodes, allWeights) {
                let z = (x - θ) / σ
                sum += τ * exp(-0.5 * z * z)
            }
            return sum * normalization
        }
    }
}

/// A spectral density on a grid.
public struct SmoothedSpectralDensity: Sendable, Codable, Equatable {
    /// Evenly spaced points x.
    public let grid: [Double]
    /// p(x) at each grid point (integrates to about 1 over the grid).
    public let density: [Double]
    /// The Gaussian width σ used.
    public let width: Double
}

/// The spectral density of a symmetric operator by stochastic Lanczos quadrature (Lin, Saad & Yang
/// 2016, "Approximating spectral densities of large matrices", SIAM Review, §3.2; Ubaru, Chen & Saad
/// 2017, "Fast estimation of tr(f(A)) via stochastic Lanczos quadrature", Algorithm 1; the form
/// PyHessian's `density()` and Papyan 2020's Algorithm 2 use for Hessians).
///
/// For each of n probes v (normalized to unit length): m Lanczos steps from v with full
/// reorthogonalization (PyHessian reorthogonalizes fully too; Papyan's `fast_lanczos` does not),
/// the eigendecomposition Tₘ = S Θ Sᵀ, nodes θⱼ and weights (S₁ⱼ)². Cost: n·m operator applications.
///
/// - Parameters:
///   - lanczosSteps: m (default 100, PyHessian's `iter`), clamped to d.
///   - probeCount: n (default 1, PyHessian's `n_v` and Papyan §D.2's number of repeats); use more for
///     moments with standard errors.
///   - distribution: of the probe entries before normalization (default Rademacher, PyHessian's).
///   - seed: probes come from stream "curvature/spectral-density" of this seed.
/// - Throws: ``LAPACKError`` when the tridiagonal eigensolver fails.
public func lanczosSpectralDensity(of matrix: some LinearOperator,
                                   lanczosSteps: Int = 100,
                                   probeCount: Int = 1,
                                   distribution: ProbeDistribution = .rademacher,
                                   seed: UInt64 = 0) throws -> SpectralDensity {
    precondition(lanczosSteps >= 1, "lanczosSpectralDensity: lanczosSteps must be at least 1, got \(lanczosSteps)")
    precondition(probeCount >= 1, "lanczosSpectralDensity: probeCount must be at least 1, got \(probeCount)")
    let d = matrix.dimension
    let steps = min(lanczosSteps, d)
    var generator = estimatorGenerator(seed: seed, name: "spectral-density")
    var allNodes = [[Double]](), allWeights = [[Double]]()
    for _ in 0..<probeCount {
        let probe = distribution.draw(d, using: &generator)
        var process = LanczosProcess(matrix, start: VectorOps.scaled(probe, by: 1 / VectorOps.norm(probe)))
        while process.steps < steps && process.canContinue { process.step() }
        let decomposition = try process.tridiagonalEigen()
        let m = process.steps
        allNodes.append(decomposition.eigenvalues)
        allWeights.append((0..<m).map { j in
            let first = decomposition.eigenvectors.scalars[j]
            return first * first
        })
    }
    return SpectralDensity(probeNodes: allNodes, probeWeights: allWeights, dimension: d,
                           lanczosSteps: steps, seed: seed)
}
