import Autodiff
import Tensor

/// `checkDerivatives(of:at:)`: the one derivative checker every autodiff test calls.
///
/// For f: ℝ^{shape(x)} → ℝ^{shape(f(x))} it draws a seeded random direction u and cotangent w and checks
/// - first order, reverse mode, through ⟨w, J u⟩ = ⟨Jᵀw, u⟩: ⟨w, J u⟩ by central differences of f,
///   ⟨Jᵀw, u⟩ from the engine's vjp;
/// - first order, forward mode: J u from the primitives' tangent rules, and from the transpose-trick
///   jvp, against central differences of f (vector);
/// - second order: for the scalar g(x) = ⟨w, f(x)⟩, ⟨z, H_g u⟩ from both Hessian–vector product routes
///   (forward over reverse, reverse over reverse, and the linearized gradient's tangent sweep) against the mixed second difference [g(x+hu+hz) − g(x+hu−hz) − g(x−hu+hz) + g(x−hu−hz)] / 4h²,
///   which uses only values of f, Richardson-extrapolated over h and h/2 (error O(h⁴) + O(ε_mach·|g|/h²);
///   h = 1e-3 gives ≈ 1e-9 of the scale max(|⟨z, H u⟩|, |g(x)|, 1)).
///
/// First-order errors are relative to the reference's magnitude (floor 1e-8); the second-order error is
/// relative to the scale above, so a second derivative that is exactly zero is judged against the
/// rounding noise of the differences rather than against zero.
public struct DerivativeCheckResult: Sendable, CustomStringConvertible {
    public let reverseError: Double
    /// The larger error of the two forward-mode routes (tangent rules, and the transpose-trick jvp).
    public let forwardError: Double
    /// The largest error of the three second-order routes (forward over reverse, reverse over reverse,
    /// linearized gradient).
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
    func value(_ p: [Double]) -> Double { zip(evaluate(p), w.scalars).reduce(0) { $0 + $1.0 * $1.1 } }

    // Reverse mode: ⟨w, J u⟩ (differences) vs ⟨Jᵀw, u⟩ (engine).
    let ju = FiniteDifferences.directionalDerivative(of: evaluate, at: x.scalars, along: u.scalars, step: h)
    let wJu = zip(w.scalars, ju).reduce(0) { $0 + $1.0 * $1.1 }
    let jtw = Autodiff.vjp(of: f, at: x, cotangent: w).vjp
    let jtwU = zip(jtw.scalars, u.scalars).reduce(0) { $0 + $1.0 * $1.1 }
    let reverseError = abs(wJu - jtwU) / max(abs(wJu), 1e-8)

    // Forward mode: J u by the primitives' tangent rules and by the transpose trick vs differences.
    let tangent = GradientMode.withoutRecording { f(Variable(x, tangent: u)).tangent } ?? Tensor.zeros(y.shape)
    let jvp = Autodiff.jvp(of: f, at: x, tangent: u).jvp
    let forwardError = max(Closeness.relativeError(tangent.scalars, ju, floor: 1e-8),
                           Closeness.relativeError(jvp.scalars, ju, floor: 1e-8))

    // Second order: ⟨z, H_g u⟩ (engine HVP) vs the mixed second difference of g.
    let g: (Variable) -> Variable = { f($0).dot(Variable(w)) }
    let forwardOverReverse = Autodiff.hessianVectorProduct(of: g, at: x, along: u)
    let reverseOverReverse = Autodiff.hessianVectorProducts(of: g, at: x, along: [u])[0]
    let linearized = Autodiff.linearizedGradient(of: g, at: x).hessian.apply(u)
    func shifted(_ a: Double, _ b: Double) -> [Double] {
        x.scalars.indices.map { x.scalars[$0] + a * u.scalars[$0] + b * z.scalars[$0] }
    }
    func mixedDifference(_ s: Double) -> Double {
        (value(shifted(s, s)) - value(shifted(s, -s)) - value(shifted(-s, s)) + value(shifted(-s, -s))) / (4 * s * s)
    }
    // Richardson extrapolation of the O(h²) error: (4·D(h/2) − D(h))/3 has error O(h⁴).
    let mixed = (4 * mixedDifference(h2 / 2) - mixedDifference(h2)) / 3
    let scale = max(abs(mixed), abs(value(x.scalars)), 1)
    let secondOrderError = [forwardOverReverse, reverseOverReverse, linearized].map { hu in
        abs(zip(z.scalars, hu.scalars).reduce(0) { $0 + $1.0 * $1.1 } - mixed) / scale
    }.max()!
    return DerivativeCheckResult(reverseError: reverseError, forwardError: forwardError, secondOrderError: secondOrderError)
}

