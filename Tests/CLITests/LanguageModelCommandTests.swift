import BiasLabTestSupport
import DataIO
import Foundation
import NN
import Tensor
import Testing

/// A transformer on a user's text file end to end: `evaluate` with θ from `.npy` and from the same
/// weights as a `.safetensors` state_dict (oracle: the library's loss on the same windows), perplexity
/// = exp(loss), and bad input (text, safetensors) as one line with exit 2.
struct LanguageModelCommandTests {
    static let spec = "transformer:vocab=128:context=8:width=8:heads=2:layers=1:untied"

    @Test func evaluateReadsSafetensorsLikeNPY() throws {
        let dir = try CLIRunner.temporaryDirectory()
        let text = dir.appendingPathComponent("notes.txt")
        try Data("The quick brown fox jumps over the lazy dog.\n\nPack my box with five dozen liquor jugs.\n".utf8).write(to: text)
        let model = try #require(try ModelSpec.parse(Self.spec).model)
        var rng = RandomGenerator(seed: 3)
        let theta = rng.gaussians(model.parameterCount).map { 0.3 * $0 }
        try NPY.write(Tensor(theta), to: dir.appendingPathComponent("theta.npy"))
        try Safetensors.write(model.blocks.map { ($0.name, Tensor(shape: $0.shape!, scalars: Array(theta[$0.range]))) },
                              to: dir.appendingPathComponent("model.safetensors"))
        let data = "text:\(text.path),context=8,stride=4,validation=0"
        let windows = try TextCorpus(corpus: .file(text), context: 8, stride: 4, validation: 0).generate()
        let expected = SupervisedObjective(model: model, loss: .nextTokenCrossEntropy, inputs: windows.x, targets: windows.y).loss(at: theta)
        for params in ["theta.npy", "model.safetensors"] {
            let r = try CLIRunner.run(["evaluate", "--model", Self.spec, "--params", dir.appendingPathComponent(params).path,
                                       "--data", data, "--loss", "next-token-ce", "--json"])
            #expect(r.status == 0, "\(r.stderr)")
            let json = try #require(r.json)
            let loss = try #require(json["loss"] as? Double)
            #expect(Closeness.relativeError(loss, expected) <= 1e-12, "\(params)")
            #expect(Closeness.relativeError(try #require(json["perplexity"] as? Double), Foundation.exp(loss)) <= 1e-12)
            #expect(json["num_samples"] as? Int == windows.count)
        }
        // A misshapen tensor and a truncated file: one line, exit 2.
        try Safetensors.write([("transformer.wte.weight", Tensor.zeros([2]))], to: dir.appendingPathComponent("bad.safetensors"))
        try Data([1, 2, 3]).write(to: dir.appendingPathComponent("short.safetensors"))
        for (file, message) in [("bad.safetensors", "tensor 'transformer.wte.weight' has shape [2], expected [128, 8]"),
                                ("short.safetensors", "truncated: the header length needs 8 bytes")] {
            let r = try CLIRunner.run(["evaluate", "--model", Self.spec, "--params", dir.appendingPathComponent(file).path,
                                       "--data", data, "--loss", "next-token-ce"])
            #expect(r.status == 2 && r.stderr.contains(message) && r.stderr.split(separator: "\n").count == 1, "\(r.stderr)")
        }
        let analytic = try CLIRunner.run(["evaluate", "--model", "toy-quadratic", "--params", dir.appendingPathComponent("model.safetensors").path])
        #expect(analytic.status == 2 && analytic.stderr.contains("is an analytic objective; give θ as .npy"), "\(analytic.stderr)")
    }

    @Test func badTextIsOneLineExitTwo() throws {
        let dir = try CLIRunner.temporaryDirectory()
        let empty = dir.appendingPathComponent("empty.txt"), binary = dir.appendingPathComponent("binary.txt")
        try Data().write(to: empty)
        try Data([0x61, 0xff, 0x0a]).write(to: binary)
        for (data, message) in [("text:\(empty.path)", "the text file is empty"), ("text:\(binary.path)", "is not valid UTF-8"),
                                ("text:\(binary.path.replacingOccurrences(of: "binary", with: "absent"))", "cannot read the text file")] {
            let r = try CLIRunner.run(["train", "--model", Self.spec, "--data", data, "--loss", "next-token-ce",
                                       "--optimizer", "sgd", "--lr", "0.1", "--steps", "1"])
            #expect(r.status == 2 && r.stderr.contains("--data: ") && r.stderr.contains(message) && r.stderr.split(separator: "\n").count == 1,
                    "\(r.stderr)")
        }
        let wrongLoss = try CLIRunner.run(["train", "--model", Self.spec, "--data", "text:\(empty.path)", "--optimizer", "sgd", "--lr", "0.1", "--steps", "1"])
        #expect(wrongLoss.status == 2)
        // Model, data and loss that do not fit together.
        let text = dir.appendingPathComponent("ok.txt")
        try Data("some text, long enough for a few windows of eight bytes\n".utf8).write(to: text)
        for (model, loss, message) in [("mlp:8-4:tanh", "next-token-ce", "--loss: next-token-ce is the loss of a language model; model 'mlp:8-4:tanh' is not a transformer"),
                                       (Self.spec.replacingOccurrences(of: "context=8", with: "context=4"), "next-token-ce", "has sequences of 8 tokens, model"),
                                       (Self.spec, "mse", "--loss: model '\(Self.spec)' is a language model; it trains with --loss next-token-ce (loss 'mse' given)")] {
            let r = try CLIRunner.run(["evaluate", "--model", model, "--data", "text:\(text.path),context=8,validation=0", "--loss", loss])
            #expect(r.status == 2 && r.stderr.contains(message) && r.stderr.split(separator: "\n").count == 1, "\(r.stderr)")
        }
    }
}
