import Foundation
import Tensor

/// An engine-independent oracle: forward and backward of a tanh MLP with loss (1/N)Σ ½‖f(x_i) − y_i‖²,
/// written out by hand with plain loops (θ in PyTorch order: per layer W [out, in] row-major, then b).
enum ManualBackprop {
    static func lossAndGradient(widths: [Int], theta: [Double], x: Tensor, y: Tensor) -> (Double, [Double]) {
        let n = x.shape[0]
        var grad = [Double](repeating: 0, count: theta.count)
        var total = 0.0
        for i in 0..<n {
            var activations: [[Double]] = [Array(x.scalars[(i * widths[0])..<((i + 1) * widths[0])])]
            var offsets: [(w: Int, b: Int)] = []
            var offset = 0
            for l in 0..<(widths.count - 1) {
                let (fin, fout) = (widths[l], widths[l + 1])
                offsets.append((offset, offset + fin * fout))
                var z = [Double](repeating: 0, count: fout)
                for o in 0..<fout {
                    var s = theta[offset + fin * fout + o]
                    for k in 0..<fin { s += theta[offset + o * fin + k] * activations[l][k] }
                    z[o] = s
                }
                offset += fin * fout + fout
                activations.append(l < widths.count - 2 ? z.map { tanh($0) } : z)
            }
            let out = activations.last!
            let k = widths.last!
            var delta = (0..<k).map { out[$0] - y.scalars[i * k + $0] }
            total += 0.5 * delta.reduce(0) { $0 + $1 * $1 }
            for l in stride(from: widths.count - 2, through: 0, by: -1) {
                let (fin, fout) = (widths[l], widths[l + 1])
                for o in 0..<fout {
                    grad[offsets[l].b + o] += delta[o]
                    for k in 0..<fin { grad[offsets[l].w + o * fin + k] += delta[o] * activations[l][k] }
                }
                if l > 0 {
                    var prev = [Double](repeating: 0, count: fin)
                    for k in 0..<fin {
                        var s = 0.0
                        for o in 0..<fout { s += theta[offsets[l].w + o * fin + k] * delta[o] }
                        let a = activations[l][k]
                        prev[k] = s * (1 - a * a)
                    }
                    delta = prev
                }
            }
        }
        return (total / Double(n), grad.map { $0 / Double(n) })
    }
}
