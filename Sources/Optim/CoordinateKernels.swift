import Foundation
#if arch(x86_64) && canImport(_Builtin_intrinsics.intel)
import _Builtin_intrinsics.intel
#endif

// The per-coordinate formulas of the adaptive step (`AdaptiveRule`), one type per convention. Every
// caller picks the convention once per step (a `switch` outside its loop) and runs a loop generic over
// these types, which the optimizer specializes: the loop body has no branch on a convention. The
// multi-pass path (`Denominator.divide`, `AdaptiveRule.numeratorValues`) and the one-pass path
// (`AdaptiveRule.fusedStep`) use the same types, so both perform the same operations in the same order.

/// Weight decay at one coordinate (`WeightDecayMode`).
protocol DecayKernel {
    /// θᵢ before the update: (1 − η_t λ_t)·θᵢ for decoupled decay, else θᵢ.
    func parameter(_ theta: Double) -> Double
    /// gᵢ with coupled decay folded in: gᵢ + λ_t·θᵢ for coupled decay, else gᵢ.
    func gradient(_ g: Double, parameter theta: Double) -> Double
}

extension DecayKernel {
    func parameter(_ theta: Double) -> Double { theta }
    func gradient(_ g: Double, parameter theta: Double) -> Double { g }
}

/// No decay (mode `none`, or λ_t = 0).
struct NoDecay: DecayKernel {}

/// g ← g + λ_t θ.
struct CoupledDecay: DecayKernel {
    let lambda: Double
    func gradient(_ g: Double, parameter theta: Double) -> Double { g + lambda * theta }
}

/// θ ← (1 − η_t λ_t) θ, with `factor` = 1 − η_t λ_t.
struct DecoupledDecay: DecayKernel {
    let factor: Double
    func parameter(_ theta: Double) -> Double { theta * factor }
}

/// The numerator nᵢ of one coordinate (`Numerator`) from the updated mᵢ and the (coupled-decayed) gᵢ, with
/// the bias-correction factors of the step.
protocol NumeratorKernel {
    /// False when the step keeps no first moment (RMSprop); then `m` is not read.
    static var usesFirstMoment: Bool { get }
    func callAsFunction(m: Double, g: Double) -> Double
}

/// n = g (RMSprop).
struct GradientNumerator: NumeratorKernel {
    static var usesFirstMoment: Bool { false }
    func callAsFunction(m: Double, g: Double) -> Double { g }
}

/// n = m/(1 − β₁ᵗ), with `bc1` = 1 − β₁ᵗ (1 without bias correction), applied as a product with the
/// reciprocal computed once per step (as PyTorch's step size η/(1 − β₁ᵗ)): no division per coordinate.
struct MomentumNumerator: NumeratorKernel {
    let inverseBC1: Double
    init(bc1: Double) { inverseBC1 = 1 / bc1 }
    static var usesFirstMoment: Bool { true }
    func callAsFunction(m: Double, g: Double) -> Double { m * inverseBC1 }
}

/// NAdam `paper001`: n = β₁·m/(1 − β₁ᵗ) + (1 − β₁)·g.
struct PaperNesterovNumerator: NumeratorKernel {
    let beta1: Double
    let bc1: Double
    static var usesFirstMoment: Bool { true }
    func callAsFunction(m: Double, g: Double) -> Double { beta1 * (m / bc1) + (1 - beta1) * g }
}

/// NAdam `optax`: n = β₁·m/(1 − β₁^{t+1}) + (1 − β₁)·g/(1 − β₁ᵗ).
struct OptaxNesterovNumerator: NumeratorKernel {
    let beta1: Double
    let bc1: Double
    let bc1Next: Double
    static var usesFirstMoment: Bool { true }
    func callAsFunction(m: Double, g: Double) -> Double { beta1 * (m / bc1Next) + (1 - beta1) * (g / bc1) }
}

/// √x correctly rounded (IEEE 754), bit-for-bit `x.squareRoot()` for every x, NaN and ±∞ included. On x86-64
/// `x.squareRoot()` calls libm's `sqrt` behind a test for x < 0 (to set errno), which keeps the loops of
/// the adaptive step from vectorizing; this is the SSE2 `sqrtsd` instruction alone, which they vectorize
/// (measured on this project's 2-core AMD EPYC: 1.8 ns against 2.7 ns per √ in a loop).
@inline(__always)
func ieeeSquareRoot(_ x: Double) -> Double {
    #if arch(x86_64) && canImport(_Builtin_intrinsics.intel)
    let lanes = SIMD2(repeating: x)
    return _mm_cvtsd_f64(_mm_sqrt_sd(lanes, lanes))
    #else
    return x.squareRoot()
    #endif
}

/// The denominator D(v̂) of one coordinate (`Denominator`), with its ε.
protocol DenominatorKernel {
    func callAsFunction(_ vhat: Double) -> Double
}

/// D(v̂) = √v̂ + ε.
struct OutsideRootDenominator: DenominatorKernel {
    let epsilon: Double
    func callAsFunction(_ vhat: Double) -> Double { ieeeSquareRoot(vhat) + epsilon }
}

/// D(v̂) = √(v̂ + ε).
struct InsideRootDenominator: DenominatorKernel {
    let epsilon: Double
    func callAsFunction(_ vhat: Double) -> Double { ieeeSquareRoot(vhat + epsilon) }
}

/// D(v̂) = v̂^λ + ε (AdamE-λ).
struct PowerDenominator: DenominatorKernel {
    let exponent: Double
    let epsilon: Double
    func callAsFunction(_ vhat: Double) -> Double { pow(vhat, exponent) + epsilon }
}

/// Code run with the numerator kernel of a step (Swift has no generic closures; this is one).
protocol NumeratorVisitor {
    associatedtype Output
    func visit<N: NumeratorKernel>(_ numerator: N) -> Output
}

/// Code run with a denominator kernel.
protocol DenominatorVisitor {
    associatedtype Output
    func visit<D: DenominatorKernel>(_ denominator: D) -> Output
}

extension Denominator {
    /// Runs `visitor` with this convention's kernel: the one `switch` on the ε placement.
    func withKernel<V: DenominatorVisitor>(epsilon: Double, _ visitor: V) -> V.Output {
        switch self {
        case .root(.outsideSqrt): visitor.visit(OutsideRootDenominator(epsilon: epsilon))
        case .root(.insideSqrt): visitor.visit(InsideRootDenominator(epsilon: epsilon))
        case .power(let lambda): visitor.visit(PowerDenominator(exponent: lambda, epsilon: epsilon))
        }
    }
}

extension AdaptiveRule {
    /// Runs `visitor` with the numerator kernel of step t: the one `switch` on the numerator, with the
    /// bias-correction factors 1 − β₁ᵗ (and 1 − β₁^{t+1} for optax's NAdam) computed here.
    func withNumeratorKernel<V: NumeratorVisitor>(step t: Int, _ visitor: V) -> V.Output {
        let bc1 = biasCorrection.factor(beta: beta1, step: t)
        switch numerator {
        case .gradient:
            return visitor.visit(GradientNumerator())
        case .momentum:
            return visitor.visit(MomentumNumerator(bc1: bc1))
        case .nesterov(.paper001):
            return visitor.visit(PaperNesterovNumerator(beta1: beta1, bc1: bc1))
        case .nesterov(.optax):
            return visitor.visit(OptaxNesterovNumerator(beta1: beta1, bc1: bc1,
                                                        bc1Next: biasCorrection.factor(beta: beta1, step: t + 1)))
        }
    }
}
