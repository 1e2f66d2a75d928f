import Tensor

/// A model's flat θ from named tensors (a PyTorch `state_dict`, e.g. read from `.safetensors`).
///
/// Each of the model's ``Model/blocks`` is read from the tensor of the same name, which must have the
/// block's shape (or, for a block without a shape, its length), row-major, exactly as PyTorch stores
/// it: `layer<l>.weight`/`.bias` for an MLP (`linear`: `layer1`), `conv<l>`/`fc<j>`/`fc_out` for the CNN,
/// nanoGPT's names for the transformer (``Transformer``). A tied transformer's embedding is read from
/// `lm_head.weight` when `transformer.wte.weight` is absent (`safetensors.torch.save_model` saves the
/// shared tensor once, under `lm_head.weight`). Ignored: a tied transformer's `lm_head.weight`
/// when it equals `transformer.wte.weight` (`torch.save` of a state_dict holds the shared tensor under both names) and
/// nanoGPT's causal-mask buffers `transformer.h.<l>.attn.bias` of shape [1, 1, T, T]. Any other
/// difference is a one-line ``SpecError``: a missing tensor, an unexpected one, or a misshapen one.
public enum StateDict {
    public static func parameters(of model: any Model, from tensors: [String: Tensor]) throws(SpecError) -> [Double] {
        var tensors = tensors
        // A tied pair saved once under the other name: `safetensors.torch.save_model` keeps the
        // alphabetically first of tensors sharing storage, `lm_head.weight`, and drops `transformer.wte.weight`.
        if let transformer = model as? Transformer, transformer.unembedding == .tied,
           tensors["transformer.wte.weight"] == nil, let head = tensors.removeValue(forKey: "lm_head.weight") {
            tensors["transformer.wte.weight"] = head
        }
        var theta = [Double](repeating: 0, count: model.parameterCount)
        var unused = Set(tensors.keys)
        for block in model.blocks {
            let expected = block.shape ?? [block.count]
            guard let tensor = tensors[block.name] else {
                throw SpecError("missing tensor '\(block.name)' of shape \(expected)")
            }
            guard tensor.shape == expected else {
                throw SpecError("tensor '\(block.name)' has shape \(tensor.shape), expected \(expected)")
            }
            theta.replaceSubrange(block.range, with: tensor.scalars)
            unused.remove(block.name)
        }
        if let transformer = model as? Transformer {
            if transformer.unembedding == .tied, let head = tensors["lm_head.weight"], head == tensors["transformer.wte.weight"] {
                unused.remove("lm_head.weight")
            }
            for l in 0..<transformer.layers {
                let name = "transformer.h.\(l).attn.bias"
                if tensors[name]?.shape == [1, 1, transformer.context, transformer.context] { unused.remove(name) }
            }
        }
        if let extra = unused.sorted().first {
            let hint = extra == "lm_head.weight" ? " (the model's unembedding is tied; it differs from transformer.wte.weight)" : ""
            throw SpecError("unexpected tensor '\(extra)'\(hint); the model's tensors are \(model.blocks.map(\.name).joined(separator: ", "))")
        }
        if let i = theta.firstIndex(where: { !$0.isFinite }) {
            let block = model.blocks.first { $0.range.contains(i) }!
            throw SpecError("tensor '\(block.name)' holds \(theta[i]) at flat index \(i - block.range.lowerBound); expected finite parameters")
        }
        return theta
    }
}
