import CBLAS
import CPlatform
import Foundation

/// Element-wise kernels. Each loop runs over unsafe buffers so the compiler can vectorize it; binary
/// operations broadcast NumPy-style (axes aligned from the right, extents equal or 1).
extension Tensor {
    /// Applies `f` to every scalar.
    @inlinable
    public func map(_ f: (Double) -> Double) -> Tensor {
        scalars.withUnsafeBufferPointer { src in
            Tensor.uninitialized(shape) { dst in
                for i in 0..<src.count { dst[i] = f(src[i]) }
            }
        }
    }

    /// Combines two tensors of the same shape scalar by scalar (no broadcasting).
    @inlinable
    public static func zipMap(_ a: Tensor, _ b: Tensor, _ f: (Double, Double) -> Double) -> Tensor {
        precondition(a.shape == b.shape, "zipMap: shapes \(a.shape) and \(b.shape) differ")
        return a.scalars.withUnsafeBufferPointer { pa in
            b.scalars.withUnsafeBufferPointer { pb in
                Tensor.uninitialized(a.shape) { dst in
                    for i in 0..<dst.count { dst[i] = f(pa[i], pb[i]) }
                }
            }
        }
    }

    /// f(aᵢ, bᵢ, cᵢ, dᵢ) for four tensors of one shape, in one pass (fused element-wise rules).
    @inlinable
    public static func zipMap(_ a: Tensor, _ b: Tensor, _ c: Tensor, _ d: Tensor,
                              _ f: (Double, Double, Double, Double) -> Double) -> Tensor {
        precondition(a.shape == b.shape && a.shape == c.shape && a.shape == d.shape,
                     "zipMap: shapes \(a.shape), \(b.shape), \(c.shape) and \(d.shape) differ")
        return a.scalars.withUnsafeBufferPointer { pa in
            b.scalars.withUnsafeBufferPointer { pb in
                c.scalars.withUnsafeBufferPointer { pc in
                    d.scalars.withUnsafeBufferPointer { pd in
                        Tensor.uninitialized(a.shape) { dst in
                            for i in 0..<dst.count { dst[i] = f(pa[i], pb[i], pc[i], pd[i]) }
                        }
                    }
                }
            }
        }
    }

    /// Combines two tensors with NumPy broadcasting. `operation` names the caller in the trap message.
    @inlinable
    public static func broadcasting(_ a: Tensor, _ b: Tensor, operation: String,
                                    _ f: (Double, Double) -> Double) -> Tensor {
        if a.shape == b.shape { return zipMap(a, b, f) }
        let outShape = checkedShape { () throws(ShapeError) in try broadcastShape(a.shape, b.shape, operation: operation) }
        let n = outShape.reduce(1, *)
        var out = [Double](repeating: 0, count: n)
        if b.count == 1 {
            let s = b.scalars[0]
            a.scalars.withUnsafeBufferPointer { pa in
                out.withUnsafeMutableBufferPointer { dst in for i in 0..<n { dst[i] = f(pa[i % pa.count], s) } }
            }
            return Tensor(shape: outShape, scalars: out)
        }
        if a.count == 1 {
            let s = a.scalars[0]
            b.scalars.withUnsafeBufferPointer { pb in
                out.withUnsafeMutableBufferPointer { dst in for i in 0..<n { dst[i] = f(s, pb[i % pb.count]) } }
            }
            return Tensor(shape: outShape, scalars: out)
        }
        let rank = outShape.count
        let sa = broadcastStrides(a.shape, rank: rank, outShape: outShape)
        let sb = broadcastStrides(b.shape, rank: rank, outShape: outShape)
        let inner = rank == 0 ? 1 : outShape[rank - 1]
        let ia = rank == 0 ? 0 : sa[rank - 1], ib = rank == 0 ? 0 : sb[rank - 1]
        var row = RowIndex(shape: outShape)
        a.scalars.withUnsafeBufferPointer { pa in
            b.scalars.withUnsafeBufferPointer { pb in
                out.withUnsafeMutableBufferPointer { dst in
                    var o = 0
                    while o < n {
                        let oa = row.offset(sa), ob = row.offset(sb)
                        for j in 0..<inner { dst[o + j] = f(pa[oa + j * ia], pb[ob + j * ib]) }
                        o += inner
                        row.advance()
                    }
                }
            }
        }
        return Tensor(shape: outShape, scalars: out)
    }

    /// Row-major strides of `shape` aligned right within `rank` axes, with stride 0 on broadcast axes.
    @usableFromInline
    static func broadcastStrides(_ shape: [Int], rank: Int, outShape: [Int]) -> [Int] {
        var strides = [Int](repeating: 0, count: rank)
        var step = 1
        for i in Swift.stride(from: shape.count - 1, through: 0, by: -1) {
            let ax = i + rank - shape.count
            strides[ax] = (shape[i] == 1 && outShape[ax] != 1) ? 0 : step
            step *= shape[i]
        }
        return strides
    }

    public static func + (a: Tensor, b: Tensor) -> Tensor { broadcasting(a, b, operation: "add") { $0 + $1 } }
    public static func - (a: Tensor, b: Tensor) -> Tensor { broadcasting(a, b, operation: "subtract") { $0 - $1 } }
    public static func * (a: Tensor, b: Tensor) -> Tensor { broadcasting(a, b, operation: "multiply") { $0 * $1 } }
    public static func / (a: Tensor, b: Tensor) -> Tensor { broadcasting(a, b, operation: "divide") { $0 / $1 } }
    public static func * (a: Tensor, s: Double) -> Tensor { a.map { $0 * s } }
    public static func * (s: Double, a: Tensor) -> Tensor { a.map { s * $0 } }
    public static func + (a: Tensor, s: Double) -> Tensor { a.map { $0 + s } }
    public static prefix func - (a: Tensor) -> Tensor { a.map { -$0 } }

    /// Σ_k parts[k] for tensors of one shape, in one pass for two parts (the sum of a batch's parts).
    public static func adding(_ parts: [Tensor]) -> Tensor {
        precondition(!parts.isEmpty, "adding: no parts")
        guard parts.count > 1 else { return parts[0] }
        var total = zipMap(parts[0], parts[1]) { $0 + $1 }
        for part in parts.dropFirst(2) { total.addInPlace(part) }
        return total
    }

    /// `self += other` for equal shapes (daxpy-like, in place).
    public mutating func addInPlace(_ other: Tensor, scaledBy alpha: Double = 1) {
        precondition(shape == other.shape, "addInPlace: shapes \(shape) and \(other.shape) differ")
        VectorOps.axpy(alpha, other.scalars, &scalars)
    }
}

/// Scalar functions used by the element-wise kernels and their derivatives, each accurate in float64.
public enum ScalarMath {
    /// Logistic sigmoid σ(x) = 1/(1+e^{−x}), evaluated without overflow for large |x|.
    @inlinable public static func sigmoid(_ x: Double) -> Double {
        x >= 0 ? 1 / (1 + exp(-x)) : { let e = exp(x); return e / (1 + e) }()
    }
    /// softplus(x) = log(1+eˣ) = max(x,0) + log1p(e^{−|x|}), stable for all x.
    @inlinable public static func softplus(_ x: Double) -> Double { max(x, 0) + log1p(exp(-abs(x))) }
    /// Standard normal CDF Φ(x) = ½ erfc(−x/√2).
    @inlinable public static func normalCDF(_ x: Double) -> Double { 0.5 * erfc(-x / 2.0.squareRoot()) }
    /// Standard normal density φ(x) = e^{−x²/2}/√(2π).
    @inlinable public static func normalPDF(_ x: Double) -> Double { exp(-0.5 * x * x) / (2 * Double.pi).squareRoot() }
    /// GELU(x) = x Φ(x), the exact (erf) form (Hendrycks & Gimpel 2016, eq. 1; PyTorch's default).
    @inlinable public static func gelu(_ x: Double) -> Double { x * normalCDF(x) }
    /// GELU′(x) = Φ(x) + x φ(x).
    @inlinable public static func geluDerivative(_ x: Double) -> Double { normalCDF(x) + x * normalPDF(x) }
    /// GELU″(x) = φ(x) (2 − x²)  (φ′(x) = −x φ(x)).
    @inlinable public static func geluSecondDerivative(_ x: Double) -> Double { normalPDF(x) * (2 - x * x) }
    /// sign(x) ∈ {−1, 0, 1} (sign(0) = 0, as torch.sign and numpy.sign).
    @inlinable public static func sign(_ x: Double) -> Double { x > 0 ? 1 : (x < 0 ? -1 : 0) }
}

extension Tensor {
    /// GELU(x) = x Φ(x) and GELU′(x) = Φ(x) + x φ(x) of every scalar in one pass, Φ evaluated once
    /// (each bit for bit ``ScalarMath/gelu(_:)`` and ``ScalarMath/geluDerivative(_:)``).
    public func geluAndDerivative() -> (value: Tensor, derivative: Tensor) {
        var derivative = [Double](repeating: 0, count: count)
        let value = scalars.withUnsafeBufferPointer { src in
            derivative.withUnsafeMutableBufferPointer { slope in
                Tensor.uninitialized(shape) { dst in
                    for i in 0..<src.count {
                        let x = src[i], p = ScalarMath.normalCDF(x)
                        dst[i] = x * p
                        slope[i] = p + x * ScalarMath.normalPDF(x)
                    }
                }
            }
        }
        return (value, Tensor(shape: shape, scalars: derivative))
    }

    /// tanh of every scalar, four (AVX2) or two lanes at a time through glibc's vector math library (libmvec, within a
    /// few ulp of libm's tanh) on x86-64; libm's tanh elsewhere and with `BIASLAB_PORTABLE_KERNELS=1`.
    public func tanhElementwise() -> Tensor {
        scalars.withUnsafeBufferPointer { src in
            Tensor.uninitialized(shape) { dst in
                biaslab_vector_tanh(src.baseAddress, dst.baseAddress, src.count)
            }
        }
    }
}
