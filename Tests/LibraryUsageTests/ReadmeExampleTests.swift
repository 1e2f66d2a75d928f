import BiasLab
import Foundation
import Testing

/// The README's "Using BiasLab from Swift" example, compiled against `import BiasLab` alone and run, with
/// its numbers checked against the closed form of the Rosenbrock Hessian; and the README's code block
/// checked to be this example, line for line.
struct ReadmeExampleTests {
    @Test func exampleRunsAndGivesTheClosedForm() throws {
        // BEGIN README EXAMPLE
        // Rosenbrock: L(θ) = (1 − θ₀)² + 100(θ₁ − θ₀²)², written with the autodiff engine's operations.
        let objective = ClosureObjective(dimension: 2) { theta in
            let x = theta.slice(0..<1), y = theta.slice(1..<2)
            return ((1 - x).squared() + 100 * (y - x.squared()).squared()).sum()
        }
        var theta = [-1.2, 1.0]
        let lambdaMax = try objective.largestHessianEigenvalue(at: theta)  // Lanczos on exact HVPs
        let trace = objective.hessianTrace(at: theta)                     // exact here: d = 2 ≤ 100 probes
        // Ten steps of PyTorch's Adam (ε outside the square root, bias-corrected).
        var adam = try Adam.torch.with(learningRate: 0.01).instance(dimension: 2)  // the preset adam:torch, typed
        for _ in 0..<10 { adam.step(parameters: &theta, gradient: objective.gradient(at: theta)) }
        print("λ_max \(lambdaMax), tr H \(trace.value), loss after Adam \(objective.loss(at: theta))")
        // END README EXAMPLE

        // H at (−1.2, 1) = [[1200θ₀² − 400θ₁ + 2, −400θ₀], [−400θ₀, 200]] = [[1330, 480], [480, 200]].
        let (a, b, c): (Double, Double, Double) = (1330, 480, 200)
        let discriminant: Double = (a - c) * (a - c) + 4 * b * b
        let expected: Double = (a + c + discriminant.squareRoot()) / 2
        #expect(abs(lambdaMax - expected) / expected < 1e-10)
        #expect(trace.value == 1530 && trace.standardError == 0)
        #expect(objective.loss(at: theta) < objective.loss(at: [-1.2, 1.0]))
    }

    @Test func readmeShowsThisExample() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        let source = try String(contentsOf: URL(fileURLWithPath: #filePath), encoding: .utf8)
        let example = source.components(separatedBy: "// BEGIN README EXAMPLE\n")[1].components(separatedBy: "        // END README EXAMPLE")[0]
            .split(separator: "\n", omittingEmptySubsequences: false).map { $0.dropFirst(8) }.joined(separator: "\n")
        let section = try #require(readme.components(separatedBy: "## Using BiasLab from Swift").dropFirst().first)
        let block = try #require(section.components(separatedBy: "```swift\n").dropFirst().first?.components(separatedBy: "```").first)
        #expect(block == "import BiasLab\n\n" + example)
    }
}
