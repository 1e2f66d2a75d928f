import Foundation

/// The three runs of `biaslab demo` as one sweep (a list of three points, run by the sweep runner):
///
/// - `gd`: full-batch GD on the fc-tanh network of Cohen et al., λ_max(H) against 2/η;
/// - `adam`: full-batch Adam on the same network and data, λ₁(P⁻¹H) against (2+2β₁)/((1−β₁)η);
/// - `sgd`: mini-batch SGD in the setting of the `003-sgd` reproduction (paper 003 Figs. 26–33), the
///   instability ratio tr(H S_b)/tr(S_N) from exact per-sample gradients (the `interaction` probe) and
///   λ_max(H) (the `sharpness` probe), both against 2/η.
///
/// `quick` shrinks data, networks and steps to a smoke test of the same path.
struct DemoSweep {
    /// The mini-batch SGD run: a tanh MLP on the first `samples` Fashion-MNIST images, ½-MSE, shuffled epochs.
    struct StochasticSetting {
        let widths: String
        let samples: Int
        let batchSize: Int
        /// η = 2/edge, so the threshold 2/η is `edge`.
        let edge: Double
        let steps: Int
        let every: Int
        var learningRate: Double { 2 / edge }
    }

    let quick: Bool

    /// The list label of the SGD run (its run is named `demo/sgd` or `demo-quick/sgd`).
    static let stochasticLabel = "sgd"

    /// The SGD run's setting: paper 003's miniature (784-32-10 on 256 images, b = 8, η = 2/35) or, quick, a smaller one.
    var stochastic: StochasticSetting {
        quick ? StochasticSetting(widths: "784-8-10", samples: 64, batchSize: 8, edge: 35, steps: 60, every: 10)
              : StochasticSetting(widths: "784-32-10", samples: 256, batchSize: 8, edge: 35, steps: 2000, every: 40)
    }

    /// The sweep file of the demo.
    var yaml: String {
        let (n, widths, gdSteps, adamSteps, every, testEvery) = quick ? (200, "784-32-10", 60, 60, 10, 20) : (1000, "784-200-200-10", 600, 1000, 10, 50)
        let sharpness = "{method: lanczos, tolerance: 1.0e-4, max_iterations: \(quick ? 30 : 50)}"
        let s = stochastic
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
              - name: \(Self.stochasticLabel)
                model: mlp:\(s.widths):tanh
                data: {train: "fashion-mnist:train,n=\(s.samples)", test: "fashion-mnist:test,n=\(s.samples)"}
                training: {steps: \(s.steps), batch_size: \(s.batchSize), sampling: without-replacement, checkpoint_every: \(s.steps / 4)}
                optimizer: {name: sgd, lr: \(s.learningRate)}
                probes:
                  - {name: train, every: \(s.every)}
                  - {name: test, every: \(4 * s.every)}
                  - {name: sharpness, every: \(s.every), options: \(sharpness)}
                  - {name: interaction, every: \(s.every), options: {mode: exact}}
            """
    }
}
