import Tensor

/// A model or analytic objective named by a spec string, as the CLI and configs write it.
///
/// Syntax: `kind[:positional][:option]…`, fields separated by `:`. An option is `key=value` or a bare
/// flag; options may come in any order, and each may appear once. Numbers are decimal (`0.5`, `1e-3`).
/// ```
/// mlp:<w0>-<w1>-…-<wL>[:<activation>][:nobias][:init=pytorch|gaussian:<scale>]
///     mlp:784-200-200-10:tanh     mlp:5-8-3:relu:nobias:init=gaussian:0.5
/// cnn:fashion-small[:<activation>][:maxpool|avgpool][:init=pytorch|gaussian:<scale>]
///     cnn:fashion-small           cnn:fashion-small:tanh:avgpool
/// linear:<n>-<k>[:nobias][:init=pytorch|gaussian:<scale>]
///     linear:784-10
/// dln:<d>[:depth=<L>][:alpha=<α>]                      (w = u^{⊙L} − v^{⊙L}, u = v = α·1; L = 2, α = 1)
///     dln:100     dln:100:depth=3:alpha=0.1
/// deeplinear:<d0>-<d1>-…-<dL>[:sensing][:init=pytorch|gaussian:<scale>]
///     deeplinear:10-10-10         deeplinear:8-8-8:sensing:init=gaussian:0.1
/// transformer:vocab=<V>:context=<T>:width=<D>:heads=<H>:layers=<L>[:mlp=<M>][:tied|untied]   (M = 4D, tied)
///     transformer:vocab=256:context=32:width=64:heads=4:layers=2     transformer:vocab=5:context=4:width=4:heads=2:layers=1:untied
/// quadratic:diag=<h1>,…,<hd>[:samples=<N>:noise=<σ>[:seed=<s>]]
///     quadratic:diag=1,17.6       quadratic:diag=1,10,100:samples=32:noise=0.1:seed=7
/// toy-quadratic[:alpha=<α>]                            (θ₁² + 16α θ₂², α = 1.1: θ₁² + 17.6 θ₂²)
/// ellipse[:a=<a>][:b=<b>][:c=<c>][:delta=<δ>]          (defaults a = 2, b = 1, c = 0.5, δ = 0.5)
/// ```
/// `<activation>` is one of tanh, relu, gelu, softplus, identity (mlp default tanh, cnn default relu).
/// `init=gaussian:<scale>` draws W ~ N(0, scale²/fan_in) and b = 0; `init=pytorch` (the default) is
/// PyTorch's U(±1/√fan_in) for weights and biases. Kinds and flags are case-insensitive.
///
/// Specs that need data (mlp, cnn, linear, dln, deeplinear, transformer) build a ``Model``; the analytic ones
/// (quadratic, toy-quadratic, ellipse) build an ``Objective``. `description` prints the canonical
/// form, and `ModelSpec.parse(spec.description) == spec`.
public enum ModelSpec: Sendable, Equatable, CustomStringConvertible {
    case mlp(DenseNetwork)
    case cnn(ConvolutionalNetworkPreset)
    case linear(LinearModel)
    case diagonalNetwork(DiagonalLinearNetwork)
    case deepLinear(DeepLinearNetwork)
    case transformer(Transformer)
    case quadratic(diagonal: [Double], noise: QuadraticNoise?)
    case toyQuadratic(alpha: Double)
    case ellipse(NoisyEllipseObjective)

    /// The per-sample offsets of a `quadratic` spec (see ``QuadraticObjective/withGaussianOffsets(hessian:minimizer:samples:standardDeviation:seed:)``).
    public struct QuadraticNoise: Sendable, Equatable {
        public let samples: Int
        public let standardDeviation: Double
        public let seed: UInt64
        public init(samples: Int, standardDeviation: Double, seed: UInt64 = 0) {
            self.samples = samples
            self.standardDeviation = standardDeviation
            self.seed = seed
        }
    }

    /// A named CNN architecture with its options.
    public struct ConvolutionalNetworkPreset: Sendable, Equatable {
        public enum Name: String, Sendable, CaseIterable {
            case fashionSmall = "fashion-small"
        }
        public let name: Name
        public let activation: Activation
        public let pooling: ConvolutionalNetwork.Pooling
        public let initialization: DenseNetwork.Initialization

        public init(name: Name = .fashionSmall, activation: Activation = .relu, pooling: ConvolutionalNetwork.Pooling = .max,
                    initialization: DenseNetwork.Initialization = .pytorchDefault) {
            self.name = name
            self.activation = activation
            self.pooling = pooling
            self.initialization = initialization
        }

        public var network: ConvolutionalNetwork {
            switch name {
            case .fashionSmall: return .fashionSmall(activation: activation, pooling: pooling, initialization: initialization)
            }
        }
    }

    /// What a spec builds.
    public enum Built {
        case model(any Model)
        case objective(any Objective)
    }

    public func build() -> Built {
        switch self {
        case .mlp(let m): return .model(m)
        case .cnn(let p): return .model(p.network)
        case .linear(let m): return .model(m)
        case .diagonalNetwork(let m): return .model(m)
        case .deepLinear(let m): return .model(m)
        case .transformer(let m): return .model(m)
        case .quadratic(let diagonal, let noise):
            guard let noise else { return .objective(QuadraticObjective(hessian: .diagonal(diagonal))) }
            return .objective(QuadraticObjective.withGaussianOffsets(hessian: .diagonal(diagonal), samples: noise.samples,
                                                                     standardDeviation: noise.standardDeviation, seed: noise.seed))
        case .toyQuadratic(let alpha): return .objective(QuadraticObjective.edgeOfStabilityToy(alpha: alpha))
        case .ellipse(let e): return .objective(e)
        }
    }

    /// Whether the spec builds a model that trains on data (mlp, cnn, linear, dln, deeplinear) rather than
    /// an analytic objective (quadratic, toy-quadratic, ellipse); decided without building anything.
    public var needsData: Bool {
        switch self {
        case .quadratic, .toyQuadratic, .ellipse: false
        case .mlp, .cnn, .linear, .diagonalNetwork, .deepLinear, .transformer: true
        }
    }

    /// The model of a data-driven spec; nil for analytic objectives.
    public var model: (any Model)? {
        if case .model(let m) = build() { return m }
        return nil
    }

    /// The objective of an analytic spec; nil for specs that need data.
    public var objective: (any Objective)? {
        if case .objective(let o) = build() { return o }
        return nil
    }

    /// The default starting point of an analytic objective, used when no θ is given: the paper-003 toy's
    /// documented start (3, 0.1); θ = 1 (all ones) for the other quadratics and the ellipse, a point off
    /// their minimizers. Nil for specs that need data (their start is the model's initialization).
    public var analyticStart: [Double]? {
        switch self {
        case .toyQuadratic: return QuadraticObjective.edgeOfStabilityToyStart
        case .quadratic(let diagonal, _): return [Double](repeating: 1, count: diagonal.count)
        case .ellipse(let e): return [Double](repeating: 1, count: e.dimension)
        default: return nil
        }
    }

    /// d, the length of θ.
    public var parameterCount: Int {
        switch build() {
        case .model(let m): return m.parameterCount
        case .objective(let o): return o.dimension
        }
    }

    // MARK: Printing

    public var description: String {
        switch self {
        case .mlp(let m):
            return "mlp:" + Self.join(m.widths) + ":\(m.activation.rawValue)" + Self.biasAndInit(m.hasBias, m.initialization)
        case .cnn(let p):
            var s = "cnn:\(p.name.rawValue)"
            if p.activation != .relu { s += ":\(p.activation.rawValue)" }
            if p.pooling != .max { s += ":avgpool" }
            return s + Self.biasAndInit(true, p.initialization)
        case .linear(let m):
            return "linear:\(m.inputCount)-\(m.outputCount)" + Self.biasAndInit(m.hasBias, m.initialization)
        case .diagonalNetwork(let m):
            var s = "dln:\(m.dimension)"
            if m.depth != 2 { s += ":depth=\(m.depth)" }
            if m.initialScale != 1 { s += ":alpha=\(Self.format(m.initialScale))" }
            return s
        case .deepLinear(let m):
            return "deeplinear:" + Self.join(m.widths) + (m.readout == .matrixSensing ? ":sensing" : "")
                + Self.biasAndInit(true, m.initialization)
        case .transformer(let m):
            var s = "transformer:vocab=\(m.vocabulary):context=\(m.context):width=\(m.width):heads=\(m.heads):layers=\(m.layers)"
            if m.mlpWidth != 4 * m.width { s += ":mlp=\(m.mlpWidth)" }
            if m.unembedding != .tied { s += ":\(m.unembedding.rawValue)" }
            return s
        case .quadratic(let diagonal, let noise):
            var s = "quadratic:diag=" + diagonal.map(Self.format).joined(separator: ",")
            if let noise {
                s += ":samples=\(noise.samples):noise=\(Self.format(noise.standardDeviation))"
                if noise.seed != 0 { s += ":seed=\(noise.seed)" }
            }
            return s
        case .toyQuadratic(let alpha):
            return alpha == 1.1 ? "toy-quadratic" : "toy-quadratic:alpha=\(Self.format(alpha))"
        case .ellipse(let e):
            let defaults = NoisyEllipseObjective()
            var s = "ellipse"
            for (key, value, standard) in [("a", e.a, defaults.a), ("b", e.b, defaults.b), ("c", e.c, defaults.c),
                                           ("delta", e.delta, defaults.delta)] where value != standard {
                s += ":\(key)=\(Self.format(value))"
            }
            return s
        }
    }

    /// A number as the spec writes it: integers without ".0", others as Swift prints them (round-trips).
    public static func format(_ x: Double) -> String {
        if x == x.rounded(), Swift.abs(x) < 1e15 { return String(Int(x)) }
        return "\(x)"
    }

    static func join(_ widths: [Int]) -> String { widths.map(String.init).joined(separator: "-") }

    static func biasAndInit(_ hasBias: Bool, _ initialization: DenseNetwork.Initialization) -> String {
        (hasBias ? "" : ":nobias") + (initialization == .pytorchDefault ? "" : ":init=\(initialization.specDescription)")
    }

    // MARK: Parsing

    /// Parses a spec (see the type's documentation). Errors name the spec and list the valid forms.
    public static func parse(_ text: String) throws -> ModelSpec {
        var parser = try Parser(text)
        let spec = try parser.parse()
        if let problem = spec.sizeProblem { throw SpecError("model spec '\(text)': \(problem)") }
        return spec
    }

    /// Every spec form, with its syntax, an example, what it builds and its parameter count.
    public struct Form: Codable, Sendable, Equatable {
        public let kind: String
        public let syntax: String
        public let example: String
        public let description: String
        /// d as a formula of the spec's numbers.
        public let parameterCount: String
        /// "model" (needs data) or "objective" (analytic).
        public let builds: String
    }

    public static let forms: [Form] = [
        Form(kind: "mlp", syntax: "mlp:<w0>-<w1>-…-<wL>[:<activation>][:nobias][:init=pytorch|gaussian:<scale>]",
             example: "mlp:784-200-200-10:tanh",
             description: "Fully connected network (PyTorch θ order and init); activation tanh (default), relu, gelu, softplus or identity.",
             parameterCount: "Σ_l (w_{l−1}·w_l + w_l); without bias Σ_l w_{l−1}·w_l", builds: "model"),
        Form(kind: "cnn", syntax: "cnn:fashion-small[:<activation>][:maxpool|avgpool][:init=pytorch|gaussian:<scale>]",
             example: "cnn:fashion-small",
             description: "Small CNN for 28×28 images: conv(1→8, 5×5) → σ → pool 2 → conv(8→16, 5×5) → σ → pool 2 → dense(256→10); relu and max pooling by default.",
             parameterCount: "5994 = (8·25 + 8) + (16·8·25 + 16) + (10·256 + 10)", builds: "model"),
        Form(kind: "linear", syntax: "linear:<n>-<k>[:nobias][:init=pytorch|gaussian:<scale>]",
             example: "linear:784-10", description: "Linear regression or classifier f(x) = x Wᵀ + b.",
             parameterCount: "n·k + k; without bias n·k", builds: "model"),
        Form(kind: "dln", syntax: "dln:<d>[:depth=<L>][:alpha=<α>]",
             example: "dln:100:depth=2:alpha=0.1",
             description: "Diagonal linear network f(x) = ⟨u^{⊙L} − v^{⊙L}, x⟩, θ = (u; v), init u = v = α·1 (paper 002 §5.2); L = 2 and α = 1 by default.",
             parameterCount: "2·<d>", builds: "model"),
        Form(kind: "deeplinear", syntax: "deeplinear:<d0>-<d1>-…-<dL>[:sensing][:init=pytorch|gaussian:<scale>]",
             example: "deeplinear:10-10-10:sensing",
             description: "Deep linear network / matrix factorization M = W_L⋯W_1: f(x) = Mx, or with :sensing f(A) = ⟨A, M⟩ (paper 002 App. B).",
             parameterCount: "Σ_l d_{l−1}·d_l", builds: "model"),
        Form(kind: "transformer", syntax: "transformer:vocab=<V>:context=<T>:width=<D>:heads=<H>:layers=<L>[:mlp=<M>][:tied|untied]",
             example: "transformer:vocab=256:context=32:width=64:heads=4:layers=2",
             description: "Decoder-only GPT-2-style transformer (pre-LayerNorm, causal multi-head attention, exact-erf GELU MLP of width M = 4D by default, unembedding tied to the token embedding by default); nanoGPT state_dict θ order and init. Trains with --loss next-token-ce on token data (text:…).",
             parameterCount: "(V + T)·D + L·(4D² + 2DM + 9D + M) + 2D, plus V·D untied", builds: "model"),
        Form(kind: "quadratic", syntax: "quadratic:diag=<h1>,…,<hd>[:samples=<N>:noise=<σ>[:seed=<s>]]",
             example: "quadratic:diag=1,17.6",
             description: "½θᵀHθ with H = diag(h); with samples/noise, ℓ_i = ½θᵀHθ + ξ_iᵀθ with centred ξ_i ~ N(0, σ²I), Σ = (1/N)Σ ξ_iξ_iᵀ.",
             parameterCount: "the number of diagonal entries", builds: "objective"),
        Form(kind: "toy-quadratic", syntax: "toy-quadratic[:alpha=<α>]",
             example: "toy-quadratic",
             description: "Paper 003's Fig. 22 toy θ₁² + 16αθ₂² (α = 1.1: θ₁² + 17.6θ₂², H = diag(2, 35.2)).",
             parameterCount: "2", builds: "objective"),
        Form(kind: "ellipse", syntax: "ellipse[:a=<a>][:b=<b>][:c=<c>][:delta=<δ>]",
             example: "ellipse:a=2:b=1:c=0.5:delta=0.5",
             description: "Paper 002's noisy ellipse ½(p²/2a² + q²/2b² − c − ξ)², p = x+y, q = x−y, ξ = ±δ as two samples.",
             parameterCount: "2", builds: "objective"),
    ]

    static var validForms: String { forms.map(\.syntax).joined(separator: " | ") }

    /// Splits a spec into kind, positional field and options, and builds the case.
    struct Parser {
        let text: String
        let kind: String
        var fields: [String]

        init(_ text: String) throws {
            self.text = text
            var parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            guard let first = parts.first, !first.isEmpty else {
                throw SpecError("model spec '\(text)': empty; valid forms: \(ModelSpec.validForms)")
            }
            kind = first.lowercased()
            parts.removeFirst()
            // `init=gaussian:<scale>` spans two fields: join them.
            var merged: [String] = []
            for p in parts {
                if let last = merged.last, last.lowercased() == "init=gaussian", Double(p) != nil {
                    merged[merged.count - 1] = last + ":" + p
                } else {
                    merged.append(p)
                }
            }
            fields = merged
        }

        func fail(_ problem: String) -> SpecError {
            let syntax = ModelSpec.forms.first { $0.kind == kind }?.syntax
            return SpecError("model spec '\(text)': \(problem); expected " + (syntax ?? ModelSpec.validForms))
        }

        mutating func parse() throws -> ModelSpec {
            switch kind {
            case "mlp":
                let widths = try takeWidths(minimum: 2)
                var options = try takeOptions(keys: ["init"], flags: ["nobias"] + Activation.allCases.map(\.rawValue))
                let activation = try options.activation(default: .tanh, fail)
                return .mlp(DenseNetwork(widths: widths, activation: activation, hasBias: !options.flag("nobias"),
                                         initialization: try options.initialization(fail)))
            case "cnn":
                let name = try takePositional("architecture")
                guard let preset = ConvolutionalNetworkPreset.Name(rawValue: name.lowercased()) else {
                    throw fail("unknown architecture '\(name)' (known: \(ConvolutionalNetworkPreset.Name.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
                var options = try takeOptions(keys: ["init"], flags: ["maxpool", "avgpool"] + Activation.allCases.map(\.rawValue))
                if options.flag("maxpool") && options.flag("avgpool") { throw fail("maxpool and avgpool both given") }
                let activation = try options.activation(default: .relu, fail)
                return .cnn(ConvolutionalNetworkPreset(name: preset, activation: activation,
                                                       pooling: options.flag("avgpool") ? .average : .max,
                                                       initialization: try options.initialization(fail)))
            case "linear":
                let widths = try takeWidths(minimum: 2)
                guard widths.count == 2 else { throw fail("expected two widths <n>-<k>, got \(widths.count)") }
                var options = try takeOptions(keys: ["init"], flags: ["nobias"])
                return .linear(LinearModel(inputCount: widths[0], outputCount: widths[1], hasBias: !options.flag("nobias"),
                                           initialization: try options.initialization(fail)))
            case "dln":
                let dimension = try takePositional("dimension")
                guard let d = Int(dimension), d > 0 else { throw fail("dimension '\(dimension)' is not a positive integer") }
                let options = try takeOptions(keys: ["depth", "alpha"], flags: [])
                let depth = try options.integer("depth", default: 2, minimum: 1, fail)
                let alpha = try options.number("alpha", default: 1, fail)
                return .diagonalNetwork(DiagonalLinearNetwork(dimension: d, depth: depth, initialScale: alpha))
            case "deeplinear":
                let widths = try takeWidths(minimum: 2)
                var options = try takeOptions(keys: ["init"], flags: ["sensing"])
                return .deepLinear(DeepLinearNetwork(widths: widths, readout: options.flag("sensing") ? .matrixSensing : .vector,
                                                     initialization: try options.initialization(fail)))
            case "transformer":
                var options = try takeOptions(keys: ["vocab", "context", "width", "heads", "layers", "mlp"], flags: ["tied", "untied"])
                for key in ["vocab", "context", "width", "heads", "layers"] where options.values[key] == nil { throw fail("missing \(key)=<n>") }
                if options.flag("tied") && options.flag("untied") { throw fail("tied and untied both given") }
                let width = try options.integer("width", default: 1, minimum: 1, fail)
                let heads = try options.integer("heads", default: 1, minimum: 1, fail)
                guard width <= InputSizeLimit.maxValues else { throw fail("width \(width) exceeds the limit of \(InputSizeLimit.maxValues)") }
                guard width % heads == 0 else { throw fail("width \(width) is not a multiple of heads \(heads)") }
                return .transformer(Transformer(
                    vocabulary: try options.integer("vocab", default: 1, minimum: 1, fail),
                    context: try options.integer("context", default: 1, minimum: 1, fail), width: width, heads: heads,
                    layers: try options.integer("layers", default: 1, minimum: 0, fail),
                    mlpWidth: try options.integer("mlp", default: 4 * width, minimum: 1, fail),
                    unembedding: options.flags.contains("untied") ? .untied : .tied))
            case "quadratic":
                let options = try takeOptions(keys: ["diag", "samples", "noise", "seed"], flags: [])
                guard let diag = options.values["diag"] else { throw fail("missing diag=<h1>,…,<hd>") }
                let entries = diag.split(separator: ",", omittingEmptySubsequences: false).map { Double($0) }
                guard !entries.isEmpty, entries.allSatisfy({ $0?.isFinite == true }) else {
                    throw fail("diag '\(diag)' is not a comma-separated list of numbers")
                }
                let hasSamples = options.values["samples"] != nil, hasNoise = options.values["noise"] != nil
                if hasSamples != hasNoise { throw fail("samples=<N> and noise=<σ> go together") }
                if !hasSamples && options.values["seed"] != nil { throw fail("seed=<s> needs samples=<N> and noise=<σ>") }
                var noise: QuadraticNoise? = nil
                if hasSamples {
                    let sigma = try options.number("noise", default: 0, fail)
                    guard sigma >= 0 else { throw fail("noise must be ≥ 0, got \(sigma)") }
                    let seed = try options.integer("seed", default: 0, minimum: 0, fail)
                    noise = QuadraticNoise(samples: try options.integer("samples", default: 1, minimum: 1, fail),
                                           standardDeviation: sigma, seed: UInt64(seed))
                }
                return .quadratic(diagonal: entries.map { $0! }, noise: noise)
            case "toy-quadratic":
                let options = try takeOptions(keys: ["alpha"], flags: [])
                return .toyQuadratic(alpha: try options.number("alpha", default: 1.1, fail))
            case "ellipse":
                let options = try takeOptions(keys: ["a", "b", "c", "delta"], flags: [])
                let a = try options.number("a", default: 2, fail), b = try options.number("b", default: 1, fail)
                let c = try options.number("c", default: 0.5, fail), delta = try options.number("delta", default: 0.5, fail)
                guard a > 0, b > 0, c > 0, delta >= 0 else { throw fail("need a, b, c > 0 and delta ≥ 0") }
                return .ellipse(NoisyEllipseObjective(a: a, b: b, c: c, delta: delta))
            default:
                throw SpecError("model spec '\(text)': unknown kind '\(kind)'; valid forms: \(ModelSpec.validForms)")
            }
        }

        mutating func takePositional(_ what: String) throws -> String {
            guard let first = fields.first, !first.isEmpty, !first.contains("=") else { throw fail("missing the \(what)") }
            fields.removeFirst()
            return first
        }

        mutating func takeWidths(minimum: Int) throws -> [Int] {
            let field = try takePositional("widths")
            let widths = field.split(separator: "-", omittingEmptySubsequences: false).map { Int($0) }
            guard widths.count >= minimum, widths.allSatisfy({ ($0 ?? 0) > 0 }) else {
                throw fail("widths '\(field)' must be at least \(minimum) positive integers joined by '-'")
            }
            return widths.map { $0! }
        }

        /// The remaining fields as options; unknown or repeated ones are errors.
        mutating func takeOptions(keys: [String], flags: [String]) throws -> Options {
            var options = Options()
            for field in fields {
                if let eq = field.firstIndex(of: "=") {
                    let key = field[..<eq].lowercased(), value = String(field[field.index(after: eq)...])
                    guard keys.contains(key) else { throw fail("unknown option '\(key)'") }
                    guard options.values.updateValue(value, forKey: key) == nil else { throw fail("option '\(key)' given twice") }
                } else {
                    let flag = field.lowercased()
                    guard flags.contains(flag) else { throw fail("unknown option '\(field)'") }
                    guard options.flags.insert(flag).inserted else { throw fail("option '\(flag)' given twice") }
                }
            }
            fields = []
            return options
        }
    }

    struct Options {
        var values: [String: String] = [:]
        var flags: Set<String> = []

        mutating func flag(_ name: String) -> Bool { flags.remove(name) != nil }

        mutating func activation(default standard: Activation, _ fail: (String) -> SpecError) throws -> Activation {
            let given = Activation.allCases.filter { flags.contains($0.rawValue) }
            if given.count > 1 { throw fail("several activations given (\(given.map(\.rawValue).joined(separator: ", ")))") }
            return given.first ?? standard
        }

        func number(_ key: String, default standard: Double, _ fail: (String) -> SpecError) throws -> Double {
            guard let text = values[key] else { return standard }
            guard let x = Double(text), x.isFinite else { throw fail("\(key)='\(text)' is not a number") }
            return x
        }

        func integer(_ key: String, default standard: Int, minimum: Int, _ fail: (String) -> SpecError) throws -> Int {
            guard let text = values[key] else { return standard }
            guard let n = Int(text), n >= minimum else { throw fail("\(key)='\(text)' is not an integer ≥ \(minimum)") }
            return n
        }

        func initialization(_ fail: (String) -> SpecError) throws -> DenseNetwork.Initialization {
            guard let text = values["init"] else { return .pytorchDefault }
            let lower = text.lowercased()
            if lower == "pytorch" { return .pytorchDefault }
            if lower.hasPrefix("gaussian:"), let s = Double(lower.dropFirst("gaussian:".count)), s > 0, s.isFinite {
                return .scaledGaussian(scale: s)
            }
            throw fail("init='\(text)' is not pytorch or gaussian:<positive scale>")
        }
    }
}
