import DataIO
import ArgumentParser
import Curvature
import Foundation

/// `biaslab curvature`: every sharpness and gradient-noise measure of the papers at θ.
struct CurvatureCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "curvature",
        abstract: "Measure Hessian curvature and gradient noise at θ: λ_max, top-k, trace, diagonal, IAS, noise scale.",
        discussion: """
            H is the Hessian of the full-batch mean loss L(θ) = (1/N) Σ ℓ_i(θ), applied exactly by \
            automatic differentiation. Measures (comma-separated; default lambda-max,trace,noise) and \
            the JSON keys they set (the same names the run probes record; see 'biaslab probes'):
              lambda-max       lambda_max (Lanczos, full reorthogonalization)
              top-k            top_eigenvalues: the --k largest, descending
              trace            hessian_trace, hessian_trace_se (Hutchinson, --probes
                               Rademacher probes; exact with --exact)
              diag             diag: exact diagonal (d HVPs), printed with --exact
              adaptive         adaptive_sharpness = Σ max(H_ii, 0)^{1/2} (paper 002),
                               diag_negative_count
              ias              ias = tr(H S_b)/tr(S_b) (paper 003),
                               gd_rayleigh = gᵀHg/‖g‖²
              batch-sharpness  batch_sharpness = E_B[g_Bᵀ H_B g_B/‖g_B‖²] (mini-batch
                               Hessian, --batch-count batches), batch_sharpness_se
              noise            trace_sigma = tr Σ (1/N), b_simple = tr Σ/‖g‖²,
                               rho = ‖g‖²/tr S₁, rho_b (paper 003 eq. (17))
              spectrum         spectral density by stochastic Lanczos quadrature
            --sampling (ias, batch-sharpness, rho_b) is any scheme but fixed-order.

            Examples:
              biaslab curvature --model mlp:784-32-10:tanh --data fashion-mnist:train,n=500 --measure lambda-max,trace --json
              biaslab curvature --model mlp:5-16-3:tanh --params theta.npy --data data.npz --measure ias,noise --batch-size 8 --sampling without-replacement --json
              biaslab curvature --model toy-quadratic --measure top-k,trace --exact --k 2
              biaslab curvature --model mlp:4-16-2:tanh --init-seed 3 --data gaussian-mixture:n=64,d=4,classes=2,seed=1 --loss ce --measure trace --probes 20 --seed 1 --json
              biaslab curvature --model mlp:4-8-2:tanh --data gaussian-mixture:n=32,d=4,classes=2,seed=1 --measure ias --batch-size 8 --batch-count 16 --json
              biaslab curvature --model transformer:vocab=256:context=16:width=16:heads=2:layers=1 --data text:context=16,n=16 --loss next-token-ce --measure lambda-max,ias --batch-size 4 --json
            """)

    @OptionGroup var objectiveOptions: ObjectiveOptions
    @Option(help: "Comma-separated measures (see above).")
    var measure = "lambda-max,trace,noise"
    @Option(help: "How many eigenvalues for top-k.")
    var k = 5
    @Option(help: "Mini-batch size b for ias, batch-sharpness and rho_b (default min(32, N)).")
    var batchSize: Int?
    @OptionGroup var batchSampling: SamplingOptions
    @Flag(help: "Exact trace (from d HVPs) and print the exact diagonal.")
    var exact = false
    @Option(help: "Hutchinson probes for the trace.")
    var probes = 100
    @Option(help: "Random batches for batch-sharpness (the batch_sharpness probe's batch_count).")
    var batchCount = 32
    @Option(help: "Seed of probes and batch draws.")
    var seed: UInt64 = 0
    @OptionGroup var output: OutputOptions

    var measures: Set<CurvatureMeasure> {
        get throws {
            var result = Set<CurvatureMeasure>()
            for name in measure.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
                guard let m = CurvatureMeasure(rawValue: name) else {
                    throw UsageError("--measure: unknown measure '\(name)' (expected \(CurvatureMeasure.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
                result.insert(m)
            }
            return result
        }
    }

    func validate() throws {
        _ = try measures
        if !(try measures).isDisjoint(with: [.ias, .batchSharpness, .noise]) {
            _ = try batchSampling.randomBatches(for: "curvature's ias, batch-sharpness and noise (rho_b)")
        }
        guard k >= 1 else { throw UsageError("--k must be at least 1, got \(k)") }
        guard probes >= 2 else { throw UsageError("--probes must be at least 2 (for a standard error), got \(probes)") }
        guard batchCount >= 2 else { throw UsageError("--batch-count must be at least 2, got \(batchCount)") }
        if let b = batchSize, b < 1 { throw UsageError("--batch-size must be at least 1, got \(b)") }
    }

    func run() throws {
        let (objective, theta) = try objectiveOptions.load()
        var settings = CurvatureSettings()
        settings.topCount = k
        settings.batchSize = batchSize
        settings.sampling = batchSampling.sampling
        settings.exact = exact
        settings.traceProbes = probes
        settings.batchCount = batchCount
        settings.seed = seed
        if let b = batchSize, settings.sampling != .withReplacement, b > objective.sampleCount {
            throw UsageError("--batch-size \(b) exceeds the \(objective.sampleCount) samples (\(settings.sampling.rawValue))")
        }
        let report = try measureCurvature(of: objective, at: theta, measures: try measures, settings: settings)
        if output.json { try JSONOutput.print(report); return }
        print(HumanReadable.lines(of: report).joined(separator: "\n"))
    }
}
