import ArgumentParser
import Experiments
import Foundation

/// `biaslab demo`: the built-in study — full-batch GD and full-batch Adam on a Fashion-MNIST subset,
/// side by side at their edges of stability, run by the sweep runner and written up as an HTML report.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Edge of stability, side by side: full-batch GD (λ_max → 2/η) and Adam (λ₁(P⁻¹H) → (2+2β₁)/((1−β₁)η)).",
        discussion: """
            Trains the fc-tanh network 784-200-200-10 of Cohen et al. on the first 1000 Fashion-MNIST \
            training images with MSE = (1/n) Σ ½‖f(x) − y‖² (one-hot targets), twice, from the same \
            initialization: full-batch gradient descent at η = 2/30 for 600 steps, whose sharpness λ_max(H) rises \
            (progressive sharpening) to 2/η = 30 and then hovers there (Cohen et al. 2021, edge of \
            stability), and full-batch Adam at η = 1e-4, β₁ = 0.9 for 1000 steps, whose preconditioned sharpness λ₁(P⁻¹H) \
            rises to (2 + 2β₁)/((1 − β₁)η) = 38/η and settles there (Cohen et al. 2022, adaptive edge of \
            stability). Both runs go through the run store (skipped when already finished there; --fresh \
            starts over) and the report has the curves with the thresholds drawn. --quick is a small \
            version (seconds) that exercises the same path. The two runs go to two processes (--jobs 2); \
            the full demo needs about 3 CPU-minutes in a release build, under 5 minutes of wall time on 2 cores.

            The printed table, per run: the threshold, the sharpness at the end and its maximum, the \
            fraction of measurements in the second half of the run within ±10 % of the threshold, and the \
            final training loss and accuracy.

            Examples:
              biaslab demo
              biaslab demo --quick --store /tmp/demo.sqlite -o /tmp/demo.html --json
            """)

    @Flag(help: "A small version (seconds in a release build, about 10 s in debug) for smoke tests.")
    var quick = false
    @Option(help: "The results store.")
    var store = "out/demo.sqlite"
    @Option(name: [.short, .customLong("output")], help: "The HTML report to write.")
    var output = "out/demo-report.html"
    @Option(help: "Concurrent runs (2: GD and Adam in two processes; 1: one after the other in this process).")
    var jobs = 2
    @Flag(help: "Delete the store first instead of reusing finished runs.")
    var fresh = false
    @OptionGroup var format: OutputOptions

    func validate() throws {
        if jobs < 1 { throw ValidationError("--jobs must be at least 1, got \(jobs)") }
    }

    /// The study as a sweep over two list points; `quick` shrinks data, network and steps.
    static func sweepYAML(quick: Bool) -> String {
        let (n, widths, gdSteps, adamSteps, every, testEvery) = quick ? (200, "784-32-10", 60, 60, 5, 20) : (1000, "784-200-200-10", 600, 1000, 10, 50)
        let sharpness = "{method: lanczos, tolerance: 1.0e-4, max_iterations: \(quick ? 30 : 50)}"
        return """
            name: demo\(quick ? "-quick" : "")
            base:
              model: mlp:\(widths):tanh
              data: {train: "fashion-mnist:train,n=\(n)", test: "fashion-mnist:test,n=\(n)"}
              loss: mse
              training: {steps: \(gdSteps), batch_size: full, checkpoint_every: 100}
              stop: {divergence_factor: 1000}
              seed: 0
            list:
              - name: gd
                optimizer: {name: sgd, lr: 0.0666667}
                probes:
                  - {name: train, every: \(every)}
                  - {name: test, every: \(testEvery)}
                  - {name: sharpness, every: \(every), options: \(sharpness)}
              - name: adam
                training.steps: \(adamSteps)
                optimizer: {name: "adam:torch", lr: \(quick ? "2.0e-3" : "1.0e-4"), beta1: 0.9, beta2: 0.999, eps: 1.0e-7}
                probes:
                  - {name: train, every: \(every)}
                  - {name: test, every: \(testEvery)}
                  - {name: preconditioned_sharpness, every: \(every), options: \(sharpness)}
            """
    }

    struct Output: Encodable {
        let report: String
        let store: String
        let seconds: Double
        let runs: [RunDigest]
    }

    func run() throws {
        let started = Date()
        let spec: SweepSpec, points: [SweepPoint]
        do {
            spec = try SweepSpec.parse(yaml: Self.sweepYAML(quick: quick), source: "the built-in demo", defaultName: "demo",
                                       directory: URL(fileURLWithPath: "."))
            points = try spec.points()
        } catch {
            throw UsageError("demo: \(error)")
        }
        let url = URL(fileURLWithPath: store)
        if fresh { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: store + suffix) } }
        let plan: SweepPlan
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            plan = try SweepPlan(points: points, store: url)
        } catch {
            throw UsageError("--store: cannot open \(store): \(error)")
        }
        SweepProcesses.log("demo: \(points.map(\.name).joined(separator: " and ")) on Fashion-MNIST; \(plan.pending.count) to run, "
                           + "\(plan.skippedCount) already in \(store)")
        InterruptSignal.install()
        let results = try SweepProcesses.run(plan.pending, jobs: min(jobs, max(plan.pending.count, 1)), store: url, progressEvery: quick ? 20 : 50)
        if let signal = InterruptSignal.receivedSignal { throw ExitCode(128 + signal) }
        if let failed = results.first(where: { $0.status == "failed" }) {
            throw ComputationError("demo run \(failed.name) failed: \(failed.message ?? "")")
        }
        let runStore = try RunStore(url: url)
        let summary = try SweepSummary(spec: spec, points: points, store: runStore)
        let runs = try summary.rows.compactMap { $0.runID }.compactMap { try runStore.run(id: $0) }
        guard runs.count == points.count else { throw ComputationError("demo: \(points.count - runs.count) run(s) missing from \(store)") }
        let digests = try runs.map { try RunDigest(run: $0, store: runStore) }
        let page = try RunReport.page(runs: runs, store: runStore, title: "BiasLab demo: edges of stability of GD and Adam", notes: [
            "Full-batch GD sharpens until λ_max(H) reaches 2/η and then hovers there (Cohen et al. 2021, arXiv 2103.00065); "
                + "full-batch Adam's preconditioned sharpness λ₁(P⁻¹H) settles at (2+2β₁)/((1−β₁)η) (Cohen et al. 2022, arXiv 2207.14484). "
                + "Same network, data and initialization for both; MSE loss (1/n)Σ½‖f−y‖².",
        ])
        try ReportCommand.write(page, to: output)
        // The runs are done: leave one compact file (the pruned checkpoints' pages freed), without a write-ahead log.
        try? runStore.compact()
        try? runStore.close()
        let seconds = Date().timeIntervalSince(started)
        if format.json {
            try JSONOutput.print(Output(report: output, store: store, seconds: seconds, runs: digests))
            return
        }
        for d in digests {
            let what = "\(d.sharpnessSymbol ?? "sharpness") vs \(d.thresholdSymbol ?? "its threshold")"
            let late: String = d.lateFractionNearThreshold.map { String(format: "%.0f%%", 100 * $0) } ?? "-"
            let sharpness = "\(what) = \(RunDigest.format(d.threshold)); λ at the end \(RunDigest.format(d.finalSharpness)), max \(RunDigest.format(d.maxSharpness))"
            let fit = "final train loss \(RunDigest.format(d.finalTrainLoss)), accuracy \(RunDigest.format(d.finalTrainAccuracy, "%.3f"))"
            let test = "test accuracy \(RunDigest.format(d.finalTestAccuracy, "%.3f")) (\(d.status) at step \(d.step))"
            print("\(d.name): \(sharpness), late steps within ±10%: \(late); \(fit), \(test)")
        }
        print(String(format: "report written to %@ (store %@; %.0f s)", output, store, seconds))
    }
}
