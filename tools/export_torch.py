"""Exports a PyTorch model's weights for `biaslab --params model.safetensors` (issue 19). Not run in CI.

    python tools/export_torch.py transformer:vocab=256:context=32:width=64:heads=4:layers=2 out/gpt
    python tools/export_torch.py mlp:784-32-10:tanh out/mlp
    python tools/export_torch.py cnn:fashion-small out/cnn

writes  out/<name>.safetensors   the state_dict (float32 by default, --dtype float64|float32|bfloat16|float16),
        out/<name>.spec          the BiasLab model spec,
        out/<name>-data.npz      a check batch as a BiasLab data file: x, and y (class labels, or the next tokens),
        out/<name>-check.npz     x, the model's outputs, the loss (ce, or next-token-ce averaged over positions)
                                 and its gradient in θ order, computed in float64 on the weights as stored,
and prints the biaslab command that evaluates the same batch (tools/check-torch-export.sh compares them). The modules below declare their layers under
the names BiasLab's blocks carry (biaslab models --check SPEC lists them), in BiasLab's θ order:
  mlp         layer1 … layerL (nn.Linear), activation between them
  cnn         conv1, conv2 (nn.Conv2d 5×5), fc_out (nn.Linear), relu, max pool 2
  transformer nanoGPT's GPT: transformer.{wte, wpe, h.<l>.{ln_1, attn.{c_attn, c_proj}, ln_2, mlp.{c_fc, c_proj}}, ln_f},
              lm_head (tied to wte unless :untied), nn.GELU() (erf), LayerNorm ε = 1e-5, causal softmax attention.
Needs torch and numpy; writes with the `safetensors` package (`save_model`) when installed, else the format itself.
"""
import argparse
import json
import math
import os
import struct

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def parse_spec(spec):
    kind, *fields = spec.split(":")
    options = dict(f.split("=", 1) for f in fields if "=" in f)
    flags = {f for f in fields if "=" not in f}
    return kind, fields, options, flags


class MLP(nn.Module):
    def __init__(self, widths, activation):
        super().__init__()
        for l, (a, b) in enumerate(zip(widths, widths[1:])):
            setattr(self, f"layer{l + 1}", nn.Linear(a, b))
        self.depth = len(widths) - 1
        self.activation = {"tanh": torch.tanh, "relu": F.relu, "gelu": F.gelu, "softplus": F.softplus, "identity": lambda x: x}[activation]

    def forward(self, x):
        for l in range(1, self.depth + 1):
            x = getattr(self, f"layer{l}")(x)
            if l < self.depth:
                x = self.activation(x)
        return x


class FashionSmall(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1, self.conv2, self.fc_out = nn.Conv2d(1, 8, 5), nn.Conv2d(8, 16, 5), nn.Linear(256, 10)

    def forward(self, x):
        x = x.reshape(-1, 1, 28, 28)
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        return self.fc_out(x.flatten(1))


class Block(nn.Module):
    def __init__(self, d, heads, m):
        super().__init__()  # registered in nanoGPT's order (ln_1, attn, ln_2, mlp): state_dict and θ order
        self.ln_1 = nn.LayerNorm(d)
        self.attn = nn.Module()
        self.attn.c_attn, self.attn.c_proj = nn.Linear(d, 3 * d), nn.Linear(d, d)
        self.ln_2 = nn.LayerNorm(d)
        self.mlp = nn.Module()
        self.mlp.c_fc, self.mlp.c_proj = nn.Linear(d, m), nn.Linear(m, d)
        self.heads = heads

    def forward(self, x):
        b, t, d = x.shape
        q, k, v = self.attn.c_attn(self.ln_1(x)).split(d, dim=2)
        q, k, v = (z.view(b, t, self.heads, d // self.heads).transpose(1, 2) for z in (q, k, v))
        scores = (q @ k.transpose(-2, -1)) / math.sqrt(d // self.heads)
        scores = scores.masked_fill(torch.ones(t, t, dtype=torch.bool).tril().logical_not(), float("-inf"))
        y = (F.softmax(scores, dim=-1) @ v).transpose(1, 2).reshape(b, t, d)
        x = x + self.attn.c_proj(y)
        return x + self.mlp.c_proj(F.gelu(self.mlp.c_fc(self.ln_2(x))))


class GPT(nn.Module):
    def __init__(self, vocab, context, d, heads, layers, m, tied):
        super().__init__()
        self.transformer = nn.Module()
        self.transformer.wte, self.transformer.wpe = nn.Embedding(vocab, d), nn.Embedding(context, d)
        self.transformer.h = nn.ModuleList(Block(d, heads, m) for _ in range(layers))
        self.transformer.ln_f = nn.LayerNorm(d)
        self.lm_head = nn.Linear(d, vocab, bias=False)
        if tied:
            self.lm_head.weight = self.transformer.wte.weight
        for name, p in self.named_parameters():  # nanoGPT's _init_weights
            if name.endswith("c_proj.weight"):
                nn.init.normal_(p, 0, 0.02 / math.sqrt(2 * layers))
            elif p.dim() == 2:
                nn.init.normal_(p, 0, 0.02)
            elif name.endswith("bias"):
                nn.init.zeros_(p)

    def forward(self, idx):
        t = idx.shape[1]
        x = self.transformer.wte(idx) + self.transformer.wpe(torch.arange(t))
        for block in self.transformer.h:
            x = block(x)
        return self.lm_head(self.transformer.ln_f(x)).reshape(idx.shape[0], -1)


def build(spec):
    kind, fields, options, flags = parse_spec(spec)
    if kind == "mlp":
        activation = next((f for f in fields[1:] if f in ("tanh", "relu", "gelu", "softplus", "identity")), "tanh")
        widths = [int(w) for w in fields[0].split("-")]
        return MLP(widths, activation), lambda n: torch.randn(n, widths[0], dtype=torch.float64)
    if kind == "cnn":
        return FashionSmall(), lambda n: torch.rand(n, 784, dtype=torch.float64)
    if kind == "transformer":
        d = int(options["width"])
        model = GPT(int(options["vocab"]), int(options["context"]), d, int(options["heads"]), int(options["layers"]),
                    int(options.get("mlp", 4 * d)), "untied" not in flags)
        return model, lambda n: torch.randint(0, int(options["vocab"]), (n, int(options["context"])))
    raise SystemExit(f"export_torch: unsupported spec '{spec}' (mlp, cnn:fashion-small, transformer)")


DTYPES = {"float64": ("F64", np.float64), "float32": ("F32", np.float32), "float16": ("F16", np.float16)}


def write_safetensors(tensors, path, dtype):
    """The format itself (when the `safetensors` package is missing): 8-byte LE header length, JSON header,
    row-major LE data (bfloat16 by truncating float32). Writes every name, so a tied lm_head is saved twice."""
    header, chunks, offset = {}, [], 0
    for name, t in tensors.items():
        a = t.detach().to(torch.float64).numpy()
        if dtype == "bfloat16":
            raw = (a.astype("<f4").view("<u4") >> 16).astype("<u2").tobytes()
            code = "BF16"
        else:
            code, np_type = DTYPES[dtype]
            raw = a.astype(np.dtype(np_type).newbyteorder("<")).tobytes()
        header[name] = {"dtype": code, "shape": list(a.shape), "data_offsets": [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(chunks))


def save(model, path, dtype):
    """The weights as stored, in `dtype`: with the `safetensors` package, `safetensors.torch.save_model`
    (what Hugging Face tooling writes; a tied lm_head/wte pair is saved once, under the alphabetically
    first name, `lm_head.weight`); without it, this file's own writer. Returns which writer ran. The
    model is left holding the stored (rounded) weights, in float64, so its outputs are the file's."""
    torch_dtype = getattr(torch, dtype)
    model.to(torch_dtype)
    try:
        from safetensors.torch import save_model
    except ImportError:
        write_safetensors(model.state_dict(), path, dtype)
        writer = "export_torch.py's own writer"
    else:
        save_model(model, path)
        writer = "safetensors.torch.save_model"
    model.double()
    return writer


def check_batch(spec, model, inputs, n):
    """x, the data file's targets, the outputs, the mean loss and its gradient in θ order (the model's
    parameters without duplicates, as `named_parameters()` lists them: BiasLab's block order).
    Loss: next-token cross-entropy averaged over positions for a transformer, else cross-entropy on labels."""
    x = inputs(n)
    out = model(x)
    if spec.startswith("transformer"):
        vocabulary = int(parse_spec(spec)[2]["vocab"])
        y = torch.randint(0, vocabulary, x.shape)
        loss = F.cross_entropy(out.reshape(-1, vocabulary), y.reshape(-1))
        data = {"x": x.double().numpy(), "y": y.double().numpy()}  # float y [N, T]: the next tokens
        loss_name = "next-token-ce"
    else:
        y = torch.randint(0, out.shape[1], (n,))
        loss = F.cross_entropy(out, y)
        data = {"x": x.double().numpy(), "y": y.numpy().astype(np.int64)}  # integer y [N]: class labels
        loss_name = "ce"
    gradient = torch.autograd.grad(loss, [p for _, p in model.named_parameters()])
    flat = torch.cat([g.reshape(-1) for g in gradient]).detach().numpy()
    return data, loss_name, {"x": data["x"], "outputs": out.detach().numpy(), "loss": loss.item(), "gradient": flat}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("spec")
    parser.add_argument("out", help="output prefix, e.g. out/gpt")
    parser.add_argument("--dtype", default="float32", choices=["float64", "float32", "bfloat16", "float16"])
    parser.add_argument("--batch", type=int, default=4)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    torch.manual_seed(args.seed)
    model, inputs = build(args.spec)
    model = model.double().eval()
    writer = save(model, args.out + ".safetensors", args.dtype)
    data, loss_name, check = check_batch(args.spec, model, inputs, args.batch)
    np.savez(args.out + "-data.npz", **data)
    np.savez(args.out + "-check.npz", **check)
    with open(args.out + ".spec", "w") as f:
        f.write(args.spec + "\n")
    print(f"wrote {args.out}.safetensors ({args.dtype}, {writer}), {args.out}.spec, {args.out}-data.npz, {args.out}-check.npz")
    print(f"biaslab evaluate --model {args.spec} --params {args.out}.safetensors --data {args.out}-data.npz "
          f"--loss {loss_name} --save-gradient {args.out}-gradient.npy --json")


if __name__ == "__main__":
    main()
