import Autodiff
import BiasLabTestSupport
import Foundation
import NN
import Tensor
import Testing

/// The transformer: θ layout, initialization, its forward pass against a scalar-loop reference written
/// from the formulas of ``Transformer``, causality, its derivatives (gradient and dense Hessian against
/// differences, the engine checker), per-sequence gradients, and next-token cross-entropy oracles.
struct TransformerTests {
    static let tiny = Transformer(vocabulary: 5, context: 4, width: 4, heads: 2, layers: 1)
    static let tinyUntied = Transformer(vocabulary: 5, context: 4, width: 4, heads: 2, layers: 1, mlpWidth: 6, unembedding: .untied)

    /// Token sequences [n, T] and their next tokens, seeded.
    static func tokens(_ n: Int, _ length: Int, vocabulary: Int, seed: UInt64) -> (x: Tensor, y: Tensor) {
        var rng = RandomGenerator(seed: seed, stream: "tokens")
        let ids = (0..<(n * (length + 1))).map { _ in Double(Int(rng.uniform() * Double(vocabulary))) }
        var x: [Double] = [], y: [Double] = []
        for i in 0..<n {
            x += ids[(i * (length + 1))..<(i * (length + 1) + length)]
            y += ids[(i * (length + 1) + 1)...(i * (length + 1) + length)]
        }
        return (Tensor(shape: [n, length], scalars: x), Tensor(shape: [n, length], scalars: y))
    }

    static func objective(_ model: Transformer, samples: Int = 3, length: Int = 4, seed: UInt64 = 4) -> SupervisedObjective {
        let (x, y) = tokens(samples, length, vocabulary: model.vocabulary, seed: seed)
        return SupervisedObjective(model: model, loss: .nextTokenCrossEntropy, inputs: x, targets: y)
    }

    /// θ with every entry drawn N(0, 0.5²), so LayerNorm gains and biases are not at their 1/0 init.
    static func randomTheta(_ model: Transformer, seed: UInt64 = 8) -> [Double] {
        var rng = RandomGenerator(seed: seed, stream: "theta")
        return rng.gaussians(model.parameterCount).map { 0.5 * $0 }
    }

    @Test func layoutFollowsTheStateDict() {
        // (V + T)·D + L·(4D² + 2DM + 9D + M) + 2D = 36 + (64 + 128 + 36 + 16) + 8
        #expect(Self.tiny.parameterCount == 288)
        #expect(Self.tinyUntied.parameterCount == 36 + (64 + 48 + 36 + 6) + 8 + 20)
        for m in [Self.tiny, Self.tinyUntied] {
            #expect(m.parameterCount == Transformer.parameterCount(vocabulary: m.vocabulary, context: m.context, width: m.width,
                                                                   layers: m.layers, mlpWidth: m.mlpWidth, unembedding: m.unembedding))
        }
        #expect(Self.tiny.blocks.map(\.name) == [
            "transformer.wte.weight", "transformer.wpe.weight",
            "transformer.h.0.ln_1.weight", "transformer.h.0.ln_1.bias", "transformer.h.0.attn.c_attn.weight",
            "transformer.h.0.attn.c_attn.bias", "transformer.h.0.attn.c_proj.weight", "transformer.h.0.attn.c_proj.bias",
            "transformer.h.0.ln_2.weight", "transformer.h.0.ln_2.bias", "transformer.h.0.mlp.c_fc.weight",
            "transformer.h.0.mlp.c_fc.bias", "transformer.h.0.mlp.c_proj.weight", "transformer.h.0.mlp.c_proj.bias",
            "transformer.ln_f.weight", "transformer.ln_f.bias"])
        #expect(Self.tinyUntied.blocks.last?.name == "lm_head.weight" && Self.tinyUntied.blocks.last?.shape == [5, 4])
    }

    /// nanoGPT's init: LayerNorm weights 1, biases 0, weights N(0, 0.02²), residual projections
    /// N(0, (0.02/√(2L))²) — sample standard deviations within 5 % on a model large enough to measure them.
    @Test func initializationIsNanoGPTs() {
        let model = Transformer(vocabulary: 256, context: 64, width: 64, heads: 4, layers: 2)
        var rng = RandomGenerator(seed: 1)
        let theta = model.initialParameters(using: &rng)
        func sd(_ r: Range<Int>) -> Double { (theta[r].map { $0 * $0 }.reduce(0, +) / Double(r.count)).squareRoot() }
        for block in model.blocks {
            let values = theta[block.range]
            if block.name.hasSuffix("ln_1.weight") || block.name.hasSuffix("ln_2.weight") || block.name.hasSuffix("ln_f.weight") {
                #expect(values.allSatisfy { $0 == 1 }, "\(block.name)")
            } else if block.name.hasSuffix(".bias") {
                #expect(values.allSatisfy { $0 == 0 }, "\(block.name)")
            } else {
                let expected = block.name.hasSuffix("c_proj.weight") ? 0.02 / 2.0 : 0.02
                #expect(abs(sd(block.range) / expected - 1) < 0.05, "\(block.name): sd \(sd(block.range))")
            }
        }
    }

    /// The logits against a scalar-loop implementation of the formulas (explicit per-head attention with
    /// the causal sum over s ≤ t, LayerNorm with the biased variance and ε = 1e-5, erf GELU).
    @Test(arguments: [false, true])
    func forwardMatchesScalarReference(untied: Bool) {
        let model = untied ? Self.tinyUntied : Self.tiny
        let theta = Self.randomTheta(model)
        let (x, _) = Self.tokens(2, 3, vocabulary: model.vocabulary, seed: 5)
        let logits = GradientMode.withoutRecording { model.forward(Variable(Tensor(theta)), x).value }
        #expect(logits.shape == [2, 3 * model.vocabulary])
        let reference = Self.referenceLogits(model, theta, x)
        #expect(Closeness.relativeError(logits.scalars, reference) <= 1e-12)
    }

    static func referenceLogits(_ m: Transformer, _ theta: [Double], _ x: Tensor) -> [Double] {
        var blocks: [String: [Double]] = [:]
        for b in m.blocks { blocks[b.name] = Array(theta[b.range]) }
        let (d, hCount, dh, mw, v) = (m.width, m.heads, m.width / m.heads, m.mlpWidth, m.vocabulary)
        let (n, length) = (x.shape[0], x.shape[1])
        func linear(_ a: [Double], _ w: [Double], _ b: [Double]?, out: Int) -> [Double] {
            (0..<out).map { (o: Int) -> Double in
                var sum = b?[o] ?? 0
                for k in 0..<a.count { sum += w[o * a.count + k] * a[k] }
                return sum
            }
        }
        func norm(_ a: [Double], _ g: [Double], _ b: [Double]) -> [Double] {
            let mu = a.reduce(0, +) / Double(a.count)
            let variance = a.map { ($0 - mu) * ($0 - mu) }.reduce(0, +) / Double(a.count)
            let scale = 1 / (variance + 1e-5).squareRoot()
            return a.indices.map { (k: Int) -> Double in (a[k] - mu) * scale * g[k] + b[k] }
        }
        var out: [Double] = []
        for i in 0..<n {
            let (wte, wpe) = (blocks["transformer.wte.weight"]!, blocks["transformer.wpe.weight"]!)
            var h: [[Double]] = []
            for t in 0..<length {
                let token = Int(x.scalars[i * length + t])
                h.append((0..<d).map { (j: Int) -> Double in wte[token * d + j] + wpe[t * d + j] })
            }
            for l in 0..<m.layers {
                let p = "transformer.h.\(l)."
                let qkv = h.map { linear(norm($0, blocks[p + "ln_1.weight"]!, blocks[p + "ln_1.bias"]!), blocks[p + "attn.c_attn.weight"]!, blocks[p + "attn.c_attn.bias"]!, out: 3 * d) }
                var mixed = [[Double]](repeating: [Double](repeating: 0, count: d), count: length)
                for head in 0..<hCount {
                    for t in 0..<length {
                        let q = Array(qkv[t][(head * dh)..<((head + 1) * dh)])
                        let scores = (0...t).map { (s: Int) -> Double in
                            var dot = 0.0
                            for j in 0..<dh { dot += q[j] * qkv[s][d + head * dh + j] }
                            return dot / Double(dh).squareRoot()
                        }
                        let top = scores.max()!
                        let weights = scores.map { exp($0 - top) }, total = weights.reduce(0, +)
                        for j in 0..<dh {
                            var sum = 0.0
                            for s in 0...t { sum += weights[s] / total * qkv[s][2 * d + head * dh + j] }
                            mixed[t][head * dh + j] = sum
                        }
                    }
                }
                for t in 0..<length {
                    let attended = linear(mixed[t], blocks[p + "attn.c_proj.weight"]!, blocks[p + "attn.c_proj.bias"]!, out: d)
                    let u = (0..<d).map { h[t][$0] + attended[$0] }
                    let hidden = linear(norm(u, blocks[p + "ln_2.weight"]!, blocks[p + "ln_2.bias"]!), blocks[p + "mlp.c_fc.weight"]!, blocks[p + "mlp.c_fc.bias"]!, out: mw)
                        .map { $0 * 0.5 * erfc(-$0 / 2.0.squareRoot()) }
                    let mlp = linear(hidden, blocks[p + "mlp.c_proj.weight"]!, blocks[p + "mlp.c_proj.bias"]!, out: d)
                    h[t] = (0..<d).map { u[$0] + mlp[$0] }
                }
            }
            let unembed = blocks[m.unembedding == .tied ? "transformer.wte.weight" : "lm_head.weight"]!
            for t in 0..<length {
                out += linear(norm(h[t], blocks["transformer.ln_f.weight"]!, blocks["transformer.ln_f.bias"]!), unembed, nil, out: v)
            }
        }
        return out
    }

    /// Position t's logits do not depend on tokens after t.
    @Test func attentionIsCausal() {
        let model = Self.tiny
        let theta = Tensor(Self.randomTheta(model))
        var x = Tensor(shape: [1, 4], scalars: [1, 3, 0, 2])
        let before = GradientMode.withoutRecording { model.forward(Variable(theta), x).value.scalars }
        x.scalars[3] = 4
        let after = GradientMode.withoutRecording { model.forward(Variable(theta), x).value.scalars }
        #expect(Array(before[0..<15]) == Array(after[0..<15]))
        #expect(Array(before[15..<20]) != Array(after[15..<20]))
    }

    /// Gradient and the dense Hessian (288 Hessian–vector products) against differences of the loss and of
    /// the gradient, per-sequence losses, gradients and HVPs averaging to the batch's; then the engine checker.
    @Test(arguments: [false, true])
    func derivativesOfTinyModel(untied: Bool) {
        let model = untied ? Self.tinyUntied : Self.tiny
        let objective = Self.objective(model)
        let theta = Self.randomTheta(model)
        ObjectiveChecks.expectConsistent(objective, at: theta, batch: [2, 0])
        ObjectiveChecks.expectEngineAccurate(objective, at: theta)
    }

    /// Shorter sequences than the context use the first positional rows.
    @Test func shorterSequencesThanContext() {
        let objective = Self.objective(Self.tiny, samples: 2, length: 2, seed: 9)
        ObjectiveChecks.expectEngineAccurate(objective, at: Self.randomTheta(Self.tiny))
    }

    /// A sample is one sequence: row i of the per-sample gradients is the gradient of the objective
    /// holding sequence i alone.
    @Test func perSequenceGradients() {
        let objective = Self.objective(Self.tiny, samples: 3)
        let theta = Self.randomTheta(Self.tiny)
        let rows = objective.perSampleGradients(at: theta, batch: nil)
        for i in 0..<3 {
            let alone = SupervisedObjective(model: Self.tiny, loss: .nextTokenCrossEntropy, inputs: objective.inputs.rows([i]),
                                            targets: objective.targets.rows([i]))
            #expect(Closeness.relativeError(Array(rows.row(i).scalars), alone.gradient(at: theta)) <= 1e-12)
        }
        let norms = objective.perSampleGradientSquaredNorms(at: theta, batch: nil)
        #expect(Closeness.relativeError(norms, (0..<3).map { VectorOps.dot(rows.row($0).scalars, rows.row($0).scalars) }) <= 1e-12)
        // A batch's rows come in the batch's order (the rows are computed in parallel parts).
        let picked = objective.perSampleGradients(at: theta, batch: [2, 0])
        #expect(Closeness.relativeError(Array(picked.row(0).scalars), Array(rows.row(2).scalars)) <= 1e-12)
        #expect(Closeness.relativeError(Array(picked.row(1).scalars), Array(rows.row(0).scalars)) <= 1e-12)
    }

    /// θ = 0 makes every logit 0 (the final LayerNorm's gain and bias are 0): ℓ = log V exactly, perplexity
    /// V, and the loss is the mean over positions of −log softmax at the next token (checked by hand at a
    /// random θ).
    @Test func nextTokenCrossEntropyOracles() {
        let objective = Self.objective(Self.tiny)
        let zero = [Double](repeating: 0, count: Self.tiny.parameterCount)
        let metrics = objective.metrics(at: zero, batch: nil)
        #expect(abs(metrics.loss - log(5)) <= 1e-14)
        #expect(abs(metrics.perplexity! - 5) <= 1e-12)
        let theta = Self.randomTheta(Self.tiny)
        let logits = Self.referenceLogits(Self.tiny, theta, objective.inputs)
        var expected = [Double](repeating: 0, count: 3)
        for i in 0..<3 {
            for t in 0..<4 {
                let row = Array(logits[((i * 4 + t) * 5)..<((i * 4 + t + 1) * 5)])
                let top = row.max()!, lse = top + log(row.map { exp($0 - top) }.reduce(0, +))
                expected[i] += (lse - row[Int(objective.targets.scalars[i * 4 + t])]) / 4
            }
        }
        #expect(Closeness.relativeError(objective.perSampleLosses(at: theta, batch: nil), expected) <= 1e-12)
    }

    /// vᵀGv of the Gauss–Newton products against (1/B)Σ_i (J_i v)ᵀ Λ_i (J_i v), J v by differences of the
    /// logits and Λ_i = (1/T) ⊕_t (diag p_it − p_it p_itᵀ).
    @Test func gaussNewtonOfNextTokenCrossEntropy() {
        let objective = Self.objective(Self.tiny)
        let theta = Self.randomTheta(Self.tiny)
        var rng = RandomGenerator(seed: 2)
        let v = rng.gaussians(theta.count)
        let gv = objective.gaussNewtonVectorProducts(at: theta, along: [v], batch: nil)[0]
        let logits = { (p: [Double]) in GradientMode.withoutRecording { Self.tiny.forward(Variable(Tensor(p)), objective.inputs).value.scalars } }
        let jv = FiniteDifferences.directionalDerivative(of: logits, at: theta, along: v, step: 1e-5)
        let z = logits(theta)
        var quadratic = 0.0
        for row in 0..<12 {
            let r = Array(z[(row * 5)..<(row * 5 + 5)]), u = Array(jv[(row * 5)..<(row * 5 + 5)])
            let top = r.max()!, e = r.map { exp($0 - top) }, total = e.reduce(0, +), p = e.map { $0 / total }
            let pu = zip(p, u).reduce(0) { $0 + $1.0 * $1.1 }
            quadratic += zip(p, u).reduce(0) { $0 + $1.0 * $1.1 * $1.1 } - pu * pu
        }
        quadratic /= 3 * 4
        #expect(Closeness.relativeError(VectorOps.dot(v, gv), quadratic) <= 1e-6)
    }
}

/// θ from a PyTorch state_dict by block name, with nanoGPT's extras (tied lm_head, mask buffers) accepted
/// and every other mismatch a one-line error.
struct StateDictTests {
    static func tensors(_ model: any Model, _ theta: [Double]) -> [String: Tensor] {
        Dictionary(uniqueKeysWithValues: model.blocks.map { ($0.name, Tensor(shape: $0.shape ?? [$0.count], scalars: Array(theta[$0.range]))) })
    }

    @Test func everyModelReadsBackItsOwnBlocks() throws {
        let models: [any Model] = [TransformerTests.tiny, TransformerTests.tinyUntied, DenseNetwork(widths: [3, 4, 2]),
                                   ConvolutionalNetwork.fashionSmall()]
        for model in models {
            var rng = RandomGenerator(seed: 1)
            let theta = rng.gaussians(model.parameterCount)
            #expect(try StateDict.parameters(of: model, from: Self.tensors(model, theta)) == theta)
        }
    }

    @Test func nanoGPTExtrasAndMismatches() throws {
        let model = TransformerTests.tiny
        let theta = TransformerTests.randomTheta(model)
        var dict = Self.tensors(model, theta)
        dict["lm_head.weight"] = dict["transformer.wte.weight"]
        dict["transformer.h.0.attn.bias"] = Tensor.zeros([1, 1, 4, 4])
        #expect(try StateDict.parameters(of: model, from: dict) == theta)
        func problem(_ d: [String: Tensor], _ m: any Model = TransformerTests.tiny) -> String {
            do { _ = try StateDict.parameters(of: m, from: d); return "no error" } catch { return error.description }
        }
        var missing = dict; missing["transformer.ln_f.bias"] = nil
        #expect(problem(missing) == "missing tensor 'transformer.ln_f.bias' of shape [4]")
        var misshapen = dict; misshapen["transformer.wpe.weight"] = Tensor.zeros([16])
        #expect(problem(misshapen) == "tensor 'transformer.wpe.weight' has shape [16], expected [4, 4]")
        var extra = dict; extra["head.weight"] = Tensor([1])
        #expect(problem(extra).hasPrefix("unexpected tensor 'head.weight'; the model's tensors are transformer.wte.weight, "))
        var untiedHead = dict; untiedHead["lm_head.weight"] = Tensor.zeros([5, 4])
        #expect(problem(untiedHead).hasPrefix("unexpected tensor 'lm_head.weight' (the model's unembedding is tied; it differs from transformer.wte.weight)"))
        var infinite = dict; infinite["transformer.ln_f.weight"] = Tensor([1, 1, .infinity, 1])
        #expect(problem(infinite) == "tensor 'transformer.ln_f.weight' holds inf at flat index 2; expected finite parameters")
    }

    /// `safetensors.torch.save_model` keeps one of two tensors sharing storage, the alphabetically first:
    /// a tied GPT's embedding arrives as `lm_head.weight` only; an untied model still needs its `wte`.
    @Test func tiedEmbeddingSavedOnceAsLMHead() throws {
        let model = TransformerTests.tiny
        let theta = TransformerTests.randomTheta(model)
        var dict = Self.tensors(model, theta)
        dict["lm_head.weight"] = dict.removeValue(forKey: "transformer.wte.weight")
        #expect(try StateDict.parameters(of: model, from: dict) == theta)
        let untied = TransformerTests.tinyUntied
        var untiedDict = Self.tensors(untied, TransformerTests.randomTheta(untied))
        untiedDict["transformer.wte.weight"] = nil
        do { _ = try StateDict.parameters(of: untied, from: untiedDict); Issue.record("expected an error") } catch {
            #expect(error.description == "missing tensor 'transformer.wte.weight' of shape [5, 4]")
        }
    }
}
