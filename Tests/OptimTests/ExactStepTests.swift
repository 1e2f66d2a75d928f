import Foundation
import Testing
@testable import Optim

/// Oracle: three steps on L = ½(θ₁² + 4θ₂²) from θ₀ = (1, −0.5), computed from each doc comment's update
/// lines with scalar Python floats (the script is quoted in tools/fixtures/README.md). Tolerance 1e-12: only
/// the operation order differs.
let exactSteps: [(spec: String, steps: [[Double]])] = [
    ("sgd:plain,lr=0.1", [[0.9, -0.3], [0.81, -0.18], [0.7290000000000001, -0.108]]),
    ("sgd:torch,lr=0.1,weight_decay=0.5", [[0.85, -0.275], [0.7224999999999999, -0.15125], [0.6141249999999999, -0.08318749999999998]]),
    ("momentum:paper,lr=0.1", [[0.9, -0.3], [0.72, 5.551115123125783e-17], [0.486, 0.2700000000000001]]),
    ("momentum:torch,lr=0.1,dampening=0.5", [[0.9, -0.3], [0.765, -0.06], [0.60525, 0.16800000000000004]]),
    ("nesterov:torch,lr=0.1", [[0.81, -0.12], [0.5751000000000001, 0.13320000000000004], [0.32732100000000003, 0.21664800000000006]]),
    ("nesterov:paper003,lr=0.1,beta1=0.8,beta2=0.5", [[0.85, -0.19999999999999996], [0.6525, 0.06000000000000008], [0.43912499999999993, 0.19200000000000006]]),
    ("adam:torch,lr=0.1,weight_decay=0.5", [[0.9000000006666666, -0.40000000044444445], [0.8004122290319746, -0.3011874205083482], [0.7015862734654918, -0.20487125079410431]]),
    ("adam:paper000,lr=0.1,eps=0.01", [[0.900496280979001, -0.40012476611221554], [0.801451111831851, -0.3014599872517077], [0.703215022987696, -0.2053142834884715]]),
    ("adam:mlx,lr=0.1", [[0.6837723339831306, -0.18377228398315432], [0.2702061690866708, 0.1926190391075832], [-0.16214120740030852, 0.403689849569039]]),
    ("adam:paper004,lr=0.1,eps=0.01", [[-9.0, 19.5], [-8.577905158936947, 17.50471327572663], [-8.486625320135438, 17.41205571253416]]),
    ("adamw:torch,lr=0.1,weight_decay=0.5", [[0.850000001, -0.3750000005], [0.7082484443656524, -0.2579924928726679], [0.574973932253246, -0.1505026325793887]]),
    ("nadam:paper001,lr=0.1,eps=0.01", [[0.900496280979001, -0.40012476611221554], [0.8019437441414419, -0.30250321660252644], [0.7047136362775476, -0.2085564569664965]]),
    ("rmsprop:torch,lr=0.1", [[9.99999903994464e-08, 0.4999999500000021], [-5.037713765467287e-10, -0.2088811946167557], [5.088548363103125e-12, 0.07638717462479233]]),
    ("adame:paper002,lr=0.1,exponent=0.25", [[0.9437658706432426, -0.4204729302855725], [0.8553341900323743, -0.2993313027173618], [0.7441764461876016, -0.15563108412754642]]),
    ("adasgd:paper002,lr=0.1", [[0.9367544471966324, -0.37350889439326485], [0.8688572688326339, -0.2517420890975477], [0.7963193785151095, -0.13750783355679835]]),
    ("lion:official,lr=0.1,weight_decay=0.5", [[0.85, -0.375], [0.7075, -0.25625], [0.572125, -0.14343749999999997]]),
    ("lionk:paper001,lr=0.1", [[0.9000000499999625, -0.40000001249999767], [0.8000001059626003, -0.3000000282648031], [0.7000001690433434, -0.20000004877891758]]),
    ("signum:paper,lr=0.1", [[0.9, -0.4], [0.8, -0.30000000000000004], [0.7000000000000001, -0.20000000000000004]]),
    ("softsign:paper001,lr=0.1,eps=0.01", [[0.900496280979001, -0.40012476611221554], [0.8011072397028598, -0.3003193871888978], [0.7018773434783201, -0.20066408083594073]]),
]

@Test(arguments: exactSteps.indices)
func threeExactSteps(_ index: Int) throws {
    let entry = exactSteps[index]
    let steps = try spec(entry.spec).trajectory(from: Quadratic2D.start, steps: 3, gradient: Quadratic2D.gradient)
    for k in 0..<3 { expectClose(steps[k], entry.steps[k], tolerance: 1e-12, "\(entry.spec) step \(k + 1)") }
}

/// Oracle: the minimizer θ* = 0 of L = ½(θ₁² + 4θ₂²). Every preset, at a stable learning rate, ends within
/// 0.05 of it after 3000 steps (sign methods and Adam keep oscillating at the scale of η = 0.005).
@Test(arguments: OptimizerCatalog.presets.map(\.name))
func convergesOnQuadratic(_ preset: String) throws {
    let family = preset.split(separator: ":")[0]
    var text = preset + (["sgd", "momentum", "nesterov", "generalized-momentum"].contains(family) ? ",lr=0.05" : ",lr=0.005")
    if preset.hasSuffix("paper004") { text += ",eps=0.1" }  // lagged v: the first step divides by ε (digest 004 §2.1)
    if preset.hasPrefix("nadamw") || preset.hasPrefix("adamw") { text += ",weight_decay=0" }
    let steps = try spec(text).trajectory(from: Quadratic2D.start, steps: 3000, gradient: Quadratic2D.gradient)
    let last = steps.last!
    #expect(last.allSatisfy { abs($0) < 0.05 }, "\(text): ended at \(last)")
}
