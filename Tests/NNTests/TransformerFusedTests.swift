import Autodiff
import BiasLabTestSupport
import Foundation
import NN
import Tensor
import Testing

/// The transformer with its fused LayerNorm, attention softmax and GELU against the same network built
/// from the composed forms they replaced (the oracle, written out here from ``Transformer``'s formulas):
/// loss, gradient, Hessian–vector products (forward over reverse and linearized) and per-sequence
/// gradients, to 1e-10 relative, at a random θ with two layers.
struct TransformerFusedTests {
    static let model = Transformer(vocabulary: 7, context: 5, width: 6, heads: 2, layers: 2, mlpWidth: 10, unembedding: .untied)

    /// ℓ_i, shape [B]: next-token cross-entropy of the composed network's logits.
    static func composedLosses(_ theta: Variable, _ x: Tensor, _ y: Tensor) -> Variable {
        let m = model
        let (batch, length) = (x.shape[0], x.shape[1])
        let (d, h, dh, rows) = (m.width, m.heads, m.width / m.heads, batch * length)
        var named: [String: Variable] = [:]
        for block in m.blocks { named[block.name] = theta.slice(block.range).reshaped(block.shape!) }
        func norm(_ v: Variable, _ prefix: String) -> Variable {
            let n = Double(d)
            let centred = v - v.sum(axis: 1, keepingAxis: true) * (1 / n)
            let variance = centred.squared().sum(axis: 1, keepingAxis: true) * (1 / n)
            return centred / (variance + 1e-5).sqrt() * named[prefix + ".weight"]! + named[prefix + ".bias"]!
        }
        let tokens = x.scalars.map { Int($0) }
        let positions = named["transformer.wpe.weight"]!.reshaped([m.context * d]).slice(0..<(length * d)).reshaped([length, d])
        var hidden = (named["transformer.wte.weight"]!.gatherRows(tokens).reshaped([batch, length, d]) + positions).reshaped([rows, d])
        for l in 0..<m.layers {
            let p = "transformer.h.\(l)."
            let qkv = Variable.affine(norm(hidden, p + "ln_1"), weight: named[p + "attn.c_attn.weight"]!, bias: named[p + "attn.c_attn.bias"]!)
                .reshaped([batch, length, 3, h, dh]).permuted([2, 0, 3, 1, 4]).reshaped([3 * rows * d])
            func head(_ k: Int) -> Variable { qkv.slice((k * rows * d)..<((k + 1) * rows * d)).reshaped([batch * h, length, dh]) }
            let scores = Variable.batchedMatmul(head(0), head(1), transposeB: true) * (1 / Double(dh).squareRoot())
            let weights = scores.causallyMasked().logSoftmax().exp()
            let mixed = Variable.batchedMatmul(weights, head(2)).reshaped([batch, h, length, dh]).permuted([0, 2, 1, 3]).reshaped([rows, d])
            hidden = hidden + Variable.affine(mixed, weight: named[p + "attn.c_proj.weight"]!, bias: named[p + "attn.c_proj.bias"]!)
            let inner = Variable.affine(norm(hidden, p + "ln_2"), weight: named[p + "mlp.c_fc.weight"]!, bias: named[p + "mlp.c_fc.bias"]!)
            hidden = hidden + Variable.affine(inner * inner.normalCDF(), weight: named[p + "mlp.c_proj.weight"]!, bias: named[p + "mlp.c_proj.bias"]!)
        }
        let logits = Variable.matmul(norm(hidden, "transformer.ln_f"), named["lm_head.weight"]!, transposeB: true)
        return Loss.nextTokenCrossEntropy.perSample(outputs: logits.reshaped([batch, length * m.vocabulary]), targets: y, labels: nil)
    }

    static func data() -> (x: Tensor, y: Tensor) { TransformerTests.tokens(3, 5, vocabulary: model.vocabulary, seed: 12) }

    @Test func derivativesMatchTheComposedNetwork() {
        let (x, y) = Self.data()
        let objective = SupervisedObjective(model: Self.model, loss: .nextTokenCrossEntropy, inputs: x, targets: y)
        let theta = TransformerTests.randomTheta(Self.model, seed: 31)
        var rng = RandomGenerator(seed: 32, stream: "direction")
        let v = rng.gaussians(theta.count)
        let composedLoss: (Variable) -> Variable = { Self.composedLosses($0, x, y).mean() }
        let reference = Autodiff.valueAndGradient(of: composedLoss, at: Tensor(theta))
        let fused = objective.valueAndGradient(at: theta, batch: nil)
        #expect(Closeness.relativeError(fused.value, reference.value) <= 1e-12)
        #expect(Closeness.relativeError(fused.gradient, reference.gradient.scalars) <= 1e-10)
        let hv = Autodiff.hessianVectorProduct(of: composedLoss, at: Tensor(theta), along: Tensor(v)).scalars
        #expect(Closeness.relativeError(objective.hessianVectorProducts(at: theta, along: [v], batch: nil)[0], hv) <= 1e-10)
        let products = objective.hessianProducts(at: theta, batch: nil)
        #expect(Closeness.relativeError(products([v])[0], hv) <= 1e-10)
        // Per-sequence gradients: row i against the composed network's gradient of ℓ_i.
        let rows = objective.perSampleGradients(at: theta, batch: nil)
        for i in 0..<3 {
            let alone = Autodiff.gradient(of: { Self.composedLosses($0, x.rows([i]), y.rows([i])).sum() }, at: Tensor(theta))
            #expect(Closeness.relativeError(Array(rows.row(i).scalars), alone.scalars) <= 1e-10)
        }
    }
}
