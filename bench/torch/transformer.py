"""The benchmark's transformer in PyTorch (float64, functional on the flat theta), written from the formulas
in bench/README.md ("Models": GPT-2/nanoGPT pre-LayerNorm decoder, tied unembedding, next-token
cross-entropy averaged over positions and sequences), as bench/jax/transformer.py is for JAX:
    h_0 = wte[x] + wpe[0:T];  u = h + Attn(LN_1(h));  h = u + GELU(LN_2(u) W_fc^T + b_fc) W_mlp^T + b_mlp
    logits = LN_f(h) wte^T,   LN with eps 1e-5 and biased variance, GELU the exact erf form,
    Attn: q | k | v column blocks of LN_1(h) W_attn^T + b_attn, H heads of D/H, causal softmax(q k^T / sqrt(D/H)) v,
          heads concatenated, then W_proj^T + b_proj.
theta in nanoGPT's state_dict order; spec = (V, T, D, H, L, M) from lm.npz."""
import math

import torch

torch.set_default_dtype(torch.float64)


def unflatten(theta, spec):
    v, t, d, _, layers, m = spec
    offset = 0

    def take(*shape):
        nonlocal offset
        size = math.prod(shape)
        block = theta[offset:offset + size].reshape(shape)
        offset += size
        return block
    wte, wpe = take(v, d), take(t, d)
    blocks = [dict(g1=take(d), b1=take(d), w_attn=take(3 * d, d), b_attn=take(3 * d), w_proj=take(d, d), b_proj=take(d),
                   g2=take(d), b2=take(d), w_fc=take(m, d), b_fc=take(m), w_mlp=take(d, m), b_mlp=take(d))
              for _ in range(layers)]
    return wte, wpe, blocks, take(d), take(d)


def layer_norm(z, gamma, beta):
    mean = z.mean(dim=-1, keepdim=True)
    var = ((z - mean) ** 2).mean(dim=-1, keepdim=True)
    return (z - mean) / torch.sqrt(var + 1e-5) * gamma + beta


def gelu(z):
    return 0.5 * z * (1 + torch.erf(z / math.sqrt(2.0)))


def attention(a, p, heads):
    """Causal multi-head self-attention of a [..., T, D] (a leading batch axis, or none under vmap)."""
    t, d = a.shape[-2], a.shape[-1]
    dh = d // heads
    qkv = a @ p["w_attn"].T + p["b_attn"]
    q, k, v = (qkv[..., i * d:(i + 1) * d].unflatten(-1, (heads, dh)).transpose(-3, -2) for i in range(3))
    scores = q @ k.transpose(-2, -1) / math.sqrt(dh)
    causal = torch.ones(t, t, dtype=torch.bool).tril()
    weights = torch.softmax(torch.where(causal, scores, -math.inf), dim=-1)
    o = (weights @ v).transpose(-3, -2).flatten(-2)
    return o @ p["w_proj"].T + p["b_proj"]


def logits(theta, x, spec):
    wte, wpe, blocks, gf, bf = unflatten(theta, spec)
    h = wte[x] + wpe[:x.shape[-1]]
    for p in blocks:
        u = h + attention(layer_norm(h, p["g1"], p["b1"]), p, spec[3])
        h = u + gelu(layer_norm(u, p["g2"], p["b2"]) @ p["w_fc"].T + p["b_fc"]) @ p["w_mlp"].T + p["b_mlp"]
    return layer_norm(h, gf, bf) @ wte.T


def mean_loss(theta, x, y, spec):
    """(1/N) sum_i (1/T) sum_t [logsumexp(logits_{i,t}) - logits_{i,t,y_{i,t}}]; x, y [N, T] (or [T]: one sequence)."""
    z = logits(theta, x, spec)
    picked = torch.gather(z, -1, y.unsqueeze(-1)).squeeze(-1)
    return (torch.logsumexp(z, dim=-1) - picked).mean()
