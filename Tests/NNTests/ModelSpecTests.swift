import NN
import Tensor
import Testing

/// The spec grammar: canonical round trips, normalization, what each spec builds (parameter counts
/// against the formulas of `ModelSpec.forms`), and error messages that name the spec and the valid form.
struct ModelSpecTests {
    @Test(arguments: [
        "mlp:784-200-200-10:tanh", "mlp:5-8-3:relu:nobias:init=gaussian:0.5", "mlp:4-2:identity:init=gaussian:1",
        "cnn:fashion-small", "cnn:fashion-small:tanh:avgpool", "cnn:fashion-small:init=gaussian:2",
        "linear:784-10", "linear:3-1:nobias",
        "dln:100", "dln:100:depth=3:alpha=0.1",
        "deeplinear:10-10-10", "deeplinear:8-8-8:sensing:init=gaussian:0.1",
        "quadratic:diag=1,17.6", "quadratic:diag=1,10,100:samples=32:noise=0.1:seed=7", "quadratic:diag=0.001:samples=2:noise=1",
        "toy-quadratic", "toy-quadratic:alpha=0.9",
        "transformer:vocab=256:context=32:width=64:heads=4:layers=2", "transformer:vocab=5:context=4:width=4:heads=2:layers=1:mlp=6:untied", "ellipse", "ellipse:a=3:delta=0.25",
    ])
    func canonicalSpecsRoundTrip(text: String) throws {
        let spec = try ModelSpec.parse(text)
        #expect(spec.description == text)
        #expect(try ModelSpec.parse(spec.description) == spec)
    }

    @Test func nonCanonicalSpellingsNormalize() throws {
        let cases = [("MLP:5-8-3", "mlp:5-8-3:tanh"), ("dln:100:alpha=1:depth=2", "dln:100"),
                     ("cnn:Fashion-Small:relu:maxpool:init=pytorch", "cnn:fashion-small"),
                     ("quadratic:diag=1.0,17.60", "quadratic:diag=1,17.6"), ("toy-quadratic:alpha=1.1", "toy-quadratic"),
                     ("ellipse:delta=0.5:a=2.0", "ellipse"), ("mlp:3-2:nobias:GELU", "mlp:3-2:gelu:nobias")]
        for (input, canonical) in cases { #expect(try ModelSpec.parse(input).description == canonical) }
    }

    /// Oracle: the parameter-count formulas of `ModelSpec.forms`, evaluated by hand.
    @Test func specsBuildTheDocumentedModels() throws {
        #expect(try ModelSpec.parse("mlp:784-200-200-10:tanh").parameterCount == 784 * 200 + 200 + 200 * 200 + 200 + 200 * 10 + 10)
        #expect(try ModelSpec.parse("mlp:784-200-10:relu:nobias").parameterCount == 784 * 200 + 200 * 10)
        #expect(try ModelSpec.parse("cnn:fashion-small").parameterCount == (8 * 25 + 8) + (16 * 8 * 25 + 16) + (10 * 256 + 10))
        #expect(try ModelSpec.parse("linear:784-10").parameterCount == 7850)
        #expect(try ModelSpec.parse("dln:100:depth=3").parameterCount == 200)
        #expect(try ModelSpec.parse("deeplinear:10-5-10:sensing").parameterCount == 100)
        #expect(try ModelSpec.parse("toy-quadratic").parameterCount == 2)
        // (V + T)·D + L·(4D² + 2DM + 9D + M) + 2D (+ V·D untied)
        #expect(try ModelSpec.parse("transformer:vocab=256:context=32:width=64:heads=4:layers=2").parameterCount
                == 288 * 64 + 2 * (4 * 4096 + 2 * 64 * 256 + 9 * 64 + 256) + 128)
        #expect(try ModelSpec.parse("transformer:vocab=5:context=4:width=4:heads=2:layers=1:untied:mlp=6").parameterCount
                == 9 * 4 + (64 + 48 + 36 + 6) + 8 + 20)

        let mlp = try #require(ModelSpec.parse("mlp:5-8-3:relu:nobias:init=gaussian:0.5").model as? DenseNetwork)
        #expect(mlp == DenseNetwork(widths: [5, 8, 3], activation: .relu, hasBias: false, initialization: .scaledGaussian(scale: 0.5)))
        let dln = try #require(ModelSpec.parse("dln:100:depth=3:alpha=0.1").model as? DiagonalLinearNetwork)
        #expect(dln == DiagonalLinearNetwork(dimension: 100, depth: 3, initialScale: 0.1))
        let cnn = try #require(ModelSpec.parse("cnn:fashion-small:tanh:avgpool").model as? ConvolutionalNetwork)
        #expect(cnn == .fashionSmall(activation: .tanh, pooling: .average))
        let sensing = try #require(ModelSpec.parse("deeplinear:4-3-2:sensing").model as? DeepLinearNetwork)
        #expect(sensing.readout == .matrixSensing && sensing.inputCount == 8 && sensing.outputCount == 1)

        let quadratic = try #require(ModelSpec.parse("quadratic:diag=1,17.6").objective as? QuadraticObjective)
        #expect(quadratic.hessian == .diagonal([1, 17.6]) && quadratic.sampleCount == 1)
        let noisy = try #require(ModelSpec.parse("quadratic:diag=1,2,3:samples=8:noise=0.2:seed=3").objective as? QuadraticObjective)
        #expect(noisy.sampleCount == 8)
        #expect(noisy == QuadraticObjective.withGaussianOffsets(hessian: .diagonal([1, 2, 3]), samples: 8, standardDeviation: 0.2, seed: 3))
        let toy = try #require(ModelSpec.parse("toy-quadratic").objective as? QuadraticObjective)
        #expect(toy.hessian == .diagonal([2, 35.2]))
        let ellipse = try #require(ModelSpec.parse("ellipse:c=1").objective as? NoisyEllipseObjective)
        #expect(ellipse == NoisyEllipseObjective(a: 2, b: 1, c: 1, delta: 0.5))
        #expect(try ModelSpec.parse("ellipse").model == nil && ModelSpec.parse("linear:2-1").objective == nil)
    }

    @Test func everyDocumentedExampleParses() throws {
        for form in ModelSpec.forms {
            let spec = try ModelSpec.parse(form.example)
            #expect((spec.model == nil ? "objective" : "model") == form.builds, "\(form.example)")
            #expect(spec.description.hasPrefix(form.kind), "\(form.example)")
        }
    }

    static let mlpForm = "mlp:<w0>-<w1>-…-<wL>[:<activation>][:nobias][:init=pytorch|gaussian:<scale>]"

    @Test func errorsNameTheSpecAndTheValidForm() {
        func message(_ text: String) -> String {
            do { _ = try ModelSpec.parse(text); return "no error" } catch { return "\(error)" }
        }
        #expect(message("mlp:784-x-10") == "model spec 'mlp:784-x-10': widths '784-x-10' must be at least 2 positive integers joined by '-'; expected \(Self.mlpForm)")
        #expect(message("mlp:784-10:sigmoid") == "model spec 'mlp:784-10:sigmoid': unknown option 'sigmoid'; expected \(Self.mlpForm)")
        #expect(message("mlp:784-10:relu:tanh") == "model spec 'mlp:784-10:relu:tanh': several activations given (tanh, relu); expected \(Self.mlpForm)")
        #expect(message("mlp:4-2:init=uniform") == "model spec 'mlp:4-2:init=uniform': init='uniform' is not pytorch or gaussian:<positive scale>; expected \(Self.mlpForm)")
        #expect(message("dln:100:depth=0") == "model spec 'dln:100:depth=0': depth='0' is not an integer ≥ 1; expected dln:<d>[:depth=<L>][:alpha=<α>]")
        #expect(message("dln:100:alpha=1:alpha=2") == "model spec 'dln:100:alpha=1:alpha=2': option 'alpha' given twice; expected dln:<d>[:depth=<L>][:alpha=<α>]")
        #expect(message("cnn:resnet") == "model spec 'cnn:resnet': unknown architecture 'resnet' (known: fashion-small); expected cnn:fashion-small[:<activation>][:maxpool|avgpool][:init=pytorch|gaussian:<scale>]")
        #expect(message("quadratic:diag=1,x").hasPrefix("model spec 'quadratic:diag=1,x': diag '1,x' is not a comma-separated list of numbers; expected quadratic:diag="))
        #expect(message("quadratic:diag=1:samples=4").hasPrefix("model spec 'quadratic:diag=1:samples=4': samples=<N> and noise=<σ> go together"))
        #expect(message("quadratic").hasPrefix("model spec 'quadratic': missing diag=<h1>,…,<hd>"))
        #expect(message("linear:3-4-5").hasPrefix("model spec 'linear:3-4-5': expected two widths <n>-<k>, got 3"))
        #expect(message("ellipse:a=-1").hasPrefix("model spec 'ellipse:a=-1': need a, b, c > 0 and delta ≥ 0"))
        let unknown = message("resnet:4")
        #expect(unknown.hasPrefix("model spec 'resnet:4': unknown kind 'resnet'; valid forms: mlp:"))
        #expect(message("transformer:vocab=5:context=4:width=6:heads=4:layers=1").hasPrefix("model spec 'transformer:vocab=5:context=4:width=6:heads=4:layers=1': width 6 is not a multiple of heads 4; expected transformer:vocab="))
        #expect(message("transformer:vocab=5:context=4:width=4:layers=1").hasPrefix("model spec 'transformer:vocab=5:context=4:width=4:layers=1': missing heads=<n>"))
        #expect(message("transformer:vocab=5:context=4:width=4:heads=2:layers=1:tied:untied").hasPrefix("model spec 'transformer:vocab=5:context=4:width=4:heads=2:layers=1:tied:untied': tied and untied both given"))
        #expect(message("transformer:vocab=3000000000:context=4:width=3:heads=1:layers=1").contains("more than the limit"))
        #expect(message("transformer:vocab=3:context=4:width=9223372036854775807:heads=1:layers=1").contains("width 9223372036854775807 exceeds the limit"))
        #expect(ModelSpec.forms.allSatisfy { unknown.contains($0.syntax) })
        #expect(message("").hasPrefix("model spec '': empty; valid forms: "))
    }
}
