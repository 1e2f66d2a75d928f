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

            \(ModelSpec.forms.map { helpLines($0.syntax) }.joined(separator: "\n"))

            <activation>: tanh, relu, gelu, softplus or identity
              (mlp default tanh, cnn default relu).
            init=pytorch (default): W, b ~ U(±1/√fan_in).
            init=gaussian:<scale>: W ~ N(0, scale²/fan_in), b = 0.
            `biaslab models` describes each form; --check prints a spec's
            canonical form and parameter count.

            Examples:
              biaslab models
              biaslab models --json
              biaslab models --check mlp:784-200-200-10:tanh
              biaslab models --check dln:100:depth=3:alpha=0.1
            """)

    /// A form's syntax for the help text: `<init>` for the init option, indented by 2, and broken before a
    /// `[` (else a `:`) into lines of at most 78 columns (the help's width), continuations indented by 6.
    static func helpLines(_ syntax: String) -> String {
        var rest = Substring(syntax.replacingOccurrences(of: "init=pytorch|gaussian:<scale>", with: "<init>"))
        var lines: [String] = []
        var indent = "  "
        while indent.count + rest.count > 78 {
            let head = rest.indices.prefix(78 - indent.count).dropFirst()
            guard let cut = head.last(where: { rest[$0] == "[" }) ?? head.last(where: { rest[$0] == ":" }) else { break }
            lines.append(indent + rest[..<cut])
            rest = rest[cut...]
            indent = "      "
        }
        return (lines + [indent + rest]).joined(separator: "\n")
    }

    @OptionGroup var output: OutputOptions

    @Option(name: .long, help: "Parse one spec and print its canonical form and parameter count.")
    var check: String?

    struct Listing: Encodable {
        let forms: [Entry]
    }

    /// A spec form and its example's parameter count, encoded as one flat object.
    struct Entry: Encodable {
        let form: ModelSpec.Form
        let exampleParameterCount: Int

        enum CodingKeys: String, CodingKey { case exampleParameterCount }

        func encode(to encoder: any Encoder) throws {
            try form.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(exampleParameterCount, forKey: .exampleParameterCount)
        }
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
            Entry(form: form, exampleParameterCount: try ModelSpec.parse(form.example).parameterCount)
        }
        if output.json { try JSONOutput.print(Listing(forms: entries)); return }
        for e in entries {
            print(e.form.syntax)
            print("    \(e.form.description)")
            print("    builds: \(e.form.builds); d = \(e.form.parameterCount); example: \(e.form.example) (d = \(e.exampleParameterCount))")
        }
    }
}
