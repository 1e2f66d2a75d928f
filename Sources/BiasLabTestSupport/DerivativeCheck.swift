import Autodiff
import Tensor

/// `checkDerivatives(of:at:)`: the one derivative checker every autodiff test calls.
///
/// For f: ℝ^{shape(x)} → ℝ^{shape(f(x))} it draws a seeded random direction u and cotangent w and checks
/// - first order, reverse mode, through ⟨w, J u⟩ = ⟨Jᵀw, u⟩: ⟨w, J u⟩ by central differences of f,
///   ⟨Jᵀw, u⟩ from the engine's vjp;
/// - first order, forward mode: the engine's jvp J u against central differences of f (vector);
/// - second order: for the scalar g(x) = ⟨w, f(x)⟩, ⟨z, H_g u⟩ from the engine's Hessian–vector product
///   against the mixed second difference [g(x+hu+hz) − g(x+hu−hz) − g(x−hu+hz) + g(x−hu−hz)] / 4h²,
///   which uses only values of f, Richardson-extrapolated over h and h/2 (error O(h⁴) + O(ε_mach·|g|/h²);
///   h = 1e-3 gives ≈ 1e-9 of the scale max(|⟨z, H u⟩|, |g(x)|, 1)).
///
/// First-order errors are relative to the reference's magnitude (floor 1e-8); the second-order error is
/// relative to the scale above, so a second derivative that is exactly zero is judged against the
/// rounding noise of the differences rather than against zero.
public struct DerivativeCheckResult: Sendable, CustomStringConvertible {
    public let reverseError: Double
    public let forwardError: Double
    public let secondOrderError: Double
    public var description: String {
        "reverse \(reverseError), forward \(forwardError), second order \(secondOrderError)"
    }
}

public func checkDerivatives(of f: (Variable) -> Variable, at x: Tensor, seed: UInt64 = 0x5EED,
                             step h: Double = 1e-5, secondOrderStep h2: Double = 1e-3) -> DerivativeCheckResult {
    var rng = RandomGenerator(seed: seed, stream: "derivative-check")
    let u = Tensor(shape: x.shape, scalars: rng.gaussians(x.count))
    let z = Tensor(shape: x.shape, scalars: rng.gaussians(x.count))
    let y = GradientMode.withoutRecording { f(Variable(x)).value }
    let w = Tensor(shape: y.shape, scalars: rng.gaussians(y.count))
    func evaluate(_ p: [Double]) -> [Double] {
        GradientMode.withoutRecording { f(Variable(Tensor(shape: x.shape, scalars: p))).value.scalars }
    }
    func g(_ p: [Double]) -> Double { zip(evaluate(p), w.scalars).reduce(0) { $0 + $1.0 * $1.1 } }

    // Reverse mode: ⟨w, J u⟩ (differences) vs ⟨Jᵀw, u⟩ (engine).
    let ju = FiniteDifferences.directionalDerivative(of: evaluate, at: x.scalars, along: u.scalars, step: h)
    let wJu = zip(w.scalars, ju).reduce(0) { $0 + $1.0 * $1.1 }
    let jtw = Autodiff.vjp(of: f, at: x, cotangent: w).vjp
    let jtwU = zip(jtw.scalars, u.scalars).reduce(0) { $0 + $1.0 * $1.1 }
    let reverseError = abs(wJu - jtwU) / max(abs(wJu), 1e-8)

    // Forward mode: J u (engine) vs differences.
    let jvp = Autodiff.jvp(of: f, at: x, tangent: u).jvp
    let forwardError = Closeness.relativeError(jvp.scalars, ju, floor: 1e-8)

    // Second order: ⟨z, H_g u⟩ (engine HVP) vs the mixed second difference of g.
    let hu = Autodiff.hessianVectorProduct(of: { f($0).dot(Variable(w)) }, at: x, along: u)
    let zHu = zip(z.scalars, hu.scalars).reduce(0) { $0 + $1.0 * $1.1 }
    func shifted(_ a: Double, _ b: Double) -> [Double] {
        x.scalars.indices.map { x.scalars[$0] + a * u.scalars[$0] + b * z.scalars[$0] }
    }
    func mixedDifference(_ s: Double) -> Double {
        (g(shifted(s, s)) - g(shifted(s, -s)) - g(shifted(-s, s)) + g(shifted(-s, -s))) / (4 * s * s)
    }
    // Richardson extrapolation of the O(h²) error: (4·D(h/2) − D(h))/3 has error O(h⁴).
    let mixed = (4 * mixedDifference(h2 / 2) - mixedDifference(h2)) / 3
    let scale = max(abs(mixed), abs(g(x.scalars)), 1)
    let secondOrderError = abs(zHu - mixed) / scale
    return DerivativeCheckResult(reverseError: reverseError, forwardError: forwardError, secondOrderError: secondOrderError)
}

