"""Exports a PyTorch model's weights for `biaslab --params model.safetensors` (issue 19). Not run in CI.

    python tools/export_torch.py transformer:vocab=256:context=32:width=64:heads=4:layers=2 out/gpt
    python tools/export_torch.py mlp:784-32-10:tanh out/mlp
    python tools/export_torch.py cnn:fashion-small out/cnn

writes  out/<name>.safetensors   the state_dict (float32 by default, --dtype float64|float32|bfloat16|float16),
        out/<name>.spec          the BiasLab model spec,
        out/<name>-check.npz     a check batch x, y and the model's outputs on it (float64),
and prints the biaslab command that evaluates the same batch. The modules below declare their layers under
the names BiasLab's blocks carry (biaslab models --check SPEC lists them), in BiasLab's θ order:
  mlp         layer1 … layerL (nn.Linear), activation between them
  cnn         conv1, conv2 (nn.Conv2d 5×5), fc_out (nn.Linear), relu, max pool 2
  transformer nanoGPT's GPT: transformer.{wte, wpe, h.<l>.{ln_1, attn.{c_attn, c_proj}, ln_2, mlp.{c_fc, c_proj}}, ln_f},
              lm_head (tied to wte unless :untied), nn.GELU() (erf), LayerNorm ε = 1e-5, causal softmax attention.
Needs torch and numpy; uses the `safetensors` package when installed, else writes the format itself.
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
        super().__init__()
        self.ln_1, self.ln_2 = nn.LayerNorm(d), nn.LayerNorm(d)
        self.attn = nn.Module()
        self.attn.c_attn, self.attn.c_proj = nn.Linear(d, 3 * d), nn.Linear(d, d)
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
    """The format itself: 8-byte LE header length, JSON header, row-major LE data (bfloat16 by truncating float32)."""
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
    state = {k: v for k, v in model.state_dict().items()}
    write_safetensors(state, args.out + ".safetensors", args.dtype)
    # The check batch: the outputs of the weights exactly as stored (rounded to --dtype), in float64.
    for name, t in state.items():
        if args.dtype == "bfloat16":
            t.copy_(torch.from_numpy(((t.numpy().astype("<f4").view("<u4") >> 16) << 16).astype("<u4").view("<f4").astype(np.float64)))
        else:
            t.copy_(t.to(getattr(torch, args.dtype)).double())
    x = inputs(args.batch)
    with torch.no_grad():
        out = model(x).double().numpy()
    np.savez(args.out + "-check.npz", x=x.double().numpy(), outputs=out)
    with open(args.out + ".spec", "w") as f:
        f.write(args.spec + "\n")
    print(f"wrote {args.out}.safetensors, {args.out}.spec, {args.out}-check.npz")
    print(f"biaslab evaluate --model {args.spec} --params {args.out}.safetensors --data <the check batch as data> --json")


if __name__ == "__main__":
    main()
