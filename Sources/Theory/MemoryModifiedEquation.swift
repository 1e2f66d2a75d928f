import NN
import Tensor

/// The modified equation of a memoryless iteration (paper 001 App. F; digest 001 §2.5, with its typo fixes):
///
/// ```
/// θ̇ = G₁(θ) + h G₂(θ),   G₁ = −F(θ),   G₂ = −(M(θ)/h + ½ J_F(θ) F(θ))
/// ```
/// with the limit (n → ∞) drift F and correction M of `MemoryClosedForm`. J_F F is one forward-mode pass
/// through the element-wise drift with tangents H F on g and F on θ. For heavy ball this is
/// θ̇ = −∇L/(1−β) − h(1+β)/(4(1−β)³) ∇‖∇L‖² (Kovachki–Stuart; 475h at β = 0.9).
public enum MemoryModifiedEquation {
    /// The right-hand side at θ; `includeCorrection: false` gives the plain flow θ̇ = −F(θ).
    public static func vectorField(optimizer: MemoryOptimizer, objective: some Objective, at theta: [Double],
                                   learningRate h: Double, includeCorrection: Bool = true) -> [Double] {
        let g = objective.gradient(at: theta)
        let f = MemoryClosedForm.drift(for: optimizer, gradient: g, parameters: theta, step: nil)
        guard includeCorrection else { return f.map { -$0 } }
        let m = MemoryClosedForm.correction(for: optimizer, objective: objective, at: theta, learningRate: h, step: nil)
        let hf = objective.hessianVectorProduct(at: theta, along: f)
        return theta.indices.map { r in
            let jacobianTimesDrift = MemoryClosedForm.drift(for: optimizer, gradient: Dual(g[r], derivative: hf[r]),
                                                            parameter: Dual(theta[r], derivative: f[r]), step: nil).derivative
            return -f[r] - m[r] - h / 2 * jacobianTimesDrift
        }
    }

    /// θ(nh) for n = 0…steps by classical RK4 with `substeps` RK4 steps per interval h.
    public static func solve(optimizer: MemoryOptimizer, objective: some Objective, from start: [Double],
                             learningRate h: Double, steps: Int, substeps: Int = 4,
                             includeCorrection: Bool = true) -> [[Double]] {
        let field: ([Double]) -> [Double] = {
            vectorField(optimizer: optimizer, objective: objective, at: $0, learningRate: h, includeCorrection: includeCorrection)
        }
        let dt = h / Double(substeps)
        var theta = start
        var path = [start]
        func shifted(_ x: [Double], _ k: [Double], _ scale: Double) -> [Double] {
            var y = x
            VectorOps.axpy(scale, k, &y)
            return y
        }
        for _ in 0..<steps {
            for _ in 0..<substeps {
                let k1 = field(theta)
                let k2 = field(shifted(theta, k1, dt / 2))
                let k3 = field(shifted(theta, k2, dt / 2))
                let k4 = field(shifted(theta, k3, dt))
                for i in theta.indices { theta[i] += dt / 6 * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]) }
            }
            path.append(theta)
        }
        return path
    }
}
