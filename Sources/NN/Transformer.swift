import Autodiff
import Tensor

/// A decoder-only (GPT-2 style, pre-LayerNorm) transformer over token sequences.
/// ```
/// h_0 = E[x_t] + P[t]                                         t = 0…T−1   (token and learned positional embeddings)
/// for l = 1…L:
///   a   = LN(h_{l−1}; γ_l1, β_l1)
///   [q k v] = a W_attnᵀ + b_attn,  split into H heads of width D/H
///   o   = softmax(mask(q kᵀ/√(D/H))) v   per head, heads concatenated (causal: position t sees 0…t)
///   u   = h_{l−1} + o W_projᵀ + b_proj
///   h_l = u + GELU(LN(u; γ_l2, β_l2) W_fcᵀ + b_fc) W_mlpᵀ + b_mlp
/// logits_t = LN(h_L; γ_f, β_f) Uᵀ     (U = E when tied, a separate [V, D] matrix when untied; no bias)
/// ```
/// LN is PyTorch's `nn.LayerNorm(D)` (ε = 1e-5, biased variance); GELU is the exact erf form,
/// PyTorch's `nn.GELU()` default (not approximate='tanh'); the causal mask sets scores of later keys to −∞.
///
/// Inputs are [B, T'] token ids (as Doubles, T' ≤ context); outputs are the logits [B, T'·V], position
/// t's V logits at columns t·V ..< (t+1)·V (``Loss/nextTokenCrossEntropy`` reads them so).
///
/// θ is the order of PyTorch's `state_dict` of nanoGPT's `GPT` module (the names of ``blocks``):
/// `transformer.wte.weight` [V, D], `transformer.wpe.weight` [T, D], then per layer l
/// `transformer.h.l.ln_1.weight`, `.ln_1.bias` [D], `.attn.c_attn.weight` [3D, D], `.attn.c_attn.bias` [3D],
/// `.attn.c_proj.weight` [D, D], `.attn.c_proj.bias` [D], `.ln_2.weight`, `.ln_2.bias` [D],
/// `.mlp.c_fc.weight` [M, D], `.mlp.c_fc.bias` [M], `.mlp.c_proj.weight` [D, M], `.mlp.c_proj.bias` [D],
/// then `transformer.ln_f.weight`, `.ln_f.bias` [D], and, untied only, `lm_head.weight` [V, D] (tied: the
/// state_dict's `lm_head.weight` is `wte`, held once in θ). The q, k, v rows of `c_attn` are [3, H, D/H].
///
/// Initialization is nanoGPT's `_init_weights`: every linear weight and both embeddings ~ N(0, 0.02²),
/// the two residual projections (`c_proj`) ~ N(0, (0.02/√(2L))²), biases 0, LayerNorm weights 1 and biases 0.
public struct Transformer: Model, Codable, Equatable {
    /// Whether the unembedding is the token embedding (GPT-2) or a matrix of its own.
    public enum Unembedding: String, Codable, Sendable, CaseIterable {
        case tied
        case untied
    }

    public let vocabulary: Int
    public let context: Int
    public let width: Int
    public let heads: Int
    public let layers: Int
    public let mlpWidth: Int
    public let unembedding: Unembedding

    /// The standard deviation of nanoGPT's initialization.
    public static let initialStandardDeviation = 0.02

    public init(vocabulary: Int, context: Int, width: Int, heads: Int, layers: Int, mlpWidth: Int? = nil,
                unembedding: Unembedding = .tied) {
        precondition(vocabulary > 0 && context > 0 && width > 0 && heads > 0 && layers >= 0,
                     "Transformer: vocabulary, context, width and heads must be positive, layers ≥ 0")
        precondition(width % heads == 0, "Transformer: width \(width) is not a multiple of heads \(heads)")
        self.vocabulary = vocabulary
        self.context = context
        self.width = width
        self.heads = heads
        self.layers = layers
        self.mlpWidth = mlpWidth ?? 4 * width
        precondition(self.mlpWidth > 0, "Transformer: MLP width must be positive")
        self.unembedding = unembedding
    }

    public var outputCount: Int { context * vocabulary }

    /// How θ is initialized, per block.
    enum BlockInitialization { case normal(Double), zeros, ones }

    /// The blocks of θ in state_dict order with their shapes and initialization.
    var layout: [(block: ParameterBlock, initialization: BlockInitialization)] {
        var result: [(ParameterBlock, BlockInitialization)] = []
        var offset = 0
        let (d, m, std) = (width, mlpWidth, Self.initialStandardDeviation)
        let projection = std / (2 * Double(max(layers, 1))).squareRoot()
        func add(_ name: String, _ shape: [Int], layer: Int, _ initialization: BlockInitialization) {
            let count = shape.reduce(1, *)
            result.append((ParameterBlock(name: name, range: offset..<(offset + count), layer: layer, shape: shape), initialization))
            offset += count
        }
        add("transformer.wte.weight", [vocabulary, d], layer: 0, .normal(std))
        add("transformer.wpe.weight", [context, d], layer: 0, .normal(std))
        for l in 0..<layers {
            let p = "transformer.h.\(l).", layer = l + 1
            add(p + "ln_1.weight", [d], layer: layer, .ones)
            add(p + "ln_1.bias", [d], layer: layer, .zeros)
            add(p + "attn.c_attn.weight", [3 * d, d], layer: layer, .normal(std))
            add(p + "attn.c_attn.bias", [3 * d], layer: layer, .zeros)
            add(p + "attn.c_proj.weight", [d, d], layer: layer, .normal(projection))
            add(p + "attn.c_proj.bias", [d], layer: layer, .zeros)
            add(p + "ln_2.weight", [d], layer: layer, .ones)
            add(p + "ln_2.bias", [d], layer: layer, .zeros)
            add(p + "mlp.c_fc.weight", [m, d], layer: layer, .normal(std))
            add(p + "mlp.c_fc.bias", [m], layer: layer, .zeros)
            add(p + "mlp.c_proj.weight", [d, m], layer: layer, .normal(projection))
            add(p + "mlp.c_proj.bias", [d], layer: layer, .zeros)
        }
        add("transformer.ln_f.weight", [d], layer: layers + 1, .ones)
        add("transformer.ln_f.bias", [d], layer: layers + 1, .zeros)
        if unembedding == .untied { add("lm_head.weight", [vocabulary, d], layer: layers + 2, .normal(std)) }
        return result
    }

    public var blocks: [ParameterBlock] { layout.map(\.block) }

    public var parameterCount: Int { layout.last?.block.range.upperBound ?? 0 }

    /// d in closed form: (V + T)·D + L·(4D² + 2DM + 9D + M) + 2D, plus V·D when untied (per layer: two
    /// LayerNorms 4D, c_attn 3D² + 3D, c_proj D² + D, c_fc MD + M, the MLP projection DM + D).
    public static func parameterCount(vocabulary v: Int, context t: Int, width d: Int, layers l: Int, mlpWidth m: Int,
                                      unembedding: Unembedding) -> Int {
        (v + t) * d + l * (4 * d * d + 2 * d * m + 9 * d + m) + 2 * d + (unembedding == .untied ? v * d : 0)
    }

    public func forward(_ parameters: Variable, _ inputs: Tensor) -> Variable {
        precondition(parameters.shape == [parameterCount], "Transformer: θ has shape \(parameters.shape), expected [\(parameterCount)]")
        let batch = inputs.shape.first ?? 0
        let length = batch == 0 ? 0 : inputs.count / batch
        precondition(inputs.rank == 2 && length >= 1 && length <= context,
                     "Transformer: inputs \(inputs.shape) are not [B, T] token sequences with 1 ≤ T ≤ \(context)")
        let tokens = inputs.scalars.map { value -> Int in
            let id = Int(value)
            precondition(Double(id) == value && id >= 0 && id < vocabulary, "Transformer: token \(value) is not an id in 0..<\(vocabulary)")
            return id
        }
        let blocks = blocks
        var next = 0
        func take() -> Variable {
            let block = blocks[next]; next += 1
            return parameters.slice(block.range).reshaped(block.shape!)
        }
        let (d, h, dh) = (width, heads, width / heads)
        let rows = batch * length
        let embedding = take()
        let positions = parameters.slice(blocks[next].range.lowerBound..<(blocks[next].range.lowerBound + length * d)).reshaped([length, d])
        next += 1
        var x = (embedding.gatherRows(tokens).reshaped([batch, length, d]) + positions).reshaped([rows, d])
        for _ in 0..<layers {
            let (g1, b1, wAttn, bAttn, wProj, bProj) = (take(), take(), take(), take(), take(), take())
            let (g2, b2, wFc, bFc, wMlp, bMlp) = (take(), take(), take(), take(), take(), take())
            let qkv = Variable.affine(x.layerNormalized() * g1 + b1, weight: wAttn, bias: bAttn)
                .reshaped([batch, length, 3, h, dh]).permuted([2, 0, 3, 1, 4]).reshaped([3 * rows * d])
            let part = rows * d
            func head(_ k: Int) -> Variable { qkv.slice((k * part)..<((k + 1) * part)).reshaped([batch * h, length, dh]) }
            let scores = Variable.batchedMatmul(head(0), head(1), transposeB: true)
            let weights = scores.softmax(scale: 1 / Double(dh).squareRoot(), mask: .causal)
            let mixed = Variable.batchedMatmul(weights, head(2))
                .reshaped([batch, h, length, dh]).permuted([0, 2, 1, 3]).reshaped([rows, d])
            x = x + Variable.affine(mixed, weight: wProj, bias: bProj)
            let hidden = Variable.affine(x.layerNormalized() * g2 + b2, weight: wFc, bias: bFc).gelu()
            x = x + Variable.affine(hidden, weight: wMlp, bias: bMlp)
        }
        let (gf, bf) = (take(), take())
        let unembed = unembedding == .tied ? embedding : take()
        let logits = Variable.matmul(x.layerNormalized() * gf + bf, unembed, transposeB: true)
        return logits.reshaped([batch, length * vocabulary])
    }

    public func initialParameters(using generator: inout RandomGenerator) -> [Double] {
        var theta = [Double](repeating: 0, count: parameterCount)
        for (block, initialization) in layout {
            switch initialization {
            case .normal(let sd): for i in block.range { theta[i] = sd * generator.gaussian() }
            case .zeros: break
            case .ones: for i in block.range { theta[i] = 1 }
            }
        }
        return theta
    }
}
