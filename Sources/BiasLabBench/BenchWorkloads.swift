import Curvature
import NN
import Optim
import Tensor

/// One workload of `make bench`: a timed body and the work behind its floor.
///
/// `body` does the measured work and returns a closure that turns its output into the arrays the
/// JAX peer's results are checked against (called once, after timing, so summaries such as the
/// digest of a 2 GB per-sample gradient matrix are not timed).
struct BenchWorkload {
    let name: String
    let summary: String
    /// gemm flops of the floor.
    let flops: Double
    /// Bytes written or streamed at the floor.
    let bytes: Double
    let body: () throws -> () -> [String: Tensor]
}

/// The nine workloads of `make bench` (issue 9; W8 from issue 5, W9 from issue 22), on the shared ``BenchInputs``
/// (bench/README.md states each one).
enum BenchWorkloads {
    static let lanczosSteps = 20
    static let sharpnessEvery = 100
    static let adamSpec = "adam:torch,lr=1e-3"
    static let interactionBatchSize = 50
    static let hessianBlockSize = 50

    static func all(_ inputs: BenchInputs) -> [BenchWorkload] {
        let widths = inputs.widths
        let n = inputs.x.shape[0]
        let objective = SupervisedObjective(model: DenseNetwork(widths: widths, activation: .tanh), loss: .mse,
                                            inputs: inputs.x, targets: inputs.y)
        let theta = inputs.theta
        let d = objective.dimension
        let gradient = FlopModel.mlpGradient(widths: widths, batch: n)
        let tangent = FlopModel.mlpTangent(widths: widths, batch: n)
        let perSampleBytes = Double(n * d * 8)
        let exactInteractionFlops = FlopModel.mlpPerSampleDeltas(widths: widths, batch: n) + gradient + Double(n) * tangent
        let model = "MLP \(widths.map(String.init).joined(separator: "-")) tanh, MSE, N=\(n)"

        /// λ_max of the full-batch Hessian at θ: 20 Lanczos steps from the shared start, full
        /// reorthogonalization (tolerance 0, so exactly `lanczosSteps` products).
        func lambdaMax(at parameters: [Double]) throws -> Double {
            try lanczosEigenpairs(of: HessianOperator(objective: objective, at: parameters), count: 1, tolerance: 0,
                                  maxIterations: lanczosSteps, initialVector: inputs.vectors.lanczosStart).eigenvalues[0]
        }

        let p = inputs.diagonalX.shape[1], m = inputs.diagonalX.shape[0]
        let diagonalObjective = SupervisedObjective(model: DiagonalLinearNetwork(dimension: p, depth: 2), loss: .mse,
                                                    inputs: inputs.diagonalX, targets: inputs.diagonalY)
        let steps = inputs.adamBatches.count
        let adamFlops = Double(steps) * FlopModel.mlpGradient(widths: widths, batch: BenchInputs.adamBatchSize)
            + Double(steps / sharpnessEvery) * (gradient + Double(lanczosSteps) * tangent)

        return [
            BenchWorkload(name: "W1", summary: "gradient, \(model)",
                          flops: gradient, bytes: 0) {
                let (value, g) = objective.valueAndGradient(at: theta, batch: nil)
                return { ["loss": Tensor(value), "gradient": Tensor(g)] }
            },
            BenchWorkload(name: "W2", summary: "Hessian-vector product, same model and data",
                          flops: FlopModel.mlpHessianVectorProduct(widths: widths, batch: n), bytes: 0) {
                let hv = objective.hessianVectorProduct(at: theta, along: inputs.vectors.direction)
                return { ["hvp": Tensor(hv)] }
            },
            BenchWorkload(name: "W3", summary: "per-sample gradients, \(n) × d materialized",
                          flops: FlopModel.mlpPerSampleDeltas(widths: widths, batch: n), bytes: perSampleBytes) {
                let g = objective.perSampleGradients(at: theta, batch: nil)
                return { perSampleDigest(g, inputs.vectors) }
            },
            BenchWorkload(name: "W4", summary: "λ_max, Lanczos 20 steps, full reorthogonalization, N=\(n)",
                          flops: gradient + Double(lanczosSteps) * tangent, bytes: 0) {
                let lambda = try lambdaMax(at: theta)
                return { ["lambda_max": Tensor(lambda)] }
            },
            // BiasLab uses the network's structure: the closed-form diagonal (three n × d passes:
            // X w, Xᵀ r and the column sums of squares) instead of 2d Hessian–vector products; JAX does
            // the 2d HVPs, and the in-run check compares the two.
            BenchWorkload(name: "W5", summary: "exact diag(H), diagonal net d=1000 (2000 params), n=200, closed form",
                          flops: Double(6 * m * p), bytes: 0) {
                let diagonal = diagonalObjective.closedFormHessianDiagonal(at: inputs.diagonalTheta, batch: nil)
                    ?? exactDiagonal(of: HessianOperator(objective: diagonalObjective, at: inputs.diagonalTheta), blockSize: 2 * p / 10)
                return { ["diagonal": Tensor(diagonal)] }
            },
            BenchWorkload(name: "W6", summary: "1000 Adam steps (torch, lr 1e-3), b=128, λ_max every 100",
                          flops: adamFlops, bytes: Double(steps) * FlopModel.adamStepBytes(dimension: d)) {
                var optimizer = try OptimizerSpec(parsing: adamSpec)
                    .makeInstance(structure: ProblemStructure(dimension: d, blocks: objective.blocks))
                var parameters = theta
                var lambdas: [Double] = []
                for (t, batch) in inputs.adamBatches.enumerated() {
                    optimizer.step(parameters: &parameters, gradient: objective.gradient(at: parameters, batch: batch))
                    if (t + 1) % sharpnessEvery == 0 { lambdas.append(try lambdaMax(at: parameters)) }
                }
                let final = parameters
                return { ["theta": Tensor(final), "lambda_max": Tensor(lambdas)] }
            },
            BenchWorkload(name: "W7", summary: "exact IAS, b=50 without replacement, N=\(n)",
                          flops: exactInteractionFlops,
                          bytes: perSampleBytes) {
                let g = objective.perSampleGradients(at: theta, batch: nil)
                let interaction = GradientInteraction(perSampleGradients: g, hessian: HessianOperator(objective: objective, at: theta),
                                                      blockSize: hessianBlockSize)
                return { interactionSummary(interaction) }
            },
            // W7 without the N × d matrix: the same exact IAS from chunks of per-sample gradients (issue 22,
            // "grows faster than it must"), through GradientInteraction's from-parts initializer.
            BenchWorkload(name: "W9", summary: "exact IAS streamed: chunks of \(hessianBlockSize) per-sample gradients, O(\(hessianBlockSize)·d) memory, N=\(n)",
                          flops: exactInteractionFlops,
                          bytes: 0) {
                let interaction = objective.gradientInteraction(at: theta, blockSize: hessianBlockSize)
                return { interactionSummary(interaction) }
            },
            BenchWorkload(name: "W8", summary: "Hutchinson tr(H), \(inputs.hutchinsonProbes.shape[0]) shared Rademacher probes, N=\(n)",
                          flops: gradient + Double(inputs.hutchinsonProbes.shape[0]) * tangent, bytes: 0) {
                let trace = hutchinsonTrace(of: HessianOperator(objective: objective, at: theta),
                                            probes: inputs.hutchinsonProbes, blockSize: hessianBlockSize)
                return { ["trace": Tensor(trace.value), "standard_error": Tensor(trace.standardError)] }
            },
        ]
    }

    /// What W7's and W9's results are checked by: IAS at b = 50 without replacement, every gᵢᵀHgᵢ, gᵀHg.
    static func interactionSummary(_ interaction: GradientInteraction) -> [String: Tensor] {
        ["ias": Tensor(interaction.interactionAwareSharpness(batchSize: interactionBatchSize, sampling: .withoutReplacement)),
         "per_sample_curvatures": Tensor(interaction.perSampleCurvatures),
         "full_batch_interaction": Tensor(interaction.fullBatchInteraction)]
    }

    /// What W3's result is checked by, without writing 2 GB: ‖gᵢ‖² for every i, G·direction, and
    /// weightsᵀ G (a random combination of the rows).
    static func perSampleDigest(_ g: Tensor, _ vectors: BenchVectors) -> [String: Tensor] {
        let (direction, weights) = (vectors.direction, vectors.sampleWeights)
        let (n, d) = (g.shape[0], g.shape[1])
        let norms = (0..<n).map { i in
            g.scalars.withUnsafeBufferPointer { p in (0..<d).reduce(0.0) { $0 + p[i * d + $1] * p[i * d + $1] } }
        }
        return ["row_norms_sq": Tensor(norms),
                "times_direction": Tensor.matvec(g, Tensor(direction)),
                "weighted_rows": Tensor.matvec(g, Tensor(weights), transpose: true)]
    }
}
