import ArgumentParser
import Experiments
import Theory

/// `biaslab theory trajectory`: the optimizer vs its first- and second-order memoryless iterations.
struct TheoryTrajectoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trajectory",
        abstract: "Distances between an optimizer and its memoryless approximations, and the estimated order (paper 001).",
        discussion: """
            Runs, from θ⁽⁰⁾ = --params, the optimizer (full batch), the first-order memoryless iteration
            θ ← θ − hF(θ) and the second-order one θ ← θ − h[F(θ) + M(θ)] (exact finite-n forms), for --steps K
            at step h, then again at h/2, h/4, … (--refinements) over the same horizon Kh. Prints the maximal
            ℓ∞ distances and the slopes log₂(e(h)/e(h/2)); Corollary 3.3 predicts ≈ 2 with M and ≈ 1 without
            once h is small enough: the steps must far exceed the memory 1/(1 − β_max), and the constants
            grow like ε^(−1/2) to ε^(−3/2) where |∇L| ≲ √ε (AdamW β₂ = 0.999 on quadratic:diag=1,4, ε = 1e-2,
            T = 0.2: slopes with M −0.13, 0.05 from h = 1e-3; 0.78, 1.34 from 1e-4; 1.91, 1.96 from
            1e-5). --json adds the whole curves (the distance at every step, per h; paper
            001 Fig. 1) and -o writes them as an HTML report.

            Examples:
              biaslab theory trajectory --model mlp:4-8-1:tanh --params theta.npy --data data.npz --loss mse \\
                --optimizer heavy-ball --lr 0.01 --momentum 0.9 --steps 50 --json
              biaslab theory trajectory --model quadratic:diag=1,4 --optimizer heavy-ball --lr 0.02 --momentum 0.5 --steps 40 --refinements 3 -o trajectory.html
              biaslab theory trajectory --model mlp:3-8-1:gelu --init-seed 1 --data sparse-regression:n=16,d=3,k=2,seed=1 --optimizer heavy-ball --lr 0.01 --beta 0.5 --steps 10 --refinements 1 --json
              biaslab theory trajectory --model quadratic:diag=1,4 --optimizer adamw:paper001 --lr 0.001 --beta1 0.9 --beta2 0.99 --eps 1e-6 --weight-decay 0.1 --steps 10 --refinements 1 --json
            """)

    @OptionGroup var model: ModelOptions

    @OptionGroup var optimizer: OptimizerOptions

    @Option(name: .long, help: "Number of steps K at step size --lr (≥ 1).")
    var steps: Int

    @Option(name: .long, help: "Halvings of h for the order estimate (≥ 1, default 2).")
    var refinements: Int = 2

    @Option(name: [.customShort("o"), .customLong("output")], help: "Write the distance curves as an HTML report here.")
    var html: String?

    @OptionGroup var output: OutputOptions

    func validate() throws {
        try OptionCheck.atLeast(steps, 1, "--steps")
        try OptionCheck.atLeast(refinements, 1, "--refinements")
        guard model.isGiven else { throw ValidationError("give --model (with --data for a model that needs data; --params defaults to the initialization)") }
    }

    struct Report: Encodable {
        let learningRates: [Double]
        let firstOrderErrors: [Double]
        let secondOrderErrors: [Double]
        let firstOrderSlopes: [Double]
        let secondOrderSlopes: [Double]
        let orderWithoutCorrection: Double
        let orderWithCorrection: Double
        /// Per h: the ℓ∞ distance at every step n = 0…K·2^j, without and with the correction.
        let curves: [Curve]
    }

    struct Curve: Encodable {
        let learningRate: Double
        let firstOrder: [Double]
        let secondOrder: [Double]
    }

    func run() throws {
        let (rule, h, _) = try optimizer.theoryModel(MemoryOptimizer.init)
        guard let (objective, theta) = try model.load() else { return }
        let order = try MemoryConvergenceOrder(optimizer: rule, objective: objective, from: theta,
                                               learningRate: h, steps: steps, refinements: refinements)
        let report = Report(learningRates: order.learningRates, firstOrderErrors: order.firstOrderErrors,
                            secondOrderErrors: order.secondOrderErrors, firstOrderSlopes: order.firstOrderSlopes,
                            secondOrderSlopes: order.secondOrderSlopes, orderWithoutCorrection: order.firstOrderSlopes.last!,
                            orderWithCorrection: order.secondOrderSlopes.last!,
                            curves: order.learningRates.indices.map {
                                Curve(learningRate: order.learningRates[$0], firstOrder: order.firstOrderCurves[$0], secondOrder: order.secondOrderCurves[$0])
                            })
        if let html {
            try StandardStreams.writeFile(MemoryTrajectoryReport.html(order, optimizer: optimizer.optimizer ?? "the optimizer"), to: html, option: "-o")
        }
        if try output.printJSON(report) { return }
        let show = OptionCheck.show
        print("h            without M     with M")
        for (j, h) in order.learningRates.enumerated() {
            print("\(show(h))  \(show(order.firstOrderErrors[j]))  \(show(order.secondOrderErrors[j]))")
        }
        print("estimated order: \(show(report.orderWithoutCorrection)) without M, \(show(report.orderWithCorrection)) with M")
    }
}
