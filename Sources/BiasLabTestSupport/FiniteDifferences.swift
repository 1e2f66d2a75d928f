import Tensor

/// Central finite differences: the independent oracle for every derivative in BiasLab.
/// With step h the truncation error is O(h²·f‴) and the rounding error O(ε_mach·|f|/h); the default
/// h = 1e-5 balances them near 1e-10 relative for well-scaled float64 functions.
public enum FiniteDifferences {
    public static let defaultStep = 1e-5

    /// (f(x + h·u) − f(x − h·u)) / 2h, the directional derivative J·u of a vector function.
    public static func directionalDerivative(of f: ([Double]) -> [Double], at x: [Double], along u: [Double],
                                             step h: Double = defaultStep) -> [Double] {
        var xp = x, xm = x
        for i in x.indices { xp[i] += h * u[i]; xm[i] -= h * u[i] }
        let fp = f(xp), fm = f(xm)
        return zip(fp, fm).map { ($0 - $1) / (2 * h) }
    }

    /// The gradient of a scalar function, coordinate by coordinate.
    public static func gradient(of f: ([Double]) -> Double, at x: [Double], step h: Double = defaultStep) -> [Double] {
        x.indices.map { i in
            var xp = x, xm = x
            xp[i] += h; xm[i] -= h
            return (f(xp) - f(xm)) / (2 * h)
        }
    }

    /// The d × d Jacobian of a gradient function (a Hessian), column j = (∇f(x + h e_j) − ∇f(x − h e_j))/2h,
    /// symmetrized as (H + Hᵀ)/2.
    public static func hessian(ofGradient grad: ([Double]) -> [Double], at x: [Double], step h: Double = 1e-4) -> Tensor {
        let d = x.count
        var h2 = Tensor.zeros([d, d])
        for j in 0..<d {
            var xp = x, xm = x
            xp[j] += h; xm[j] -= h
            let gp = grad(xp), gm = grad(xm)
            for i in 0..<d { h2.scalars[i * d + j] = (gp[i] - gm[i]) / (2 * h) }
        }
        return (h2 + h2.transposed()) * 0.5
    }
}
