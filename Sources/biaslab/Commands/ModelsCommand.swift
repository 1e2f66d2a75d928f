import ArgumentParser
import NN

/// `biaslab models`: every model and analytic-objective spec form, with what it builds and its
/// parameter count.
struct ModelsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models",
        abstract: "List the model and objective spec forms.",
        discussion: """
            A spec is kind[:positional][:option]..., fields separated by ':'.
            An option is key=value or a bare flag, in any order, at most once.
            Kinds and flags are case-insensitive. <init> is init=pytorch or
            init=gaussian:<scale>.

              mlp:<w0>-<w1>-...-<wL>[:<activation>][:nobias][:<init>]
              cnn:fashion-small[:<activation>][:maxpool|avgpool][:<init>]
              linear:<n>-<k>[:nobias][:<init>]
              dln:<d>[:depth=<L>][:alpha=<α>]
              deeplinear:<d0>-<d1>-...-<dL>[:sensing][:<init>]
              quadratic:diag=<h1>,...,<hd>[:samples=<N>:noise=<σ>[:seed=<s>]]
              toy-quadratic[:alpha=<α>]
              ellipse[:a=<a>][:b=<b>][:c=<c>][:delta=<δ>]

            <activation>: tanh, relu, gelu, softplus or identity
              (mlp default tanh, cnn default relu).
            init=pytorch (default): W, b ~ U(±1/√fan_in).
            init=gaussian:<scale>: W ~ N(0, scale²/fan_in), b = 0.
            dln: w = u^L − v^L elementwise, u = v = α·1 (defaults L = 2, α = 1).
            deeplinear with :sensing reads out ⟨A, W_L⋯W_1⟩ (matrix sensing).
            quadratic with samples and noise: ℓ_i = ½θᵀHθ + ξ_iᵀθ, with centred
              ξ_i ~ N(0, σ²I) drawn from the seed (default 0).
            toy-quadratic: θ₁² + 16αθ₂², α = 1.1 (paper 003, Fig. 22).
            ellipse: paper 002's noisy ellipse; a = 2, b = 1, c = 0.5, delta = 0.5.
            mlp, cnn, linear, dln and deeplinear need data (they build a model);
            quadratic, toy-quadratic and ellipse build an objective.

            Examples:
              biaslab models
              biaslab models --json
              biaslab models --check mlp:784-200-200-10:tanh
              biaslab models --check dln:100:depth=3:alpha=0.1
            """)

    @OptionGroup var output: OutputOptions

    @Option(name: .long, help: "Parse one spec and print its canonical form and parameter count.")
    var check: String?

    struct Listing: Codable {
        let forms: [Entry]
    }

    struct Entry: Codable {
        let kind: String
        let syntax: String
        let example: String
        let description: String
        let parameterCount: String
        let exampleParameterCount: Int
        let builds: String
    }

    struct Checked: Codable {
        let spec: String
        let canonical: String
        let builds: String
        let parameterCount: Int
    }

    func run() throws {
        if let check {
            let spec: ModelSpec
            do { spec = try ModelSpec.parse(check) } catch let error as SpecError { throw UsageError(error.description) }
            let builds = spec.model == nil ? "objective" : "model"
            let result = Checked(spec: check, canonical: spec.description, builds: builds, parameterCount: spec.parameterCount)
            if output.json { try JSONOutput.print(result) } else {
                print("\(result.canonical): \(builds), d = \(result.parameterCount)")
            }
            return
        }
        let entries = try ModelSpec.forms.map { form in
            Entry(kind: form.kind, syntax: form.syntax, example: form.example, description: form.description,
                  parameterCount: form.parameterCount,
                  exampleParameterCount: try ModelSpec.parse(form.example).parameterCount, builds: form.builds)
        }
        if output.json { try JSONOutput.print(Listing(forms: entries)); return }
        for e in entries {
            print(e.syntax)
            print("    \(e.description)")
            print("    builds: \(e.builds); d = \(e.parameterCount); example: \(e.example) (d = \(e.exampleParameterCount))")
        }
    }
}
