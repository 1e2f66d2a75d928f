import Curvature
import NN
import Tensor

/// The transformer workloads of `make bench` (issue 19 item 4, issue 22 item 4) on ``LMBenchInputs``:
/// the objective is next-token cross-entropy averaged over positions and sequences,
/// L(θ) = (1/N) Σ_i (1/T) Σ_t −log softmax(f(θ, x_i)_t)_{y_{i,t}}, one sample = one sequence.
enum LMBenchWorkloads {
    static func all(_ inputs: LMBenchInputs) -> [BenchWorkload] {
        let objective = SupervisedObjective(model: inputs.model, loss: .nextTokenCrossEntropy, inputs: inputs.x, targets: inputs.y)
        let theta = inputs.theta
        let (n, d) = (inputs.x.shape[0], objective.dimension)
        let m = inputs.model
        let model = "transformer L=\(m.layers) D=\(m.width) H=\(m.heads) T=\(m.context) V=\(m.vocabulary) (d=\(d)), next-token CE, N=\(n)"
        let flops = FlopModel.TransformerCounts(model: m, sequences: n)
        let steps = BenchWorkloads.lanczosSteps
        return [
            BenchWorkload(name: "T1", summary: "gradient, \(model)", flops: flops.gradient, bytes: 0) {
                let (value, g) = objective.valueAndGradient(at: theta, batch: nil)
                return { ["loss": Tensor(value), "gradient": Tensor(g)] }
            },
            BenchWorkload(name: "T2", summary: "Hessian-vector product, same transformer and sequences",
                          flops: flops.primalWithoutWeightGradients + flops.tangent, bytes: 0) {
                let hv = objective.hessianVectorProduct(at: theta, along: inputs.vectors.direction)
                return { ["hvp": Tensor(hv)] }
            },
            BenchWorkload(name: "T3", summary: "per-sequence gradients, \(n) × d materialized",
                          flops: flops.gradient, bytes: Double(n * d * 8)) {
                let g = objective.perSampleGradients(at: theta, batch: nil)
                return { BenchWorkloads.perSampleDigest(g, inputs.vectors) }
            },
            BenchWorkload(name: "T4", summary: "λ_max, Lanczos \(steps) steps, full reorthogonalization, transformer N=\(n)",
                          flops: flops.gradient + Double(steps) * flops.tangent, bytes: 0) {
                let lambda = try lanczosEigenpairs(of: HessianOperator(objective: objective, at: theta), count: 1, tolerance: 0,
                                                   maxIterations: steps, initialVector: inputs.vectors.lanczosStart).eigenvalues[0]
                return { ["lambda_max": Tensor(lambda)] }
            },
        ]
    }
}
