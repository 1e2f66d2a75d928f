import Testing
import Tensor
@testable import Curvature

@Suite("Stochastic Lanczos quadrature")
struct SpectralDensityTests {
    static let spectrum: [Double] = {
        var generator = RandomGenerator(seed: 31)
        return [40, 25, 12] + (0..<147).map { _ in generator.uniform(in: -1, 3) }
    }()
    static let matrix = TestMatrices.withSpectrum(spectrum, seed: 32).matrix

    // Oracle: Gauss quadrature weights are squared entries of a row of an orthogonal matrix, so each
    // probe's weights sum to 1; the moments are tr(A)/d and tr(A²)/d = Σλᵢ/d and Σλᵢ²/d, within
    // z = 4 standard errors across 30 probes (each probe's quadrature is exact for k ≤ 2m − 1).
    @Test(arguments: ProbeDistribution.allCases)
    func weightsSumToOneAndMomentsMatch(_ distribution: ProbeDistribution) throws {
        let density = try lanczosSpectralDensity(of: DenseOperator(Self.matrix), lanczosSteps: 30, probeCount: 30,
                                                 distribution: distribution, seed: 3)
        #expect(density.probeNodes.count == 30 && density.lanczosSteps == 30)
        for weights in density.probeWeights { expectClose(weights.reduce(0, +), 1, relative: 1e-12, "Σ τ for one probe") }
        expectClose(density.weights.reduce(0, +), 1, relative: 1e-12, "Σ weights")
        let d = Double(Self.spectrum.count)
        expectClose(density.moment(0).value, 1, relative: 1e-12, "zeroth moment")
        expectWithinStandardErrors(density.moment(1), Self.spectrum.reduce(0, +) / d, z: 4, "tr(A)/d")
        expectWithinStandardErrors(density.moment(2), Self.spectrum.reduce(0) { $0 + $1 * $1 } / d, z: 4, "tr(A²)/d")
    }

    // Oracle: the prescribed spectrum. With m = d steps the Lanczos tridiagonal is similar to A, so
    // the nodes of a single probe are the eigenvalues.
    @Test func fullLengthLanczosRecoversTheSpectrum() throws {
        let spectrum = (0..<40).map { Double($0) * 0.5 - 4 }
        let (a, _) = TestMatrices.withSpectrum(spectrum, seed: 33)
        let density = try lanczosSpectralDensity(of: DenseOperator(a), lanczosSteps: 40, seed: 4)
        #expect(density.probeNodes[0].count == 40)
        for (node, λ) in zip(density.probeNodes[0], spectrum) { expectClose(node, λ, relative: 1e-8, floor: 1, "node") }
    }

    // Oracle: a probability density integrates to 1 (trapezoid rule on the grid; the grid spacing is
    // ≈ σ/10 and the margin ≈ 6σ, so quadrature and truncation errors are far below 10⁻³).
    @Test func smoothedDensityIntegratesToOne() throws {
        let density = try lanczosSpectralDensity(of: DenseOperator(Self.matrix), lanczosSteps: 40, probeCount: 3, seed: 5)
        let smoothed = density.smoothed()
        #expect(smoothed.grid.count == 1024 && smoothed.density.count == 1024)
        let h = smoothed.grid[1] - smoothed.grid[0]
        let integral = h * (smoothed.density.reduce(0, +) - 0.5 * (smoothed.density.first! + smoothed.density.last!))
        expectClose(integral, 1, relative: 1e-3, "∫ p")
        #expect(smoothed.grid.first! < 40 && smoothed.grid.last! > 40, "grid covers λ₁ = 40")
    }
}
